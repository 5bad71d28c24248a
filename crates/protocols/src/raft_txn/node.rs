//! A node of a raft_txn run: a transactional server (a Raft server whose state
//! machine is the list store) or a client running transactions. One actor type for
//! the whole run; servers are nodes `0..servers`, clients follow.

use crate::history::ClientEvent;
use crate::raft::messages::{Msg, Record, Timer};
use crate::raft::server::Ctx;
use crate::raft_txn::client::TxnClient;
use crate::raft_txn::service::TxnServerCore;
use crate::raft_txn::store::TxnStore;
use faultline_sim::actor::Role;
use faultline_sim::NodeId;

faultline_api::node_roles! {
    /// A raft_txn run's node, by the role its index gives it.
    #[derive(Clone, Debug)]
    pub enum TxnNode {
        type Msg = Msg<TxnStore>;
        type Timer = Timer<TxnStore>;
        type Record = Record<TxnStore>;
        type Observation = ClientEvent;
        Server(TxnServer) as as_server,
        Client(TxnClient) as as_client,
    }
}

/// A transactional server: Raft's server with the list store as its state machine.
#[derive(Clone, Debug)]
pub struct TxnServer {
    pub raft: TxnServerCore,
}

impl TxnServer {
    pub fn on_start(&mut self, ctx: &mut Ctx<'_, TxnStore>) {
        self.raft.on_start(ctx);
    }

    pub fn on_message(&mut self, ctx: &mut Ctx<'_, TxnStore>, from: NodeId, msg: Msg<TxnStore>) {
        self.raft.on_message(ctx, from, msg);
        self.raft.debug_assert_all_durable(ctx);
    }

    pub fn on_timer(&mut self, ctx: &mut Ctx<'_, TxnStore>, timer: Timer<TxnStore>) {
        self.raft.on_timer(ctx, timer);
        self.raft.debug_assert_all_durable(ctx);
    }

    /// The Raft leader is the `leader`, ranked by term.
    pub fn role(&self) -> Option<Role> {
        self.raft.node_role()
    }
}
