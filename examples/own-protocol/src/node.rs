//! A node of an ABD run: a replica or a client. One actor type for the whole run, as
//! faultline requires; the node's index decides which (replicas `0..N`, then clients).

use crate::api::{Actor, ClientEvent, Context, NodeId, Plan, Workload};
use crate::client::Client;
use crate::config::AbdConfig;
use crate::messages::{Msg, Record, Timer};
use crate::op::from_script;
use crate::replica::Replica;
use std::rc::Rc;

#[derive(Clone, Debug)]
pub enum AbdNode {
    Replica(Replica),
    Client(Box<Client>),
}

impl AbdNode {
    pub fn as_replica(&self) -> Option<&Replica> {
        match self {
            AbdNode::Replica(r) => Some(r),
            AbdNode::Client(_) => None,
        }
    }

    pub fn as_client(&self) -> Option<&Client> {
        match self {
            AbdNode::Client(c) => Some(c),
            AbdNode::Replica(_) => None,
        }
    }

    /// The replica, for tests that change its state by hand.
    pub fn as_replica_mut(&mut self) -> Option<&mut Replica> {
        match self {
            AbdNode::Replica(r) => Some(r),
            AbdNode::Client(_) => None,
        }
    }

    /// The client, for tests that change its state by hand.
    pub fn as_client_mut(&mut self) -> Option<&mut Client> {
        match self {
            AbdNode::Client(c) => Some(c),
            AbdNode::Replica(_) => None,
        }
    }
}

impl Actor for AbdNode {
    type Msg = Msg;
    type Timer = Timer;
    type Record = Record;
    type Observation = ClientEvent;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        match self {
            AbdNode::Replica(r) => r.on_start(ctx),
            AbdNode::Client(c) => c.on_start(ctx),
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            AbdNode::Replica(r) => r.on_message(ctx, from, msg),
            AbdNode::Client(c) => c.on_message(ctx, from, msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, timer: Timer) {
        match self {
            AbdNode::Replica(r) => r.on_timer(ctx, timer),
            AbdNode::Client(c) => c.on_timer(ctx, timer),
        }
    }
}

/// Builds node `id` of a run: a replica for `0..replicas`, else a client with its
/// share of `workload` (random operations, or its entries of the script).
pub fn node_factory(
    config: Rc<AbdConfig>,
    workload: Workload,
) -> Box<dyn FnMut(NodeId) -> AbdNode> {
    Box::new(move |id| {
        if id.0 < config.replicas {
            return AbdNode::Replica(Replica::new(config.bugs));
        }
        let index = (id.0 - config.replicas) as usize;
        let plan = Plan::for_client(&workload, index, from_script);
        AbdNode::Client(Box::new(Client::new(id, config.clone(), plan)))
    })
}
