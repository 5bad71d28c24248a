//! An ABD client: runs reads and writes directly against the replicas, one operation
//! at a time, each in two phases.
//!
//! - **write(v)**: query every replica for its timestamp and wait for a quorum (a
//!   majority); pick a counter above every counter seen (and every one this client
//!   used before), with the client's own id; then send `(ts, v)` to every replica and
//!   wait for a quorum of acks.
//! - **read**: query a quorum for `(ts, value)` and take the newest; then write it back
//!   to a quorum and wait for their acks, so any later read's quorum sees it too;
//!   return the value.
//!
//! Messages may be lost, duplicated or reordered: every `retry_ns` the client resends
//! the current phase to the replicas that have not answered it, counts each replica
//! once, and ignores replies naming another operation. After `give_up_ns` it stops
//! and reports the operation as `info` (it may or may not have taken effect), so a run
//! finishes even when no quorum is reachable. Operations come from a [`Plan`]: random
//! ones paced over the fault period, or a `workload.script`.
//!
//! Every invocation and completion is a [`ClientEvent`] for the `register` model:
//! `f` is `read` or `write`, `key` the register, `value` what was written or read
//! (none for a read of the never-written register).

use crate::api::{ClientEvent, ClientEventKind, Context, NodeId, Plan, TimerId};
use crate::config::AbdConfig;
use crate::messages::{Msg, OpId, Timer};
use crate::node::AbdNode;
use crate::op::{register_name, RegisterOp};
use crate::situations as s;
use crate::timestamp::{Timestamp, Versioned};
use std::collections::BTreeSet;
use std::rc::Rc;

/// Which phase an operation is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Asking replicas what they store; `newest` is the newest answer so far,
    /// `first` the first one.
    Query {
        newest: Versioned,
        first: Option<Versioned>,
    },
    /// Storing `versioned` (a write's new value or a read's write-back).
    Store { versioned: Versioned },
}

/// The operation in flight.
#[derive(Clone, Debug)]
pub struct InFlight {
    pub op: OpId,
    pub register_op: RegisterOp,
    pub phase: Phase,
    /// Replicas that answered the current phase.
    pub answered: BTreeSet<u32>,
}

/// What the client was told by its last operation that completed `ok`, for the
/// invariant checker: the register, and the timestamped value it wrote or read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub op: OpId,
    /// `read` or `write`.
    pub f: &'static str,
    pub key: String,
    pub versioned: Versioned,
}

#[derive(Clone, Debug)]
pub struct Client {
    config: Rc<AbdConfig>,
    id: NodeId,
    plan: Plan<RegisterOp>,
    /// Operations invoked so far: the one in flight is number `invoked`.
    pub invoked: OpId,
    ops_left: usize,
    pub in_flight: Option<InFlight>,
    /// The highest counter this client has written with: never reused, even when a
    /// write it gave up on reached too few replicas for a later query to see it.
    pub last_counter: u64,
    /// The last operation that completed `ok`.
    pub last_ok: Option<Receipt>,
    resend_timer: Option<TimerId>,
    give_up_timer: Option<TimerId>,
}

impl Client {
    pub fn new(id: NodeId, config: Rc<AbdConfig>, plan: Plan<RegisterOp>) -> Self {
        Client {
            config,
            id,
            ops_left: plan.len(),
            plan,
            invoked: 0,
            in_flight: None,
            last_counter: 0,
            last_ok: None,
            resend_timer: None,
            give_up_timer: None,
        }
    }

    /// Operations invoked or still to invoke that have not completed.
    pub fn unfinished(&self) -> usize {
        self.ops_left
    }

    pub fn on_start(&mut self, ctx: &mut Context<'_, AbdNode>) {
        self.schedule_next(ctx);
    }

