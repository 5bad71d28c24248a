//! A node of a lock run: a primary-backup lock server, a Redlock server, the
//! protected resource, or a client. One actor type for the whole run; the node's
//! index decides which (lock servers first, then the resource, then clients).

use crate::history::ClientEvent;
use crate::lock::client::LockClient;
use crate::lock::config::{LockConfig, Service};
use crate::lock::messages::{Msg, Record, Timer};
use crate::lock::redlock::RedlockServer;
use crate::lock::resource::Resource;
use crate::lock::script::{lock_op, LockOp};
use crate::lock::single::SingleServer;
use crate::plan::Plan;
use crate::protocol::Workload;
use faultline_sim::NodeId;
use std::rc::Rc;

faultline_api::node_roles! {
    /// A lock run's node, by the role its index gives it.
    #[derive(Clone, Debug)]
    pub enum LockNode {
        type Msg = Msg;
        type Timer = Timer;
        type Record = Record;
        type Observation = ClientEvent;
        Single(SingleServer) as as_single,
        Redlock(RedlockServer),
        Resource(Resource) as as_resource,
        Client(LockClient) as as_client,
    }
}

/// Builds node `id` of a run: lock servers, then the resource, then the clients,
/// each with its share of the workload.
pub fn node_factory(
    config: Rc<LockConfig>,
    workload: Workload,
) -> Box<dyn FnMut(NodeId) -> LockNode> {
    Box::new(move |id| {
        let config = config.clone();
        if id.0 < config.lock_servers {
            return match config.service {
                Service::Single => LockNode::Single(Box::new(SingleServer::new(id.0, config))),
                Service::Redlock => LockNode::Redlock(Box::new(RedlockServer::new(config))),
            };
        }
        if id == config.resource {
            return LockNode::Resource(Box::new(Resource::new(config)));
        }
        let index = (id.0 - config.resource.0 - 1) as usize;
        let plan: Plan<LockOp> = Plan::for_client(&workload, index, lock_op);
        LockNode::Client(Box::new(LockClient::new(id, config, plan)))
    })
}
