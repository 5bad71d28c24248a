//! The key-value store as Raft's state machine: what `raft` has always replicated.
//!
//! A client request reaches the leader, which appends its command and remembers whom
//! to answer (`pending_replies`); a follower points the client at the leader it
//! knows. Applying a committed command runs it through the store's client sessions
//! (a retry applies once) and the leader answers the client that asked. With
//! `raft.stale_read` the leader answers reads from its own store, with no quorum round.

use crate::kv::KvStore;
use crate::kv::{ApplyOutcome, ClientTimer, Command, KvOp, KvOutput, KvRequest, KvResponse};
use crate::raft::machine::Machine;
use crate::raft::messages::Msg;
use crate::raft::node::RaftNode;
use crate::raft::server::{Ctx, Role, Server};
use crate::raft::situations as s;
use faultline_sim::NodeId;

impl Machine for KvStore {
    type Command = Command;
    type Request = KvRequest;
    type Response = KvResponse;
    type ClientTimer = ClientTimer;
    type HostRecord = ();
    type Local = ();
    type Node = RaftNode;

    fn on_request(server: &mut Server, ctx: &mut Ctx<'_>, from: NodeId, request: KvRequest) {
        server.on_client_request(ctx, from, request);
    }

    fn server_of(node: &RaftNode) -> Option<&Server> {
        node.as_server()
    }

    fn apply(server: &mut Server, ctx: &mut Ctx<'_>, index: u64, command: &Command) {
        let outcome = server.store.apply(command);
        ctx.crash_point(crate::raft::crash_points::AFTER_APPLY_BEFORE_REPLY);
        if matches!(outcome, ApplyOutcome::Retry(_)) {
            ctx.sometimes(s::RETRY_ANSWERED_FROM_SESSION);
        }
        if let Some((client, seq)) = server.pending_replies.remove(&index) {
            if let Some(output) = outcome.output() {
                let response = KvResponse::Applied {
                    seq,
                    output: output.clone(),
                };
                ctx.send(NodeId(client), Msg::Response(response));
            }
        }
    }
}

impl Server {
    pub fn on_client_request(&mut self, ctx: &mut Ctx<'_>, client: NodeId, request: KvRequest) {
        let command = request.command;
        if self.role != Role::Leader {
            let leader_hint = self.leader_hint_for_client();
            ctx.send(
                client,
                Msg::Response(KvResponse::NotLeader {
                    seq: command.seq,
                    leader_hint,
                }),
            );
            return;
        }
        if self.config.bugs.stale_read {
            if let KvOp::Get { key } = &command.op {
                // The bug: answer from local state, with no quorum round.
                let output = KvOutput::Value(self.store.get(key).to_string());
                ctx.send(
                    client,
                    Msg::Response(KvResponse::Applied {
                        seq: command.seq,
                        output,
                    }),
                );
                return;
            }
        }
        self.propose_for(ctx, client, command.seq, command);
    }
}
