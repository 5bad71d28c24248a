//! The lock client: acquire → write to the resource with the token → release, again
//! and again (or the operations of a script, in order).
//!
//! A client believes it holds the lock from the moment it accepts a lease until the
//! lease ends by its own clock (a timer) or it releases: while it believes, it claims
//! the `holder` role, so faults can aim at it. A write is decided while the client
//! believes it holds the lock, then takes a while to prepare (`work`) before it is
//! sent, with no second look at the clock: the window in which a process pause (GC,
//! swapping) makes a holder write after its lease ended, as in Kleppmann 2016. Only
//! the resource's fence can refuse such a write. A release always follows the write
//! (`finally`), even after the lease ended, as real clients do.
//!
//! Every invocation and completion is a [`ClientEvent`]: `acquire` (ok with the token
//! as value, fail when refused, info when it timed out unanswered), `write` (the value
//! written; ok when accepted, fail when fenced off or when the client never acquired
//! a token to write with), `release` (of the last lease acquired; at once if none).

use crate::history::{ClientEvent, ClientEventKind};
use crate::lock::config::LockConfig;
use crate::lock::messages::{Attempt, Msg, Timer, Token};
use crate::lock::node::LockNode;
use crate::lock::script::LockOp;
use crate::lock::situations as s;
use crate::plan::Plan;
use faultline_sim::actor::Role;
use faultline_sim::context::TimerId;
use faultline_sim::{Context, Nanos, NodeId};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// The lease a client believes it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Held {
    pub token: Token,
    /// When it ends, by the client's clock.
    pub valid_until_ns: Nanos,
}

/// An acquisition in progress.
#[derive(Clone, Debug)]
pub(super) struct Acquiring {
    pub attempt: Attempt,
    /// When the client first asked (its clock): validity counts from here.
    pub start_ns: Nanos,
    /// Redlock: tokens from the servers that set the key for this attempt.
    pub granted: BTreeMap<u32, Token>,
    /// Redlock: servers whose key someone else holds.
    pub refused: BTreeSet<u32>,
    /// Redlock: the token won, once a majority granted; then servers that raised to it.
    pub raising: Option<Token>,
    pub raised: BTreeSet<u32>,
}

/// A release in progress: of which lease, and (Redlock) which servers confirmed.
#[derive(Clone, Debug)]
pub(super) struct Releasing {
    pub op: u64,
    pub attempt: Attempt,
    pub token: Token,
    pub confirmed: BTreeSet<u32>,
}

#[derive(Clone, Debug)]
pub(super) enum InFlight {
    Acquire(Acquiring),
    Write {
        op: u64,
        token: Token,
        value: String,
        sent: bool,
    },
    Release(Releasing),
}

/// How the last operation ended, which decides the next random one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Done {
    Acquired,
    NotAcquired,
    Wrote,
    Released,
}

#[derive(Clone, Debug)]
pub struct LockClient {
    pub(super) config: Rc<LockConfig>,
    pub(super) id: NodeId,
    plan: Plan<LockOp>,
    /// Operations invoked so far; the one in flight is number `invoked`.
    pub(super) invoked: u64,
    ops_left: usize,
    pub(super) in_flight: Option<InFlight>,
    /// The lease this client believes it holds.
    pub held: Option<Held>,
    /// The last lease it accepted, ended or not: what its writes and releases name.
    pub(super) last: Option<(Attempt, Token)>,
    last_done: Option<Done>,
    /// Single service: the server it takes for the primary.
    pub(super) primary_guess: u32,
    pub(super) retry_timer: Option<TimerId>,
    pub(super) timeout_timer: Option<TimerId>,
    lease_timer: Option<TimerId>,
}

impl LockClient {
    pub fn new(id: NodeId, config: Rc<LockConfig>, plan: Plan<LockOp>) -> Self {
        LockClient {
            config,
            id,
            ops_left: plan.len(),
            plan,
            invoked: 0,
            in_flight: None,
            held: None,
            last: None,
            last_done: None,
            primary_guess: 0,
            retry_timer: None,
            timeout_timer: None,
            lease_timer: None,
        }
    }

    /// Operations not yet completed (including the one in flight).
    pub fn unfinished(&self) -> usize {
        self.ops_left
    }

    /// While it believes it holds the lock: `holder`, ranked by token (the newest
    /// holder ranks highest).
    pub fn role(&self) -> Option<Role> {
        self.held.map(|held| Role {
            name: "holder",
            rank: held.token,
        })
    }

