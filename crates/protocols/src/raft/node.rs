//! A node of a raft run: a server, or a key-value client (the shared `KvNode`).

use crate::kv::{ClientTimer, KvNode, KvResponse, KvServer};
use crate::raft::messages::{Msg, Record, Timer};
use crate::raft::server::Server;
use faultline_sim::actor::Role;
use faultline_sim::{Context, NodeId};

pub type RaftNode = KvNode<Server>;

impl KvServer for Server {
    type Msg = Msg;
    type Timer = Timer;
    type Record = Record;

    fn on_start(&mut self, ctx: &mut Context<'_, RaftNode>) {
        Server::on_start(self, ctx);
    }

    fn on_message(&mut self, ctx: &mut Context<'_, RaftNode>, from: NodeId, msg: Msg) {
        Server::on_message(self, ctx, from, msg);
        self.debug_assert_all_durable(ctx);
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, RaftNode>, timer: Timer) {
        Server::on_timer(self, ctx, timer);
        self.debug_assert_all_durable(ctx);
    }

    fn role(&self) -> Option<Role> {
        self.node_role()
    }

    fn summary(&self) -> Option<String> {
        let role = format!("{:?}", self.role).to_lowercase();
        Some(format!(
            "{role} term {} commit {} log {}@t{}",
            self.term,
            self.commit_index,
            self.log.last_index(),
            self.log.last_term()
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
