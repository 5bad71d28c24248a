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
use faultline_sim::actor::Role;
use faultline_sim::{Actor, Context, NodeId};
use std::rc::Rc;

#[derive(Clone, Debug)]
pub enum LockNode {
    Single(Box<SingleServer>),
    Redlock(Box<RedlockServer>),
    Resource(Box<Resource>),
    Client(Box<LockClient>),
}

impl LockNode {
    pub fn as_client(&self) -> Option<&LockClient> {
        match self {
            LockNode::Client(c) => Some(c),
            _ => None,
        }
    }

    pub fn as_resource(&self) -> Option<&Resource> {
        match self {
            LockNode::Resource(r) => Some(r),
            _ => None,
        }
    }

    pub fn as_single(&self) -> Option<&SingleServer> {
        match self {
            LockNode::Single(s) => Some(s),
            _ => None,
        }
    }
}

impl Actor for LockNode {
    type Msg = Msg;
    type Timer = Timer;
    type Record = Record;
    type Observation = ClientEvent;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        match self {
            LockNode::Single(s) => s.on_start(ctx),
            LockNode::Redlock(s) => s.on_start(ctx),
            LockNode::Resource(r) => r.on_start(ctx),
            LockNode::Client(c) => c.on_start(ctx),
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            LockNode::Single(s) => s.on_message(ctx, from, msg),
            LockNode::Redlock(s) => s.on_message(ctx, from, msg),
            LockNode::Resource(r) => r.on_message(ctx, from, msg),
            LockNode::Client(c) => c.on_message(ctx, from, msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, timer: Timer) {
        match self {
            LockNode::Single(s) => s.on_timer(ctx, timer),
            LockNode::Client(c) => c.on_timer(ctx, timer),
            LockNode::Redlock(_) | LockNode::Resource(_) => {}
        }
    }

    fn role(&self) -> Option<Role> {
        match self {
            LockNode::Single(s) => s.role(),
            LockNode::Client(c) => c.role(),
            LockNode::Redlock(_) | LockNode::Resource(_) => None,
        }
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