    pub fn on_start(&mut self, ctx: &mut Context<'_, LockNode>) {
        self.schedule_next(ctx);
    }

    pub fn on_timer(&mut self, ctx: &mut Context<'_, LockNode>, timer: Timer) {
        match timer {
            Timer::NextOp => self.invoke(ctx),
            Timer::Retry { op } if self.op_in_flight() == Some(op) => self.retry(ctx),
            Timer::AcquireTimeout { op } if self.op_in_flight() == Some(op) => {
                self.acquire_timed_out(ctx);
            }
            Timer::WorkDone { op } => self.send_write(ctx, op),
            Timer::LeaseEnd { token } if self.held.is_some_and(|h| h.token == token) => {
                ctx.sometimes(s::LEASE_RAN_OUT);
                self.held = None;
            }
            // For an operation no longer in flight, or a lease already given up.
            Timer::Retry { .. } | Timer::AcquireTimeout { .. } | Timer::LeaseEnd { .. } => {}
            Timer::Tick => unreachable!("a client sets no heartbeat"),
        }
    }

    pub fn on_message(&mut self, ctx: &mut Context<'_, LockNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::WriteReply { op, accepted, .. } => self.on_write_reply(ctx, op, accepted),
            other => self.on_lock_reply(ctx, from, other),
        }
    }

    /// The number of the operation in flight.
    pub(super) fn op_in_flight(&self) -> Option<u64> {
        self.in_flight.as_ref().map(|op| match op {
            InFlight::Acquire(a) => a.attempt.op,
            InFlight::Write { op, .. } => *op,
            InFlight::Release(r) => r.op,
        })
    }

    fn schedule_next(&mut self, ctx: &mut Context<'_, LockNode>) {
        if self.ops_left == 0 {
            return;
        }
        let random_follow_up = matches!(self.plan, Plan::Random { .. })
            && matches!(self.last_done, Some(Done::Acquired | Done::Wrote));
        let delay = if random_follow_up {
            1 // a holder writes, and a writer releases, at once
        } else {
            let pacing = self.config.pacing;
            pacing.delay_before(&self.plan, self.invoked as usize, ctx)
        };
        ctx.set_timer(delay, Timer::NextOp);
    }

    /// The next random operation: acquire; once acquired, write while it still
    /// believes it holds the lock; release after the write (or if it no longer does).
    fn random_op(&self) -> LockOp {
        match self.last_done {
            Some(Done::Acquired) if self.held.is_some() => LockOp::Write {
                value: format!("<{}.{}>", self.id.0, self.invoked + 1),
            },
            Some(Done::Acquired | Done::Wrote) => LockOp::Release,
            _ => LockOp::Acquire,
        }
    }

    fn invoke(&mut self, ctx: &mut Context<'_, LockNode>) {
        debug_assert!(self.in_flight.is_none(), "one operation at a time");
        let op = match self.plan.scripted(self.invoked as usize) {
            Some(op) => op.clone(),
            None => self.random_op(),
        };
        self.invoked += 1;
        ctx.observe(self.event(
            ClientEventKind::Invoke,
            &op,
            op.written().map(str::to_string),
        ));
        match op {
            LockOp::Acquire => self.start_acquire(ctx),
            LockOp::Write { value } => self.start_write(ctx, value),
            LockOp::Release => {
                self.forget_lease(ctx);
                self.start_release(ctx);
            }
        }
    }

    fn event(&self, kind: ClientEventKind, op: &LockOp, value: Option<String>) -> ClientEvent {
        ClientEvent {
            process: u64::from(self.id.0),
            kind,
            f: op.name(),
            key: Some(op.key().to_string()),
            value,
        }
    }

    /// Decides to write: prepares the value for a while, then sends it. A client that
    /// never acquired the lock has no token to write with and fails at once.
    fn start_write(&mut self, ctx: &mut Context<'_, LockNode>, value: String) {
        let op = self.invoked;
        let token = self.last.map(|(_, token)| token);
        self.in_flight = Some(InFlight::Write {
            op,
            token: token.unwrap_or(0),
            value,
            sent: false,
        });
        if token.is_none() {
            self.complete(ctx, ClientEventKind::Fail, None, Done::Wrote);
            return;
        }
        let max = self.config.work_ns_max;
        let work = ctx.rng().range_inclusive(max / 10, max).max(1);
        ctx.set_timer(work, Timer::WorkDone { op });
    }

    /// Sends (or re-sends) the write, with no second look at the lease.
    pub(super) fn send_write(&mut self, ctx: &mut Context<'_, LockNode>, op: u64) {
        let Some(InFlight::Write {
            op: current,
            token,
            value,
            sent,
        }) = self.in_flight.as_mut()
        else {
            return;
        };
        if *current != op {
            return;
        }
        *sent = true;
        if self.held.is_none() {
            ctx.sometimes(s::WROTE_AFTER_LEASE);
        }
        let msg = Msg::Write {
            op,
            token: *token,
            value: value.clone(),
        };
        ctx.send(self.config.resource, msg);
        self.arm_retry(ctx);
    }

    fn on_write_reply(&mut self, ctx: &mut Context<'_, LockNode>, op: u64, accepted: bool) {
        let Some(InFlight::Write { op: current, .. }) = &self.in_flight else {
            return;
        };
        if *current != op {
            return;
        }
        let kind = if accepted {
            ClientEventKind::Ok
        } else {
            ClientEventKind::Fail
        };
        self.complete(ctx, kind, None, Done::Wrote);
    }

    /// Takes a lease it asked for at `start_ns` if it is still valid by its clock.
    /// Returns whether it did.
    pub(super) fn accept(
        &mut self,
        ctx: &mut Context<'_, LockNode>,
        attempt: Attempt,
        token: Token,
        valid_until_ns: Nanos,
    ) -> bool {
        let now = ctx.now();
        if now >= valid_until_ns {
            ctx.sometimes(s::GRANT_TOO_LATE);
            return false;
        }
        self.held = Some(Held {
            token,
            valid_until_ns,
        });
        self.last = Some((attempt, token));
        let lease_end = Timer::LeaseEnd { token };
        ctx.reset_timer(&mut self.lease_timer, valid_until_ns - now, lease_end);
        self.complete(
            ctx,
            ClientEventKind::Ok,
            Some(token.to_string()),
            Done::Acquired,
        );
        true
    }

    /// The acquisition ended without a lease.
    pub(super) fn not_acquired(&mut self, ctx: &mut Context<'_, LockNode>, kind: ClientEventKind) {
        self.complete(ctx, kind, None, Done::NotAcquired);
    }

    pub(super) fn released(&mut self, ctx: &mut Context<'_, LockNode>) {
        self.complete(ctx, ClientEventKind::Ok, None, Done::Released);
    }

    /// Stops believing it holds the lock (it is giving it back).
    fn forget_lease(&mut self, ctx: &mut Context<'_, LockNode>) {
        self.held = None;
        if let Some(timer) = self.lease_timer.take() {
            ctx.cancel_timer(timer);
        }
    }

    pub(super) fn arm_retry(&mut self, ctx: &mut Context<'_, LockNode>) {
        if let Some(op) = self.op_in_flight() {
            let retry = self.config.retry_ns;
            ctx.reset_timer(&mut self.retry_timer, retry, Timer::Retry { op });
        }
    }

    fn retry(&mut self, ctx: &mut Context<'_, LockNode>) {
        match &self.in_flight {
            Some(InFlight::Write { op, sent: true, .. }) => {
                let op = *op;
                self.send_write(ctx, op);
            }
            Some(InFlight::Acquire(_) | InFlight::Release(_)) => self.retry_lock_request(ctx),
            // A write still being prepared is sent when the work is done; nothing to
            // retry with no operation in flight.
            Some(InFlight::Write { sent: false, .. }) | None => {}
        }
    }

    fn complete(
        &mut self,
        ctx: &mut Context<'_, LockNode>,
        kind: ClientEventKind,
        value: Option<String>,
        done: Done,
    ) {
        let finished = self
            .in_flight
            .take()
            .expect("completing the operation in flight");
        let op = match finished {
            InFlight::Acquire(_) => LockOp::Acquire,
            InFlight::Write { value, .. } => LockOp::Write { value },
            InFlight::Release(_) => LockOp::Release,
        };
        let value = value.or_else(|| op.written().map(str::to_string));
        for timer in [self.retry_timer.take(), self.timeout_timer.take()]
            .into_iter()
            .flatten()
        {
            ctx.cancel_timer(timer);
        }
        ctx.observe(self.event(kind, &op, value));
        self.ops_left -= 1;
        self.last_done = Some(done);
        self.schedule_next(ctx);
    }
}
