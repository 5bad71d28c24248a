//! A node of a Raft run: a server, or a key-value client (the shared `KvClient`).

use crate::history::ClientEvent;
use crate::kv::{ClientConfig, KvClient};
use crate::raft::messages::{Msg, Record, Timer};
use crate::raft::server::Server;
use faultline_sim::actor::Role;
use faultline_sim::{Actor, Context, NodeId};

#[derive(Clone, Debug)]
pub enum RaftNode {
    Server(Box<Server>),
    Client(KvClient),
}

impl RaftNode {
    pub fn client(id: NodeId, config: ClientConfig, ops: usize) -> Self {
        RaftNode::Client(KvClient::new(id, config, ops))
    }

    pub fn as_server(&self) -> Option<&Server> {
        match self {
            RaftNode::Server(s) => Some(s),
            RaftNode::Client(_) => None,
        }
    }
}

impl Actor for RaftNode {
    type Msg = Msg;
    type Timer = Timer;
    type Record = Record;
    type Observation = ClientEvent;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        match self {
            RaftNode::Server(s) => s.on_start(ctx),
            RaftNode::Client(c) => c.on_start(ctx),
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Msg) {
        match (self, msg) {
            (RaftNode::Client(c), Msg::Response(response)) => c.on_response(ctx, response),
            (RaftNode::Server(s), msg) => s.on_message(ctx, from, msg),
            (RaftNode::Client(_), _) => {}
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, timer: Timer) {
        match (self, timer) {
            (RaftNode::Client(c), Timer::Client(t)) => c.on_timer(ctx, t),
            (RaftNode::Server(s), timer) => s.on_timer(ctx, timer),
            (RaftNode::Client(_), _) => {}
        }
    }

    fn role(&self) -> Option<Role> {
        self.as_server().and_then(Server::node_role)
    }
}
