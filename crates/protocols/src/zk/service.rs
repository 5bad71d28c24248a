//! The coordination service on Raft: `ZkMachine` as a Raft state machine.
//!
//! A client's command reaches a server; the leader appends it to the log (a follower
//! points the client at the leader it knows). Every replica applies committed commands
//! to its tree; the leader, and only it, sends what applying said (replies, pongs,
//! watch notifications, expiries). Session expiry is decided through the log: the
//! leader notes (by its own clock) when it applied each session's last heartbeat, and
//! at each Raft heartbeat proposes `Expire` for a session silent for the timeout. A
//! new leader first gives every session a fresh timeout from its own first tick, as
//! ZooKeeper's does. With `zk.local_session_expiry` every server notes heartbeats by
//! its own clock, no grace is given, and the leader drops an expired session from its
//! own tree at once, without the log.

use crate::lock::fence::AcceptedWrite;
use crate::raft::machine::Machine;
use crate::raft::messages::Msg;
use crate::raft::server::{Ctx, Role, Server};
use crate::zk::config::ZkConfig;
use crate::zk::node::ZkNode;
use crate::zk::ops::{SessionId, ZkCommand, ZkRequest, ZkResponse, ZkTimer};
use crate::zk::situations as s;
use crate::zk::tree::{Notices, ZkMachine};
use faultline_sim::{Nanos, NodeId};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// A server's volatile bookkeeping of sessions.
#[derive(Clone, Debug, Default)]
pub struct ZkLocal {
    pub config: Rc<ZkConfig>,
    /// The term `heard` was started in (a new leader starts afresh).
    term: u64,
    /// When (this server's clock) each session's last heartbeat was applied here.
    heard: BTreeMap<SessionId, Nanos>,
    /// Sessions whose expiry this leader proposed and has not seen applied.
    proposed: BTreeSet<SessionId>,
}

pub type ZkServerCore = Server<ZkMachine>;

impl Machine for ZkMachine {
    type Command = ZkCommand;
    type Request = ZkRequest;
    type Response = ZkResponse;
    type ClientTimer = ZkTimer;
    type HostRecord = AcceptedWrite;
    type Local = ZkLocal;
    type Node = ZkNode;

    fn on_request(
        server: &mut ZkServerCore,
        ctx: &mut Ctx<'_, ZkMachine>,
        from: NodeId,
        request: ZkRequest,
    ) {
        let ZkRequest::Submit(command) = request else {
            unreachable!("server n{} got a resource write from {from:?}", server.id);
        };
        if server.role != Role::Leader {
            let hint = server.leader_hint_for_client();
            ctx.send(from, Msg::Response(ZkResponse::NotLeader { hint }));
            return;
        }
        server.propose(ctx, command);
    }

    fn apply(
        server: &mut ZkServerCore,
        ctx: &mut Ctx<'_, ZkMachine>,
        index: u64,
        command: &ZkCommand,
    ) {
        let before = server.store.sessions.len();
        if let ZkCommand::Op { session, seq, .. } = command {
            let last = server.store.sessions.get(session).map(|s| s.last_seq);
            if last == Some(*seq) {
                ctx.sometimes(s::RETRY_ANSWERED);
            }
        }
        let notices = server.store.apply(index, command);
        let local_clock = server.local.config.bugs.local_session_expiry;
        let now = ctx.now();
        match command {
            ZkCommand::Touch { session, .. } | ZkCommand::OpenSession { session, .. }
                if local_clock || server.role == Role::Leader =>
            {
                server.local.heard.insert(*session, now);
            }
            ZkCommand::Expire { session, .. } => {
                server.local.proposed.remove(session);
                if server.store.sessions.len() < before {
                    ctx.sometimes(s::SESSION_EXPIRED);
                } else {
                    ctx.sometimes(s::EXPIRY_VOIDED);
                }
            }
            _ => {}
        }
        if server.role == Role::Leader {
            send_notices(ctx, notices);
        }
    }

    fn server_of(node: &ZkNode) -> Option<&ZkServerCore> {
        node.as_server().map(|server| &server.raft)
    }

    fn on_leader_tick(server: &mut ZkServerCore, ctx: &mut Ctx<'_, ZkMachine>) {
        let local_clock = server.local.config.bugs.local_session_expiry;
        if server.local.term != server.term && !local_clock {
            // A new leader: every session gets a full timeout from now.
            server.local.heard.clear();
            server.local.proposed.clear();
        }
        server.local.term = server.term;
        let now = ctx.now();
        let timeout = server.local.config.session_timeout_ns;
        let mut silent = Vec::new();
        for (&session, state) in &server.store.sessions {
            let heard = *server.local.heard.entry(session).or_insert(now);
            let proposed = server.local.proposed.contains(&session);
            if now.saturating_sub(heard) > timeout && !proposed {
                silent.push((session, state.last_touch));
            }
        }
        for (session, last_touch) in silent {
            if local_clock {
                // The bug: straight into this server's own tree, no log entry.
                let notices = server.store.expire(session);
                server.local.heard.remove(&session);
                send_notices(ctx, notices);
                continue;
            }
            server.local.proposed.insert(session);
            let expire = ZkCommand::Expire {
                session,
                last_touch,
            };
            server.propose(ctx, expire);
        }
    }
}

/// The leader appends `command` to its log and sends it to its followers.
fn send_notices(ctx: &mut Ctx<'_, ZkMachine>, notices: Notices) {
    for (client, response) in notices {
        if matches!(response, ZkResponse::Watch { .. }) {
            ctx.sometimes(s::WATCH_FIRED);
        }
        ctx.send(NodeId(client), Msg::Response(response));
    }
}
