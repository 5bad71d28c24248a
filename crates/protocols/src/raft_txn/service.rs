//! The transactional store as Raft's state machine: `TxnStore` behind `raft::Server`.
//!
//! A client's transaction reaches a server; the leader appends it to its log and
//! remembers whom to answer (`pending_replies`), a follower points the client at the
//! leader it knows. Every replica applies committed transactions to its store in log
//! order, through the client sessions (a retry applies once); the leader answers the
//! client that asked with what its reads saw. Read-only transactions go through the
//! log like the rest: that is what makes them strict serializable. With
//! `raft_txn.local_read_only` the leader answers a read-only transaction from its own
//! applied state at once, with no quorum round: a leader deposed without knowing it
//! (cut off by a partition while a newer leader commits), or a new leader that has not
//! yet applied what its predecessor committed, serves a stale read.

use crate::kv::ApplyOutcome;
use crate::raft::machine::Machine;
use crate::raft::messages::Msg;
use crate::raft::server::{Ctx, Role, Server};
use crate::raft::situations as s;
use crate::raft_txn::bugs::TxnBugs;
use crate::raft_txn::node::TxnNode;
use crate::raft_txn::ops::{TxnCommand, TxnRequest, TxnResponse, TxnTimer};
use crate::raft_txn::store::TxnStore;
use faultline_sim::NodeId;

/// A transactional server's Raft core.
pub type TxnServerCore = Server<TxnStore>;

impl Machine for TxnStore {
    type Command = TxnCommand;
    type Request = TxnRequest;
    type Response = TxnResponse;
    type ClientTimer = TxnTimer;
    type HostRecord = ();
    type Local = TxnBugs;
    type Node = TxnNode;

    fn on_request(
        server: &mut TxnServerCore,
        ctx: &mut Ctx<'_, TxnStore>,
        from: NodeId,
        request: TxnRequest,
    ) {
        let command = request.command;
        if server.role != Role::Leader {
            let leader_hint = server.leader_hint_for_client();
            let seq = command.seq;
            ctx.send(
                from,
                Msg::Response(TxnResponse::NotLeader { seq, leader_hint }),
            );
            return;
        }
        if server.local.local_read_only && command.is_read_only() {
            // The bug: answered from this leader's applied state, no quorum round.
            let reads = server.store.read_locally(&command.ops);
            let seq = command.seq;
            ctx.send(from, Msg::Response(TxnResponse::Committed { seq, reads }));
            return;
        }
        server.propose_for(ctx, from, command.seq, command);
    }

    fn server_of(node: &TxnNode) -> Option<&TxnServerCore> {
        node.as_server().map(|server| &server.raft)
    }

    fn apply(
        server: &mut TxnServerCore,
        ctx: &mut Ctx<'_, TxnStore>,
        index: u64,
        command: &TxnCommand,
    ) {
        let outcome = server.store.apply(command);
        if matches!(outcome, ApplyOutcome::Retry(_)) {
            ctx.sometimes(s::RETRY_ANSWERED_FROM_SESSION);
        }
        let Some((client, seq)) = server.pending_replies.remove(&index) else {
            return;
        };
        if let Some(reads) = outcome.output() {
            let reads = reads.clone();
            let response = TxnResponse::Committed { seq, reads };
            ctx.send(NodeId(client), Msg::Response(response));
        }
    }
}
