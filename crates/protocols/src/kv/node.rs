//! A node of a key-value protocol run: one of the protocol's servers, or a client.
//!
//! Every consensus protocol here serves the same clients, so the client half of the
//! actor, and the bookkeeping over clients (unfinished operations, the history), is
//! written once; a protocol implements [`KvServer`] for its server.

use crate::history::ClientEvent;
use crate::kv::client::{ClientConfig, ClientPlan, ClientTimer, KvClient};
use crate::kv::op::{KvRequest, KvResponse};
use faultline_sim::actor::Role;
use faultline_sim::{Actor, Context, NodeId, World};
use serde::Serialize;
use std::fmt::Debug;
use std::hash::Hash;

/// A protocol's server, as hosted in a [`KvNode`].
pub trait KvServer: Sized + 'static {
    type Msg: Clone + Debug + Hash + Serialize + From<KvRequest>;
    type Timer: Clone + Debug + Hash + Serialize + From<ClientTimer>;
    type Record: Clone + Debug;

    fn on_start(&mut self, ctx: &mut Context<'_, KvNode<Self>>);
    fn on_message(&mut self, ctx: &mut Context<'_, KvNode<Self>>, from: NodeId, msg: Self::Msg);
    fn on_timer(&mut self, ctx: &mut Context<'_, KvNode<Self>>, timer: Self::Timer);
    fn role(&self) -> Option<Role>;
    /// The server's state in one short line (see `Actor::summary`).
    fn summary(&self) -> Option<String> {
        None
    }

    /// The response a message carries to a client, if it is one.
    fn response(msg: Self::Msg) -> Option<KvResponse>;
    /// The client timer a timer carries, if it is one.
    fn client_timer(timer: Self::Timer) -> Option<ClientTimer>;
}

#[derive(Clone, Debug)]
pub enum KvNode<S> {
    Server(Box<S>),
    Client(KvClient),
}

impl<S> KvNode<S> {
    pub fn client(id: NodeId, config: ClientConfig, plan: ClientPlan) -> Self {
        KvNode::Client(KvClient::new(id, config, plan))
    }

    pub fn as_server(&self) -> Option<&S> {
        match self {
            KvNode::Server(s) => Some(s),
            KvNode::Client(_) => None,
        }
    }
}

impl<S: KvServer> Actor for KvNode<S> {
    type Msg = S::Msg;
    type Timer = S::Timer;
    type Record = S::Record;
    type Observation = ClientEvent;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        match self {
            KvNode::Server(s) => s.on_start(ctx),
            KvNode::Client(c) => c.on_start(ctx),
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: S::Msg) {
        match self {
            KvNode::Server(s) => s.on_message(ctx, from, msg),
            KvNode::Client(c) => {
                if let Some(response) = S::response(msg) {
                    c.on_response(ctx, response);
                }
            }
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, timer: S::Timer) {
        match self {
            KvNode::Server(s) => s.on_timer(ctx, timer),
            KvNode::Client(c) => {
                if let Some(timer) = S::client_timer(timer) {
                    c.on_timer(ctx, timer);
                }
            }
        }
    }

    fn role(&self) -> Option<Role> {
        self.as_server().and_then(S::role)
    }

    fn summary(&self) -> Option<String> {
        self.as_server().and_then(S::summary)
    }
}

/// Builds nodes: servers `0..servers` with `make_server`, then clients, each with its
/// share of the workload's operations.
pub fn node_factory<S: KvServer>(
    servers: u32,
    clients: ClientConfig,
    workload: crate::protocol::Workload,
    make_server: impl Fn(u32) -> S + 'static,
) -> Box<dyn FnMut(NodeId) -> KvNode<S>> {
    Box::new(move |id| {
        if id.0 < servers {
            KvNode::Server(Box::new(make_server(id.0)))
        } else {
            let plan = ClientConfig::plan_for(&workload, (id.0 - servers) as usize);
            KvNode::client(id, clients.clone(), plan)
        }
    })
}

/// Client operations not yet completed, over every client of the run.
pub fn unfinished_ops<S: KvServer>(world: &World<KvNode<S>>) -> usize {
    // Clients follow the servers: a large cluster's servers are not visited.
    world.actors()[world.server_count()..]
        .iter()
        .map(|n| match n {
            Some(KvNode::Client(c)) => c.unfinished(),
            _ => 0,
        })
        .sum()
}

/// Each live server's applied key-value state (data, client sessions, commands
/// applied), for the harness's `converged`: replicas of one log that applied the
/// same prefix hold equal stores, whatever snapshots or restarts brought them there.
pub fn store_digests<S: KvServer>(
    world: &World<KvNode<S>>,
    store_of: impl Fn(&S) -> &crate::kv::KvStore,
) -> Vec<crate::convergence::ReplicaDigest> {
    let nodes = (0..world.actors().len() as u32).map(NodeId);
    nodes
        .filter_map(|node| store_digest(world, node, &store_of))
        .collect()
}

/// One live server's entry of [`store_digests`], `None` for a client or a crashed node.
pub fn store_digest<S: KvServer>(
    world: &World<KvNode<S>>,
    node: NodeId,
    store_of: impl Fn(&S) -> &crate::kv::KvStore,
) -> Option<crate::convergence::ReplicaDigest> {
    let store = store_of(world.actor(node)?.as_server()?);
    let note = format!("applied {} commands", store.applied_count());
    Some(crate::convergence::ReplicaDigest::of(node, store, note))
}
