//! A client's session with the service, and how its requests travel.
//!
//! The client opens a session through the log, then sends a heartbeat (`Touch`) every
//! third of the session timeout. A heartbeat applied (a pong) proves the session was
//! alive when the client sent it, so the client counts its session valid until the
//! send time plus the timeout less an allowance for clock error: the leader expires a
//! session only a full timeout (by its clock) after applying its last heartbeat, and
//! the last heartbeat was sent before that. When the validity runs out by its clock,
//! the client stops believing it holds the lock (with `zk.expiry_without_fencing` it
//! carries on). An `Expired` answer ends the session: its nodes are gone.
//!
//! Requests go to the server the client takes for the leader; unanswered, they go
//! again unchanged to the next server (a follower names the leader it knows).

use crate::raft::messages::{Msg, Timer};
use crate::zk::client::{Pending, Phase, ZkClient, ZkCtx};
use crate::zk::ops::{SessionId, ZkCommand, ZkOp, ZkRequest, ZkTimer};
use crate::zk::situations as s;
use crate::zk::tree::SESSION_BITS;
use faultline_sim::{Nanos, NodeId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientSession {
    pub id: SessionId,
    pub opened: bool,
    /// Until when (the client's clock) the session is surely alive.
    pub valid_until_ns: Nanos,
    /// Whether the last heartbeat was answered.
    pub answered: bool,
}

impl ZkClient {
    /// Whether the session is open and valid by the client's clock.
    pub(super) fn session_valid(&self, now: Nanos) -> bool {
        self.session
            .as_ref()
            .is_some_and(|s| s.opened && now < s.valid_until_ns)
    }

    pub(super) fn open_session(&mut self, ctx: &mut ZkCtx<'_>) {
        self.sessions_opened += 1;
        let id = (u64::from(self.id.0) << SESSION_BITS) | self.sessions_opened;
        self.session = Some(ClientSession {
            id,
            opened: false,
            valid_until_ns: 0,
            answered: true,
        });
        let open = ZkCommand::OpenSession {
            session: id,
            client: self.id.0,
        };
        self.submit(ctx, open);
    }

    pub(super) fn on_opened(&mut self, ctx: &mut ZkCtx<'_>, session: SessionId) {
        let Some(pending) = self.pending.clone() else {
            return;
        };
        let opening =
            matches!(pending.command, ZkCommand::OpenSession { session: s, .. } if s == session);
        if !opening {
            return;
        }
        self.end_request(ctx);
        let until = self.config.valid_until(pending.first_sent_ns);
        if let Some(state) = self.session.as_mut() {
            state.opened = true;
        }
        self.extend(ctx, until);
        let ping = Timer::Client(ZkTimer::Ping);
        ctx.reset_timer(&mut self.ping_timer, self.config.ping_ns, ping);
        self.after_session_opened(ctx);
    }

    pub(super) fn ping(&mut self, ctx: &mut ZkCtx<'_>) {
        self.ping_timer = None;
        let Some(session) = self.session.as_mut().filter(|s| s.opened) else {
            return; // a heartbeat timer of a session that ended
        };
        if !std::mem::replace(&mut session.answered, false) {
            self.server_guess = (self.server_guess + 1) % self.config.raft_servers;
        }
        let touch = ZkCommand::Touch {
            session: session.id,
            sent_ns: ctx.now(),
        };
        let to = NodeId(self.server_guess);
        ctx.send(to, Msg::Request(ZkRequest::Submit(touch)));
        let ping = Timer::Client(ZkTimer::Ping);
        ctx.reset_timer(&mut self.ping_timer, self.config.ping_ns, ping);
    }

    pub(super) fn on_pong(&mut self, ctx: &mut ZkCtx<'_>, session: SessionId, sent_ns: Nanos) {
        if self.session_id() != Some(session) {
            return;
        }
        if let Some(state) = self.session.as_mut() {
            state.answered = true;
        }
        let until = self.config.valid_until(sent_ns);
        self.extend(ctx, until);
    }

    fn extend(&mut self, ctx: &mut ZkCtx<'_>, until: Nanos) {
        let Some(state) = self.session.as_mut() else {
            return;
        };
        if until <= state.valid_until_ns {
            return;
        }
        state.valid_until_ns = until;
        let lapse = Timer::Client(ZkTimer::SessionLapse { until_ns: until });
        let delay = until.saturating_sub(ctx.now()).max(1);
        ctx.reset_timer(&mut self.lapse_timer, delay, lapse);
    }

    /// The session's validity ran out by the client's clock (unless extended since).
    pub(super) fn on_lapse(&mut self, ctx: &mut ZkCtx<'_>, until_ns: Nanos) {
        let current = self.session.as_ref().map(|s| s.valid_until_ns);
        if current != Some(until_ns) {
            return;
        }
        self.lapse_timer = None;
        if self.hold.is_some() && !self.config.bugs.expiry_without_fencing {
            ctx.sometimes(s::HOLD_LAPSED);
            self.hold = None;
        }
    }

    /// The service says the session has ended: its nodes are gone.
    pub(super) fn on_expired(&mut self, ctx: &mut ZkCtx<'_>, session: SessionId) {
        if self.session_id() != Some(session) {
            return;
        }
        self.session = None;
        if let Some(timer) = self.lapse_timer.take() {
            ctx.cancel_timer(timer);
        }
        if self.hold.take().is_some() {
            ctx.sometimes(s::LOST_LOCK_WITH_SESSION);
        }
        self.pending = None;
        if let Some(timer) = self.retry_timer.take() {
            ctx.cancel_timer(timer);
        }
        match &self.phase {
            Phase::Acquiring(_) => self.acquire_done(ctx, None),
            Phase::Releasing => self.release_done(ctx),
            Phase::Idle | Phase::Writing { .. } => {}
        }
    }

    /// Sends an operation of the session as the next request.
    pub(super) fn request(&mut self, ctx: &mut ZkCtx<'_>, op: ZkOp) {
        let Some(session) = self.session_id() else {
            unreachable!("n{} requests {op:?} without a session", self.id.0);
        };
        self.seq += 1;
        let command = ZkCommand::Op {
            session,
            seq: self.seq,
            op,
        };
        self.submit(ctx, command);
    }

    fn submit(&mut self, ctx: &mut ZkCtx<'_>, command: ZkCommand) {
        self.pending = Some(Pending {
            seq: self.seq,
            command,
            first_sent_ns: ctx.now(),
        });
        self.send_pending(ctx);
    }

    fn send_pending(&mut self, ctx: &mut ZkCtx<'_>) {
        let Some(pending) = &self.pending else {
            return;
        };
        let submit = ZkRequest::Submit(pending.command.clone());
        let seq = pending.seq;
        ctx.send(NodeId(self.server_guess), Msg::Request(submit));
        let retry = Timer::Client(ZkTimer::Retry { seq });
        ctx.reset_timer(&mut self.retry_timer, self.config.retry_ns, retry);
    }

    /// The request in flight was answered.
    pub(super) fn end_request(&mut self, ctx: &mut ZkCtx<'_>) {
        self.pending = None;
        if let Some(timer) = self.retry_timer.take() {
            ctx.cancel_timer(timer);
        }
    }

    pub(super) fn on_retry(&mut self, ctx: &mut ZkCtx<'_>, seq: u64) {
        if self.pending.as_ref().map(|p| p.seq) != Some(seq) {
            return;
        }
        self.retry_timer = None;
        self.server_guess = (self.server_guess + 1) % self.config.raft_servers;
        if self.create_unanswered(ctx) {
            return;
        }
        self.send_pending(ctx);
    }

    pub(super) fn on_not_leader(&mut self, ctx: &mut ZkCtx<'_>, from: NodeId, hint: Option<u32>) {
        if from.0 != self.server_guess {
            return; // an answer to a request already sent elsewhere
        }
        self.server_guess = hint.unwrap_or((self.server_guess + 1) % self.config.raft_servers);
        if let Some(session) = self.session.as_mut() {
            session.answered = true; // the next heartbeat goes to the new guess
        }
        self.send_pending(ctx);
    }
}
