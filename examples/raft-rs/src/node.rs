//! A raft-rs server hosted as the server half of faultline's key-value node: the
//! client half (the built-in key-value client, with its retries, leader hints and
//! history) comes with `KvNode`, unchanged.

use crate::api::{ClientTimer, Context, KvNode, KvResponse, KvServer, NodeId, Role};
use crate::messages::{Msg, Record, Timer};
use crate::server::Server;

impl KvServer for Server {
    type Msg = Msg;
    type Timer = Timer;
    type Record = Record;

    fn on_start(&mut self, ctx: &mut Context<'_, KvNode<Self>>) {
        self.start(ctx);
    }

    fn on_message(&mut self, ctx: &mut Context<'_, KvNode<Self>>, from: NodeId, msg: Msg) {
        Server::on_message(self, ctx, from, msg);
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, KvNode<Self>>, timer: Timer) {
        Server::on_timer(self, ctx, timer);
    }

    fn role(&self) -> Option<Role> {
        Server::role(self)
    }

    fn summary(&self) -> Option<String> {
        self.describe()
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
