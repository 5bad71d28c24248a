//! A client: runs transfers (or, with the list-append workload, transactions of
//! appends and reads) one at a time through the coordinator.
//!
//! A transfer is one operation in the history (`f: "transfer"`, `key: "a3->a7"`,
//! `value: "5"`); a transaction is `f: "txn"` with its micro-operations as the value
//! (`lists`). The client asks the coordinator to run it and repeats the request
//! until it hears how the attempt ended; an aborted attempt is retried as the next
//! attempt of the same transaction, up to `attempts_max`. The operation completes
//! `ok` when an attempt committed (a transaction with what its reads saw) and `fail`
//! when every attempt aborted.

use crate::history::{ClientEvent, ClientEventKind};
use crate::list_append::{txn_text, TxnShape};
use crate::plan::{Pacing, Plan};
use crate::transactions::TXN;
use crate::twopc::bank::transfer_key;
use crate::twopc::config::TwoPcConfig;
use crate::twopc::messages::{Attempt, KeyOp, Msg, Reads, Request, Timer, Transfer, TxId};
use crate::twopc::node::TwoPcNode;
use crate::twopc::situations as s;
use faultline_sim::context::TimerId;
use faultline_sim::{Context, Nanos, NodeId, MILLISECOND};
use std::rc::Rc;

type Ctx<'a, 'b> = &'a mut Context<'b, TwoPcNode>;

const COORDINATOR: NodeId = NodeId(0);

/// How long a client waits for an outcome before asking again.
const RETRY_NS: Nanos = 300 * MILLISECOND;

#[derive(Clone, Debug)]
pub struct BankClient {
    config: Rc<TwoPcConfig>,
    pacing: Pacing,
    plan: Plan<Request>,
    process: u32,
    /// Transfers started so far (the next one's sequence number).
    started: u64,
    /// Values appended by random transactions so far (each value is unique).
    appended: u64,
    in_flight: Option<(Attempt, Request)>,
    retry_timer: Option<TimerId>,
}

impl BankClient {
    pub fn new(id: NodeId, config: Rc<TwoPcConfig>, pacing: Pacing, plan: Plan<Request>) -> Self {
        BankClient {
            config,
            pacing,
            plan,
            process: id.0,
            started: 0,
            appended: 0,
            in_flight: None,
            retry_timer: None,
        }
    }

    /// Transfers not yet completed, the one in flight included.
    pub fn unfinished(&self) -> usize {
        self.plan.len() - self.started as usize + usize::from(self.in_flight.is_some())
    }

    pub fn on_start(&mut self, ctx: Ctx) {
        self.schedule_next(ctx);
    }

    pub fn on_timer(&mut self, ctx: Ctx, timer: Timer) {
        match timer {
            Timer::NextOp => self.invoke(ctx),
            Timer::Retry { attempt } if self.is_in_flight(attempt) => self.send(ctx),
            Timer::Retry { .. } => {} // for an attempt already answered
            timer @ (Timer::VoteTimeout { .. }
            | Timer::Resend
            | Timer::GroupCommit
            | Timer::DecisionOverdue { .. }) => {
                unreachable!("a client got a server's timer {timer:?}")
            }
        }
    }

    fn is_in_flight(&self, attempt: Attempt) -> bool {
        self.in_flight.as_ref().is_some_and(|(a, _)| *a == attempt)
    }

    pub fn on_message(&mut self, ctx: Ctx, _from: NodeId, msg: Msg) {
        let Msg::Outcome {
            attempt,
            committed,
            reads,
        } = msg
        else {
            unreachable!("a client got {msg:?}: only the coordinator's outcomes reach it");
        };
        let Some((current, transfer)) = self.in_flight.clone() else {
            return; // a late outcome of a transfer already completed
        };
        if attempt != current {
            return;
        }
        if committed {
            self.complete(ctx, &transfer, ClientEventKind::Ok, Some(&reads));
        } else if attempt.number < self.config.attempts_max {
            ctx.sometimes(s::CLIENT_RETRIED);
            let next = Attempt {
                tx: attempt.tx,
                number: attempt.number + 1,
            };
            self.in_flight = Some((next, transfer));
            self.send(ctx);
        } else {
            self.complete(ctx, &transfer, ClientEventKind::Fail, None);
        }
    }

    fn schedule_next(&mut self, ctx: Ctx) {
        if self.started as usize >= self.plan.len() {
            return;
        }
        let delay = self
            .pacing
            .delay_before(&self.plan, self.started as usize, ctx);
        ctx.set_timer(delay, Timer::NextOp);
    }

    fn invoke(&mut self, ctx: Ctx) {
        debug_assert!(self.in_flight.is_none(), "one transfer at a time");
        let transfer = match (self.plan.scripted(self.started as usize), self.config.txn) {
            (Some(request), _) => request.clone(),
            (None, Some(shape)) => Request::Txn(self.random_txn(ctx, shape)),
            (None, None) => Request::Transfer(self.random_transfer(ctx)),
        };
        self.started += 1;
        self.observe(ctx, ClientEventKind::Invoke, &transfer, None);
        let attempt = Attempt {
            tx: TxId {
                client: self.process,
                seq: self.started,
            },
            number: 1,
        };
        self.in_flight = Some((attempt, transfer));
        self.send(ctx);
    }

    fn random_transfer(&self, ctx: Ctx) -> Transfer {
        let accounts = u64::from(self.config.bank.accounts);
        let rng = ctx.rng();
        let from = rng.below(accounts) as u32;
        let to = ((u64::from(from) + 1 + rng.below(accounts - 1)) % accounts) as u32;
        let amount = 1 + rng.below(self.config.amount_max as u64) as i64;
        Transfer { from, to, amount }
    }

    /// 1 to `ops_max` appends and reads over random keys; each append's value unique.
    fn random_txn(&mut self, ctx: Ctx, shape: TxnShape) -> Vec<KeyOp> {
        shape.draw(ctx.rng(), NodeId(self.process), &mut self.appended)
    }

    fn send(&mut self, ctx: Ctx) {
        let Some((attempt, transfer)) = self.in_flight.clone() else {
            return;
        };
        ctx.send(COORDINATOR, Msg::Begin { attempt, transfer });
        ctx.reset_timer(&mut self.retry_timer, RETRY_NS, Timer::Retry { attempt });
    }

    fn complete(
        &mut self,
        ctx: Ctx,
        request: &Request,
        kind: ClientEventKind,
        reads: Option<&Reads>,
    ) {
        self.in_flight = None;
        if let Some(timer) = self.retry_timer.take() {
            ctx.cancel_timer(timer);
        }
        self.observe(ctx, kind, request, reads);
        self.schedule_next(ctx);
    }

    /// Records an invocation or completion; a committed transaction's with `reads`.
    fn observe(&self, ctx: Ctx, kind: ClientEventKind, request: &Request, reads: Option<&Reads>) {
        let (f, key, value) = match request {
            Request::Transfer(transfer) => (
                "transfer",
                Some(transfer_key(transfer)),
                transfer.amount.to_string(),
            ),
            Request::Txn(ops) => (TXN, None, txn_text(ops, reads)),
        };
        ctx.observe(ClientEvent {
            process: u64::from(self.process),
            kind,
            f,
            key,
            value: Some(value),
        });
    }
}
