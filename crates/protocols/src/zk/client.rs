//! The lock client: cycles of acquire (the recipe, `recipe`) → write to the resource
//! with the lock node's creation zxid as token → release (delete the node), each after
//! a think time; a failed acquisition is tried again, so a client finishes only when
//! it has held the lock once per cycle.
//!
//! One request to the service is in flight at a time (`pending`), with the session's
//! next sequence number; it is resent unchanged to the next server when unanswered
//! or refused by a follower, so the session answers a retry as the first copy. The
//! session's heartbeats (`session`) run beside it. A client believes it holds the
//! lock from the listing that showed its node lowest until it releases, its session
//! expires, or its session's validity runs out by its clock; while it believes, it
//! claims the `holder` role. A write is decided while holding and sent after the work
//! takes, with no second look: only the resource's fence refuses a late one.
//!
//! History: `acquire` (ok with the token, fail when given up or the session ended),
//! `write` (ok when accepted, fail when fenced off or with no token), `release` (ok).

use crate::history::{ClientEvent, ClientEventKind};
use crate::plan::Plan;
use crate::raft::messages::{Msg, Timer};
use crate::raft::server::Ctx;
use crate::zk::config::ZkConfig;
use crate::zk::ops::{SessionId, ZkCommand, ZkOp, ZkOutput, ZkRequest, ZkResponse, ZkTimer, Zxid};
use crate::zk::recipe::Acquire;
use crate::zk::session::ClientSession;
use crate::zk::situations as s;
use crate::zk::tree::ZkMachine;
use faultline_sim::actor::Role;
use faultline_sim::context::TimerId;
use faultline_sim::{Nanos, NodeId};
use std::rc::Rc;

pub type ZkCtx<'a> = Ctx<'a, ZkMachine>;

/// The lock as a client believes it holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hold {
    pub path: String,
    pub token: Zxid,
}

/// A request to the service awaiting its answer.
#[derive(Clone, Debug)]
pub(super) struct Pending {
    pub seq: u64,
    pub command: ZkCommand,
    /// When it was first sent (the client's clock).
    pub first_sent_ns: Nanos,
}

#[derive(Clone, Debug)]
pub(super) enum Phase {
    Idle,
    Acquiring(Acquire),
    Writing { op: u64, value: String, sent: bool },
    Releasing,
}

#[derive(Clone, Debug)]
pub struct ZkClient {
    pub(super) config: Rc<ZkConfig>,
    pub(super) id: NodeId,
    plan: Plan<()>,
    cycles_left: usize,
    pub(super) phase: Phase,
    /// What this cycle has done: acquired, wrote.
    pub(super) cycle: (bool, bool),
    pub hold: Option<Hold>,
    /// The last lock node this client created and knows of, with its token.
    pub(super) node: Option<(String, Zxid)>,
    pub session: Option<ClientSession>,
    pub(super) sessions_opened: u64,
    pub(super) seq: u64,
    /// Every answer this client accepted, in order: (session, request, answer), for
    /// the checker's `answers_linearizable`.
    pub answers: Vec<(SessionId, u64, ZkOutput)>,
    pub(super) pending: Option<Pending>,
    pub(super) server_guess: u32,
    pub(super) attempts: u64,
    ops: u64,
    pub(super) retry_timer: Option<TimerId>,
    pub(super) lapse_timer: Option<TimerId>,
    pub(super) ping_timer: Option<TimerId>,
    write_timer: Option<TimerId>,
}

impl ZkClient {
    pub fn new(id: NodeId, config: Rc<ZkConfig>, plan: Plan<()>) -> Self {
        ZkClient {
            server_guess: id.0 % config.raft_servers,
            config,
            id,
            cycles_left: plan.len(),
            plan,
            phase: Phase::Idle,
            cycle: (false, false),
            hold: None,
            node: None,
            session: None,
            sessions_opened: 0,
            seq: 0,
            answers: Vec::new(),
            pending: None,
            attempts: 0,
            ops: 0,
            retry_timer: None,
            lapse_timer: None,
            ping_timer: None,
            write_timer: None,
        }
    }

    /// Lock cycles not yet completed.
    pub fn unfinished(&self) -> usize {
        self.cycles_left
    }

    pub fn role(&self) -> Option<Role> {
        self.hold.as_ref().map(|hold| Role {
            name: "holder",
            rank: hold.token,
        })
    }

    pub fn on_start(&mut self, ctx: &mut ZkCtx<'_>) {
        self.schedule_next(ctx, false);
    }

    pub fn on_timer(&mut self, ctx: &mut ZkCtx<'_>, timer: Timer<ZkMachine>) {
        let Timer::Client(timer) = timer else {
            unreachable!("a client sets only client timers, got {timer:?}");
        };
        match timer {
            ZkTimer::NextOp => self.invoke(ctx),
            ZkTimer::Retry { seq } => self.on_retry(ctx, seq),
            ZkTimer::Ping => self.ping(ctx),
            ZkTimer::SessionLapse { until_ns } => self.on_lapse(ctx, until_ns),
            ZkTimer::Recheck { attempt } => self.on_recheck(ctx, attempt),
            ZkTimer::AcquireTimeout { attempt } => self.on_acquire_timeout(ctx, attempt),
            ZkTimer::WorkDone { op } => self.send_write(ctx, op),
        }
    }

