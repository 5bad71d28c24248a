//! A node of a paxos run: a server, or a key-value client (the shared `KvNode`).

use crate::kv::{ClientTimer, KvNode, KvResponse, KvServer};
use crate::paxos::messages::{Msg, Record, Timer};
use crate::paxos::server::Server;
use faultline_sim::actor::Role;
use faultline_sim::{Context, NodeId};

pub type PaxosNode = KvNode<Server>;

impl KvServer for Server {
    type Msg = Msg;
    type Timer = Timer;
    type Record = Record;

    fn on_start(&mut self, ctx: &mut Context<'_, PaxosNode>) {
        Server::on_start(self, ctx);
    }

    fn on_message(&mut self, ctx: &mut Context<'_, PaxosNode>, from: NodeId, msg: Msg) {
        Server::on_message(self, ctx, from, msg);
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, PaxosNode>, timer: Timer) {
        Server::on_timer(self, ctx, timer);
    }

    fn role(&self) -> Option<Role> {
        self.node_role()
    }

    fn summary(&self) -> Option<String> {
        let role = format!("{:?}", self.role).to_lowercase();
        Some(format!(
            "{role} ballot {}.{} promised {}.{} decided {}",
            self.ballot.round,
            self.ballot.proposer,
            self.promised.round,
            self.promised.proposer,
            self.decided.len()
        ))
    }

    fn response(msg: Msg) -> Option<KvResponse> {
        match msg {
            Msg::Response(response) => Some(response),
            _ => None,
        }
    }

    fn client_timer(timer: Timer) -> Option<ClientTimer> {
        match timer {
            Timer::Client(timer) => Some(timer),
            _ => None,
        }
    }
}
