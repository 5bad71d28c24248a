//! A client of the transactional store: runs its list-append transactions one at a
//! time, drawn at random (the shared `list_append` workload) and paced over the fault
//! period, or taken from a `workload.script`.
//!
//! It sends each transaction to the server it believes leads, follows `NotLeader`
//! hints, and on a timeout sends the same transaction (same session sequence number,
//! so it applies at most once) to the next server, until it is answered: with
//! sessions a retry is always safe, so every transaction completes `ok` with what its
//! reads saw, except one cut off by the end of a run, which stays pending. Every
//! invocation and completion is a `txn` client event in Jepsen's notation, which the
//! harness checks for isolation at the end of the run.

use crate::history::{ClientEvent, ClientEventKind};
use crate::list_append::{txn_text, KeyOp, Reads, TxnShape};
use crate::plan::{Pacing, Plan};
use crate::raft::messages::{Msg, Timer};
use crate::raft::server::Ctx;
use crate::raft_txn::ops::{TxnCommand, TxnRequest, TxnResponse, TxnTimer};
use crate::raft_txn::store::TxnStore;
use crate::transactions::TXN;
use faultline_sim::context::TimerId;
use faultline_sim::{Nanos, NodeId};

/// How every client of a run behaves.
#[derive(Clone, Debug, PartialEq)]
pub struct TxnClientConfig {
    pub servers: u32,
    pub shape: TxnShape,
    pub pacing: Pacing,
    /// How long to wait for an answer before sending the transaction elsewhere.
    pub retry_ns: Nanos,
}

#[derive(Clone, Debug)]
pub struct TxnClient {
    config: TxnClientConfig,
    id: NodeId,
    plan: Plan<Vec<KeyOp>>,
    /// Transactions invoked so far (the one in flight's sequence number).
    seq: u64,
    /// Values appended by random transactions so far (each value is unique).
    appended: u64,
    in_flight: Option<TxnCommand>,
    leader_guess: u32,
    retry_timer: Option<TimerId>,
}

impl TxnClient {
    pub fn new(id: NodeId, config: TxnClientConfig, plan: Plan<Vec<KeyOp>>) -> Self {
        TxnClient {
            leader_guess: id.0 % config.servers.max(1),
            config,
            id,
            plan,
            seq: 0,
            appended: 0,
            in_flight: None,
            retry_timer: None,
        }
    }

    /// Transactions not yet completed, the one in flight included.
    pub fn unfinished(&self) -> usize {
        self.plan.len() - self.seq as usize + usize::from(self.in_flight.is_some())
    }

    pub fn on_start(&mut self, ctx: &mut Ctx<'_, TxnStore>) {
        self.schedule_next(ctx);
    }

    pub fn on_timer(&mut self, ctx: &mut Ctx<'_, TxnStore>, timer: Timer<TxnStore>) {
        let Timer::Client(timer) = timer else {
            unreachable!("a client sets only client timers, got {timer:?}");
        };
        match timer {
            TxnTimer::NextTxn => self.invoke(ctx),
            TxnTimer::Retry { seq } if self.is_in_flight(seq) => {
                self.leader_guess = (self.leader_guess + 1) % self.config.servers;
                self.send(ctx);
            }
            TxnTimer::Retry { .. } => {} // for a transaction already answered
        }
    }

    pub fn on_message(&mut self, ctx: &mut Ctx<'_, TxnStore>, from: NodeId, msg: Msg<TxnStore>) {
        let Msg::Response(response) = msg else {
            unreachable!("a client got {msg:?} from {from:?}: only servers' answers reach it");
        };
        match response {
            TxnResponse::Committed { seq, reads } if self.is_in_flight(seq) => {
                self.complete(ctx, &reads);
            }
            TxnResponse::NotLeader { seq, leader_hint } if self.is_in_flight(seq) => {
                let hinted = leader_hint.filter(|&h| h < self.config.servers);
                let next = (self.leader_guess + 1) % self.config.servers;
                self.leader_guess = hinted.unwrap_or(next);
                if hinted.is_none() {
                    // Nobody knows a leader yet: wait a little before asking again.
                    self.arm_retry(ctx, self.config.retry_ns / 4);
                } else {
                    self.send(ctx);
                }
            }
            _ => {} // an answer to a transaction already completed
        }
    }

    fn is_in_flight(&self, seq: u64) -> bool {
        self.in_flight.as_ref().is_some_and(|c| c.seq == seq)
    }

    fn schedule_next(&mut self, ctx: &mut Ctx<'_, TxnStore>) {
        if self.seq as usize >= self.plan.len() {
            return;
        }
        let delay = self
            .config
            .pacing
            .delay_before(&self.plan, self.seq as usize, ctx);
        ctx.set_timer(delay, Timer::Client(TxnTimer::NextTxn));
    }

    fn invoke(&mut self, ctx: &mut Ctx<'_, TxnStore>) {
        debug_assert!(self.in_flight.is_none(), "one transaction at a time");
        let ops = match self.plan.scripted(self.seq as usize) {
            Some(ops) => ops.clone(),
            None => self
                .config
                .shape
                .draw(ctx.rng(), self.id, &mut self.appended),
        };
        self.seq += 1;
        self.observe(ctx, ClientEventKind::Invoke, &ops, None);
        self.in_flight = Some(TxnCommand {
            client: u64::from(self.id.0),
            seq: self.seq,
            ops,
        });
        self.send(ctx);
    }

    fn send(&mut self, ctx: &mut Ctx<'_, TxnStore>) {
        let Some(command) = self.in_flight.clone() else {
            return;
        };
        let request = Msg::Request(TxnRequest { command });
        ctx.send(NodeId(self.leader_guess), request);
        self.arm_retry(ctx, self.config.retry_ns);
    }

    fn arm_retry(&mut self, ctx: &mut Ctx<'_, TxnStore>, delay_ns: Nanos) {
        let retry = Timer::Client(TxnTimer::Retry { seq: self.seq });
        ctx.reset_timer(&mut self.retry_timer, delay_ns, retry);
    }

    fn complete(&mut self, ctx: &mut Ctx<'_, TxnStore>, reads: &Reads) {
        let command = self.in_flight.take().expect("completing the one in flight");
        if let Some(timer) = self.retry_timer.take() {
            ctx.cancel_timer(timer);
        }
        self.observe(ctx, ClientEventKind::Ok, &command.ops, Some(reads));
        self.schedule_next(ctx);
    }

    /// Records an invocation (reads unknown) or a completion (with what they saw).
    fn observe(
        &self,
        ctx: &mut Ctx<'_, TxnStore>,
        kind: ClientEventKind,
        ops: &[KeyOp],
        reads: Option<&Reads>,
    ) {
        ctx.observe(ClientEvent {
            process: u64::from(self.id.0),
            kind,
            f: TXN,
            key: None,
            value: Some(txn_text(ops, reads)),
        });
    }
}
