//! A participant (nodes 1..): holds some of the bank's accounts and votes on each
//! transaction attempt that touches them.
//!
//! A participant votes yes only if it can make its changes (the accounts are not
//! locked by another attempt and no balance would go negative); it then forces a
//! `Prepared` record to disk and locks the accounts before the vote leaves, and from
//! there it must do whatever the coordinator decides, however long that takes: it
//! asks the coordinator about undecided prepared attempts until it hears. A "no" is a
//! unilateral abort. A decision is applied once, forced to disk, and acknowledged;
//! a decision about an earlier attempt of a transaction than the one it has moved on
//! to is stale and ignored. On restart it rebuilds its balances from the outcomes on
//! its disk and re-locks the accounts of attempts still prepared.

use crate::twopc::config::TwoPcConfig;
use crate::twopc::messages::{AccountChange, Attempt, Msg, Record, Timer, TxId};
use crate::twopc::node::TwoPcNode;
use crate::twopc::situations as s;
use faultline_sim::context::TimerId;
use faultline_sim::{Context, NodeId};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

type Ctx<'a, 'b> = &'a mut Context<'b, TwoPcNode>;

const COORDINATOR: NodeId = NodeId(0);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Prepared,
    Committed,
    Aborted,
}

/// The latest attempt of a transaction this participant has seen, and where it is.
#[derive(Clone, Debug)]
pub struct TxState {
    pub attempt: u32,
    pub status: Status,
    pub changes: Vec<AccountChange>,
}

/// A vote as cast, for the checkers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VoteEntry {
    pub attempt: Attempt,
    pub yes: bool,
    /// Where the `Prepared` record behind a yes sits on this participant's disk.
    pub record: usize,
}

#[derive(Clone, Debug)]
pub struct Participant {
    config: Rc<TwoPcConfig>,
    pub balances: BTreeMap<u32, i64>,
    /// Account → the prepared attempt that holds it.
    pub locks: BTreeMap<u32, Attempt>,
    pub txs: BTreeMap<TxId, TxState>,
    /// The transactions of `txs` whose latest attempt is prepared: kept in step with
    /// it, so finding the undecided ones (every event, for liveness) is cheap.
    pub prepared: BTreeSet<TxId>,
    /// Every outcome reached or recovered by this incarnation, in order (for checkers).
    pub outcome_log: Vec<(Attempt, bool)>,
    /// Every vote this incarnation cast, in order (for checkers).
    pub vote_log: Vec<VoteEntry>,
    resend_timer: Option<TimerId>,
    group_commit_armed: bool,
}

impl Participant {
    pub fn new(node: u32, config: Rc<TwoPcConfig>) -> Self {
        let bank = config.bank;
        let balances = bank
            .accounts_of(node)
            .map(|a| (a, bank.initial_balance))
            .collect();
        Participant {
            config,
            balances,
            locks: BTreeMap::new(),
            txs: BTreeMap::new(),
            prepared: BTreeSet::new(),
            outcome_log: Vec::new(),
            vote_log: Vec::new(),
            resend_timer: None,
            group_commit_armed: false,
        }
    }

    pub fn on_start(&mut self, ctx: Ctx) {
        self.recover(ctx);
        self.arm_resend(ctx);
    }

    /// Replays the disk: prepared attempts re-lock their accounts, outcomes apply.
    fn recover(&mut self, ctx: Ctx) {
        let records = match ctx.disk().records() {
            Ok(records) => records.to_vec(),
            Err(corrupt) => return ctx.halt(corrupt), // refuse to start: stay down
        };
        for record in records {
            match record {
                Record::Prepared { attempt, changes } => {
                    ctx.sometimes(s::PARTICIPANT_RECOVERED_PREPARED);
                    self.hold(attempt, changes)
                }
                Record::Outcome { attempt, commit } => {
                    self.settle(attempt, commit);
                    self.outcome_log.push((attempt, commit));
                }
                other @ (Record::Begun { .. } | Record::Decided { .. }) => {
                    unreachable!("the coordinator's record {other:?} on a participant's disk")
                }
            }
        }
    }

