//! A node of a zk run: a coordination server (a Raft server whose state machine is the
//! tree), the fenced resource, or a lock client. One actor type for the whole run;
//! the node's index decides which (servers, then the resource, then clients).

use crate::history::ClientEvent;
use crate::plan::Plan;
use crate::protocol::Workload;
use crate::raft::messages::{Msg, Record, Timer};
use crate::raft::server::{Ctx, RaftConfig, Server};
use crate::zk::client::ZkClient;
use crate::zk::config::ZkConfig;
use crate::zk::resource::ZkResource;
use crate::zk::tree::ZkMachine;
use faultline_sim::actor::Role;
use faultline_sim::NodeId;
use std::rc::Rc;

faultline_api::node_roles! {
    /// A zk run's node, by the role its index gives it.
    #[derive(Clone, Debug)]
    pub enum ZkNode {
        type Msg = Msg<ZkMachine>;
        type Timer = Timer<ZkMachine>;
        type Record = Record<ZkMachine>;
        type Observation = ClientEvent;
        Server(ZkServer) as as_server,
        Resource(ZkResource) as as_resource,
        Client(ZkClient) as as_client,
    }
}

/// A coordination server: Raft's server with the tree as its state machine.
#[derive(Clone, Debug)]
pub struct ZkServer {
    pub raft: Server<ZkMachine>,
}

impl ZkServer {
    pub fn on_start(&mut self, ctx: &mut Ctx<'_, ZkMachine>) {
        self.raft.on_start(ctx);
    }

    pub fn on_message(&mut self, ctx: &mut Ctx<'_, ZkMachine>, from: NodeId, msg: Msg<ZkMachine>) {
        self.raft.on_message(ctx, from, msg);
        self.raft.debug_assert_all_durable(ctx);
    }

    pub fn on_timer(&mut self, ctx: &mut Ctx<'_, ZkMachine>, timer: Timer<ZkMachine>) {
        self.raft.on_timer(ctx, timer);
        self.raft.debug_assert_all_durable(ctx);
    }

    /// The Raft leader is the `leader`, ranked by term.
    pub fn role(&self) -> Option<Role> {
        self.raft.node_role()
    }
}

/// Builds node `id` of a run: servers, then the resource, then the clients, each
/// with its share of the workload's lock cycles.
pub fn node_factory(
    config: Rc<ZkConfig>,
    raft: Rc<RaftConfig>,
    workload: Workload,
) -> Box<dyn FnMut(NodeId) -> ZkNode> {
    Box::new(move |id| {
        if id.0 < config.raft_servers {
            let mut server: Server<ZkMachine> = Server::new(id.0, raft.clone());
            server.local.config = config.clone();
            return ZkNode::Server(Box::new(ZkServer { raft: server }));
        }
        if id == config.resource {
            return ZkNode::Resource(Box::new(ZkResource::new(config.clone())));
        }
        let index = (id.0 - config.resource.0 - 1) as usize;
        let plan: Plan<()> = Plan::for_client(&workload, index, |_| ());
        ZkNode::Client(Box::new(ZkClient::new(id, config.clone(), plan)))
    })
}