    pub fn on_message(&mut self, ctx: &mut ZkCtx<'_>, from: NodeId, msg: Msg<ZkMachine>) {
        let Msg::Response(response) = msg else {
            unreachable!("a client got {msg:?} from {from:?}");
        };
        match response {
            ZkResponse::Opened { session } => self.on_opened(ctx, session),
            ZkResponse::Reply {
                session,
                seq,
                output,
            } => {
                let ours = self.session_id() == Some(session);
                if ours && self.pending.as_ref().is_some_and(|p| p.seq == seq) {
                    self.answers.push((session, seq, output.clone()));
                    self.end_request(ctx);
                    self.on_reply(ctx, output);
                }
            }
            ZkResponse::Pong { session, sent_ns } => self.on_pong(ctx, session, sent_ns),
            ZkResponse::Expired { session } => self.on_expired(ctx, session),
            ZkResponse::Watch { session, path, .. } => {
                if self.session_id() == Some(session) {
                    self.on_watch(ctx, &path);
                }
            }
            ZkResponse::NotLeader { hint } => self.on_not_leader(ctx, from, hint),
            ZkResponse::WriteReply { op, accepted, .. } => self.on_write_reply(ctx, op, accepted),
        }
    }

    pub(super) fn session_id(&self) -> Option<SessionId> {
        self.session.as_ref().map(|s| s.id)
    }

    fn schedule_next(&mut self, ctx: &mut ZkCtx<'_>, follow_up: bool) {
        if self.cycles_left == 0 {
            return;
        }
        let delay = if follow_up {
            1 // a holder writes, and a writer releases, at once
        } else {
            let n = self.plan.len() - self.cycles_left;
            self.config.pacing.delay_before(&self.plan, n, ctx)
        };
        ctx.set_timer(delay, Timer::Client(ZkTimer::NextOp));
    }

    fn invoke(&mut self, ctx: &mut ZkCtx<'_>) {
        if !matches!(self.phase, Phase::Idle) {
            return;
        }
        self.ops += 1;
        match self.cycle {
            (false, _) => self.start_acquire(ctx),
            (true, false) if self.hold.is_some() => {
                let value = format!("<{}.{}>", self.id.0, self.ops);
                self.observe(ctx, ClientEventKind::Invoke, "write", Some(value.clone()));
                self.start_write(ctx, value);
            }
            (true, _) => self.start_release(ctx),
        }
    }

    pub(super) fn observe(
        &self,
        ctx: &mut ZkCtx<'_>,
        kind: ClientEventKind,
        f: &'static str,
        value: Option<String>,
    ) {
        ctx.observe(ClientEvent {
            process: u64::from(self.id.0),
            kind,
            f,
            key: Some("/lock".to_string()),
            value,
        });
    }

    /// The acquisition ended: holding (with the token) or not.
    pub(super) fn acquire_done(&mut self, ctx: &mut ZkCtx<'_>, hold: Option<Hold>) {
        self.phase = Phase::Idle;
        match hold {
            Some(hold) => {
                let token = hold.token.to_string();
                self.hold = Some(hold);
                self.cycle.0 = true;
                self.observe(ctx, ClientEventKind::Ok, "acquire", Some(token));
                self.schedule_next(ctx, true);
            }
            None => {
                self.observe(ctx, ClientEventKind::Fail, "acquire", None);
                self.schedule_next(ctx, false);
            }
        }
    }

    fn start_write(&mut self, ctx: &mut ZkCtx<'_>, value: String) {
        let op = self.ops;
        self.phase = Phase::Writing {
            op,
            value,
            sent: false,
        };
        let max = self.config.work_ns_max;
        let work = ctx.rng().range_inclusive(max / 10, max).max(1);
        ctx.set_timer(work, Timer::Client(ZkTimer::WorkDone { op }));
    }

    /// Sends (or re-sends) the write with the token, with no second look.
    fn send_write(&mut self, ctx: &mut ZkCtx<'_>, op: u64) {
        let Phase::Writing {
            op: current,
            value,
            sent,
        } = &mut self.phase
        else {
            return;
        };
        let Some((_, token)) = self.node.clone() else {
            return;
        };
        if *current != op {
            return;
        }
        *sent = true;
        let valid = self
            .session
            .as_ref()
            .is_some_and(|s| ctx.now() < s.valid_until_ns);
        if !valid {
            ctx.sometimes(s::WROTE_AFTER_LAPSE);
        }
        let write = ZkRequest::Write {
            op,
            token,
            value: value.clone(),
        };
        ctx.send(self.config.resource, Msg::Request(write));
        let retry = Timer::Client(ZkTimer::WorkDone { op });
        ctx.reset_timer(&mut self.write_timer, self.config.retry_ns, retry);
    }

    fn on_write_reply(&mut self, ctx: &mut ZkCtx<'_>, op: u64, accepted: bool) {
        let Phase::Writing {
            op: current, value, ..
        } = &self.phase
        else {
            return;
        };
        if *current != op {
            return;
        }
        let value = value.clone();
        if let Some(timer) = self.write_timer.take() {
            ctx.cancel_timer(timer);
        }
        let kind = if accepted {
            ClientEventKind::Ok
        } else {
            ClientEventKind::Fail
        };
        self.observe(ctx, kind, "write", Some(value));
        self.phase = Phase::Idle;
        self.cycle.1 = true;
        self.schedule_next(ctx, true);
    }

    /// Gives the lock back: stops believing, deletes the node (if the session lives).
    fn start_release(&mut self, ctx: &mut ZkCtx<'_>) {
        self.observe(ctx, ClientEventKind::Invoke, "release", None);
        self.hold = None;
        self.phase = Phase::Releasing;
        match (self.node.clone(), self.session_id()) {
            (Some((path, _)), Some(_)) => self.request(ctx, ZkOp::Delete { path }),
            _ => self.release_done(ctx),
        }
    }

    pub(super) fn release_done(&mut self, ctx: &mut ZkCtx<'_>) {
        self.observe(ctx, ClientEventKind::Ok, "release", None);
        self.node = None;
        self.phase = Phase::Idle;
        self.cycle = (false, false);
        self.cycles_left -= 1;
        self.schedule_next(ctx, false);
    }
}