    pub fn on_message(&mut self, ctx: Ctx, _from: NodeId, msg: Msg) {
        match msg {
            Msg::Prepare { attempt, changes } => self.on_prepare(ctx, attempt, changes),
            Msg::Decision { attempt, commit } => self.on_decision(ctx, attempt, commit),
            other @ (Msg::Begin { .. }
            | Msg::Outcome { .. }
            | Msg::Vote { .. }
            | Msg::Ack { .. }
            | Msg::Query { .. }) => {
                unreachable!("a participant got {other:?}: only the coordinator writes to it")
            }
        }
    }

    fn on_prepare(&mut self, ctx: Ctx, attempt: Attempt, changes: Vec<AccountChange>) {
        if let Some(state) = self.txs.get(&attempt.tx) {
            if state.attempt > attempt.number {
                return; // a late PREPARE of an attempt already superseded
            }
            if state.attempt == attempt.number {
                let yes = state.status != Status::Aborted;
                ctx.sometimes(s::DUPLICATE_PREPARE);
                ctx.send(COORDINATOR, Msg::Vote { attempt, yes });
                return; // a duplicate: vote again, as before
            }
            if state.status == Status::Prepared {
                // The coordinator starts a new attempt only after aborting the old one.
                ctx.sometimes(s::SUPERSEDED_PREPARED);
                let older = Attempt {
                    tx: attempt.tx,
                    number: state.attempt,
                };
                self.record_outcome(ctx, older, false);
            }
        }
        if self.can_apply(attempt, &changes) {
            self.vote_yes(ctx, attempt, changes);
        } else {
            ctx.sometimes(s::VOTED_NO);
            self.record_outcome(ctx, attempt, false);
            self.vote_log.push(VoteEntry {
                attempt,
                yes: false,
                record: 0,
            });
            ctx.send(
                COORDINATOR,
                Msg::Vote {
                    attempt,
                    yes: false,
                },
            );
        }
    }

    /// No account is locked by another attempt and no balance would go negative.
    fn can_apply(&self, attempt: Attempt, changes: &[AccountChange]) -> bool {
        changes.iter().all(|c| {
            let free = self.locks.get(&c.account).is_none_or(|a| *a == attempt);
            let balance = self.balances.get(&c.account).copied().unwrap_or(0);
            free && balance + c.delta >= 0
        })
    }

    /// Forces `Prepared` to disk (unless `vote_before_prepare_logged`), locks, votes.
    fn vote_yes(&mut self, ctx: Ctx, attempt: Attempt, changes: Vec<AccountChange>) {
        let record = ctx.disk().len();
        ctx.disk().append(Record::Prepared {
            attempt,
            changes: changes.clone(),
        });
        if self.config.bugs.vote_before_prepare_logged {
            self.flush_later(ctx);
        } else {
            ctx.fsync_or_halt(); // fail-stop: the yes vote never leaves
        }
        self.hold(attempt, changes);
        self.vote_log.push(VoteEntry {
            attempt,
            yes: true,
            record,
        });
        ctx.send(COORDINATOR, Msg::Vote { attempt, yes: true });
        if self.config.bugs.participant_timeout_abort {
            let patience_ns = self.config.decision_patience_ns;
            ctx.set_timer(patience_ns, Timer::DecisionOverdue { attempt });
        }
    }

    fn on_decision(&mut self, ctx: Ctx, attempt: Attempt, commit: bool) {
        let current = self.txs.get(&attempt.tx).map(|s| (s.attempt, s.status));
        match current {
            Some((number, Status::Prepared)) if number == attempt.number => {
                self.record_outcome(ctx, attempt, commit);
            }
            Some((number, status)) if number > attempt.number => {
                if self.config.bugs.late_decision_overwrites {
                    self.overwrite(ctx, attempt.tx, number, status, commit);
                }
            }
            Some((number, status)) if number == attempt.number => {
                let recorded = status == Status::Committed;
                debug_assert!(
                    recorded == commit || self.config.bugs.any(),
                    "one decision per attempt"
                );
            }
            // Never prepared here (its PREPARE was lost): it can only be an abort.
            _ => debug_assert!(!commit || self.config.bugs.any(), "commit needs my yes"),
        }
        ctx.send(COORDINATOR, Msg::Ack { attempt });
    }

