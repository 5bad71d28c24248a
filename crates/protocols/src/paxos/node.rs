//! A node of a Paxos run: a server, or a key-value client (the shared `KvClient`).

use crate::history::ClientEvent;
use crate::kv::{ClientConfig, KvClient};
use crate::paxos::messages::{Msg, Record, Timer};
use crate::paxos::server::Server;
use faultline_sim::actor::Role;
use faultline_sim::{Actor, Context, NodeId};

#[derive(Clone, Debug)]
pub enum PaxosNode {
    Server(Box<Server>),
    Client(KvClient),
}

impl PaxosNode {
    pub fn client(id: NodeId, config: ClientConfig, ops: usize) -> Self {
        PaxosNode::Client(KvClient::new(id, config, ops))
    }

    pub fn as_server(&self) -> Option<&Server> {
        match self {
            PaxosNode::Server(s) => Some(s),
            PaxosNode::Client(_) => None,
        }
    }
}

impl Actor for PaxosNode {
    type Msg = Msg;
    type Timer = Timer;
    type Record = Record;
    type Observation = ClientEvent;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        match self {
            PaxosNode::Server(s) => s.on_start(ctx),
            PaxosNode::Client(c) => c.on_start(ctx),
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Msg) {
        match (self, msg) {
            (PaxosNode::Client(c), Msg::Response(response)) => c.on_response(ctx, response),
            (PaxosNode::Server(s), msg) => s.on_message(ctx, from, msg),
            (PaxosNode::Client(_), _) => {}
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, timer: Timer) {
        match (self, timer) {
            (PaxosNode::Client(c), Timer::Client(t)) => c.on_timer(ctx, t),
            (PaxosNode::Server(s), timer) => s.on_timer(ctx, timer),
            (PaxosNode::Client(_), _) => {}
        }
    }

    fn role(&self) -> Option<Role> {
        self.as_server().and_then(Server::node_role)
    }
}