    pub fn on_timer(&mut self, ctx: &mut Context<'_, AbdNode>, timer: Timer) {
        match timer {
            Timer::NextOp => self.invoke(ctx),
            Timer::Resend { op } if self.is_current(op) => {
                ctx.sometimes(s::RESENT_PHASE);
                self.send_phase(ctx)
            }
            Timer::GiveUp { op } if self.is_current(op) => {
                ctx.sometimes(s::GAVE_UP);
                self.complete(ctx, ClientEventKind::Info, None);
            }
            Timer::Resend { .. } | Timer::GiveUp { .. } | Timer::Flush => {}
        }
    }

    pub fn on_message(&mut self, ctx: &mut Context<'_, AbdNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::QueryReply { op, current } if self.is_current(op) => {
                self.on_query_reply(ctx, from, current);
            }
            Msg::StoreAck { op, .. } if self.is_current(op) => self.on_store_ack(ctx, from),
            _ => ctx.sometimes(s::LATE_REPLY), // to an operation finished or given up
        }
    }

    fn is_current(&self, op: OpId) -> bool {
        self.in_flight.as_ref().is_some_and(|f| f.op == op)
    }

    fn schedule_next(&mut self, ctx: &mut Context<'_, AbdNode>) {
        if self.ops_left == 0 {
            return;
        }
        let pacing = self.config.pacing;
        let delay_ns = pacing.delay_before(&self.plan, self.invoked as usize, ctx);
        ctx.set_timer(delay_ns, Timer::NextOp);
    }

    fn invoke(&mut self, ctx: &mut Context<'_, AbdNode>) {
        debug_assert!(self.in_flight.is_none(), "one operation at a time");
        let register_op = match self.plan.scripted(self.invoked as usize) {
            Some(op) => op.clone(),
            None => self.random_op(ctx),
        };
        self.invoked += 1;
        let written = register_op.written().map(str::to_string);
        ctx.observe(self.event(ClientEventKind::Invoke, &register_op, written));
        let op = self.invoked;
        self.in_flight = Some(InFlight {
            op,
            register_op,
            phase: Phase::Query {
                newest: Versioned::initial(),
                first: None,
            },
            answered: BTreeSet::new(),
        });
        let give_up = Timer::GiveUp { op };
        ctx.reset_timer(&mut self.give_up_timer, self.config.give_up_ns, give_up);
        self.send_phase(ctx);
    }

    fn random_op(&self, ctx: &mut Context<'_, AbdNode>) -> RegisterOp {
        let rng = ctx.rng();
        let key = register_name(rng.below(self.config.keys as u64));
        if rng.chance(self.config.read_ratio) {
            return RegisterOp::Read { key };
        }
        // Unique and self-delimiting: no written value is a substring of another.
        let value = format!("<{}.{}>", self.id.0, self.invoked + 1);
        RegisterOp::Write { key, value }
    }

    /// Sends the current phase's request to every replica that has not answered it,
    /// and sets the timer to do it again.
    fn send_phase(&mut self, ctx: &mut Context<'_, AbdNode>) {
        let Some(flight) = &self.in_flight else {
            return;
        };
        let (op, key) = (flight.op, flight.register_op.key().to_string());
        let msg = match &flight.phase {
            Phase::Query { .. } => Msg::Query { op, key },
            Phase::Store { versioned } => Msg::Store {
                op,
                key,
                versioned: versioned.clone(),
            },
        };
        let silent = (0..self.config.replicas).filter(|r| !flight.answered.contains(r));
        for replica in silent {
            ctx.send(NodeId(replica), msg.clone());
        }
        let resend = Timer::Resend { op };
        ctx.reset_timer(&mut self.resend_timer, self.config.retry_ns, resend);
    }

    fn on_query_reply(&mut self, ctx: &mut Context<'_, AbdNode>, from: NodeId, current: Versioned) {
        let quorum = self.config.quorum;
        let Some(flight) = self.in_flight.as_mut() else {
            return;
        };
        let Phase::Query { newest, first } = &mut flight.phase else {
            return; // a late or duplicated query reply: the query phase is over
        };
        if !flight.answered.insert(from.0) {
            return; // a duplicate
        }
        first.get_or_insert_with(|| current.clone());
        *newest = std::mem::take(newest).newer(current);
        if flight.answered.len() >= quorum {
            let newest = std::mem::take(newest);
            let first = first.take().expect("a quorum has a first answer");
            self.query_done(ctx, newest, first);
        }
    }

    /// A quorum answered the query: a write stores its value with a new timestamp; a
    /// read writes back the newest value it found.
    fn query_done(&mut self, ctx: &mut Context<'_, AbdNode>, newest: Versioned, first: Versioned) {
        let register_op = self.in_flight.as_ref().map(|f| f.register_op.clone());
        if newest.ts != first.ts {
            ctx.sometimes(s::QUORUM_DISAGREED);
        }
        let bugs = self.config.bugs;
        match register_op {
            Some(RegisterOp::Write { value, .. }) => {
                let ts = self.next_timestamp(newest.ts);
                let value = Some(value);
                self.start_store(ctx, Versioned { ts, value });
            }
            Some(RegisterOp::Read { .. }) if bugs.first_answer => self.start_store(ctx, first),
            Some(RegisterOp::Read { .. }) if bugs.no_write_back => self.finish_ok(ctx, newest),
            Some(RegisterOp::Read { .. }) => self.start_store(ctx, newest),
            None => {}
        }
    }

    /// A timestamp above `seen` and above every one this client wrote with before.
    fn next_timestamp(&mut self, seen: Timestamp) -> Timestamp {
        self.last_counter = seen.counter.max(self.last_counter) + 1;
        Timestamp {
            counter: self.last_counter,
            writer: self.id.0,
        }
    }

    fn start_store(&mut self, ctx: &mut Context<'_, AbdNode>, versioned: Versioned) {
        if let Some(flight) = self.in_flight.as_mut() {
            flight.phase = Phase::Store { versioned };
            flight.answered.clear();
        }
        self.send_phase(ctx);
    }

    fn on_store_ack(&mut self, ctx: &mut Context<'_, AbdNode>, from: NodeId) {
        let quorum = self.config.quorum;
        let Some(flight) = self.in_flight.as_mut() else {
            return;
        };
        let Phase::Store { versioned } = &flight.phase else {
            return; // cannot happen: acks name this operation, which stores only now
        };
        if flight.answered.insert(from.0) && flight.answered.len() >= quorum {
            let versioned = versioned.clone();
            self.finish_ok(ctx, versioned);
        }
    }

    /// The operation took effect: `versioned` is what it wrote, or what it read.
    fn finish_ok(&mut self, ctx: &mut Context<'_, AbdNode>, versioned: Versioned) {
        let Some(flight) = &self.in_flight else {
            return;
        };
        let register_op = &flight.register_op;
        self.last_ok = Some(Receipt {
            op: flight.op,
            f: register_op.name(),
            key: register_op.key().to_string(),
            versioned: versioned.clone(),
        });
        self.complete(ctx, ClientEventKind::Ok, versioned.value);
    }

    /// Ends the operation in flight (`ok` with what it read or wrote, or `info`), and
    /// schedules the next one.
    fn complete(
        &mut self,
        ctx: &mut Context<'_, AbdNode>,
        kind: ClientEventKind,
        value: Option<String>,
    ) {
        let flight = self
            .in_flight
            .take()
            .expect("completing the operation in flight");
        let timers = [self.resend_timer.take(), self.give_up_timer.take()];
        for timer in timers.into_iter().flatten() {
            ctx.cancel_timer(timer);
        }
        let value = value.or_else(|| flight.register_op.written().map(str::to_string));
        ctx.observe(self.event(kind, &flight.register_op, value));
        self.ops_left -= 1;
        self.schedule_next(ctx);
    }

    fn event(&self, kind: ClientEventKind, op: &RegisterOp, value: Option<String>) -> ClientEvent {
        ClientEvent {
            process: u64::from(self.id.0),
            kind,
            f: op.name(),
            key: Some(op.key().to_string()),
            value,
        }
    }
}