    /// The `late_decision_overwrites` bug: a decision about an earlier attempt is
    /// applied to the transaction's latest attempt, whatever it recorded for it.
    fn overwrite(&mut self, ctx: Ctx, tx: TxId, number: u32, status: Status, commit: bool) {
        let recorded = match status {
            Status::Prepared => None,
            Status::Committed => Some(true),
            Status::Aborted => Some(false),
        };
        if recorded != Some(commit) {
            self.record_outcome(ctx, Attempt { tx, number }, commit);
        }
    }

    /// Settles an attempt, durably.
    fn record_outcome(&mut self, ctx: Ctx, attempt: Attempt, commit: bool) {
        self.settle(attempt, commit);
        ctx.disk().append(Record::Outcome { attempt, commit });
        ctx.fsync_or_halt();
        self.outcome_log.push((attempt, commit));
    }

    /// Brings the attempt to `commit`'s outcome in memory: applies its changes (or
    /// takes them back, which only the overwrite bug asks for) and releases its locks.
    fn settle(&mut self, attempt: Attempt, commit: bool) {
        let state = self.txs.entry(attempt.tx).or_insert(TxState {
            attempt: attempt.number,
            status: Status::Aborted,
            changes: Vec::new(),
        });
        if state.attempt != attempt.number {
            *state = TxState {
                attempt: attempt.number,
                status: Status::Aborted,
                changes: Vec::new(),
            };
        }
        let sign = match (state.status, commit) {
            (Status::Prepared | Status::Aborted, true) => 1,
            (Status::Committed, false) => -1,
            _ => 0,
        };
        state.status = if commit {
            Status::Committed
        } else {
            Status::Aborted
        };
        let changes = state.changes.clone();
        for change in changes {
            *self.balances.entry(change.account).or_insert(0) += sign * change.delta;
        }
        self.locks.retain(|_, holder| *holder != attempt);
        self.prepared.remove(&attempt.tx);
    }

    /// The attempt is prepared here: its accounts locked, its changes kept until the
    /// decision.
    fn hold(&mut self, attempt: Attempt, changes: Vec<AccountChange>) {
        for change in &changes {
            self.locks.insert(change.account, attempt);
        }
        let state = TxState {
            attempt: attempt.number,
            status: Status::Prepared,
            changes,
        };
        self.txs.insert(attempt.tx, state);
        self.prepared.insert(attempt.tx);
    }

    pub fn on_timer(&mut self, ctx: Ctx, timer: Timer) {
        match timer {
            Timer::Resend => {
                self.ask_about_prepared(ctx);
                self.arm_resend(ctx);
            }
            Timer::DecisionOverdue { attempt } => {
                let still_prepared = self
                    .txs
                    .get(&attempt.tx)
                    .is_some_and(|s| s.attempt == attempt.number && s.status == Status::Prepared);
                if still_prepared {
                    self.record_outcome(ctx, attempt, false); // the bug: gives up alone
                }
            }
            Timer::GroupCommit => {
                self.group_commit_armed = false;
                ctx.fsync_or_halt();
            }
            timer @ (Timer::VoteTimeout { .. } | Timer::NextOp | Timer::Retry { .. }) => {
                unreachable!("a participant got another role's timer {timer:?}")
            }
        }
    }

    /// The termination protocol: a prepared participant cannot decide alone, so it
    /// asks the coordinator until it hears.
    fn ask_about_prepared(&mut self, ctx: Ctx) {
        let queries: Vec<Attempt> = self.prepared().collect();
        for attempt in queries {
            ctx.sometimes(s::PARTICIPANT_ASKED);
            ctx.send(COORDINATOR, Msg::Query { attempt });
        }
    }

    fn flush_later(&mut self, ctx: Ctx) {
        if !self.group_commit_armed {
            self.group_commit_armed = true;
            ctx.set_timer(self.config.group_commit_ns, Timer::GroupCommit);
        }
    }

    fn arm_resend(&mut self, ctx: Ctx) {
        let resend_ns = self.config.resend_ns;
        ctx.reset_timer(&mut self.resend_timer, resend_ns, Timer::Resend);
    }

    /// Attempts still prepared (waiting for a decision).
    pub fn prepared(&self) -> impl Iterator<Item = Attempt> + '_ {
        self.prepared.iter().map(|tx| {
            let state = &self.txs[tx];
            debug_assert_eq!(state.status, Status::Prepared, "kept in step with txs");
            Attempt {
                tx: *tx,
                number: state.attempt,
            }
        })
    }
}
