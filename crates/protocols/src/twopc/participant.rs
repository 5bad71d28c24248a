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
use crate::twopc::lists::{self, Lists};
use crate::twopc::messages::{Attempt, Change, Msg, Reads, Record, Timer, TxId};
use crate::twopc::node::TwoPcNode;
use crate::twopc::participant_compaction;
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
    pub changes: Vec<Change>,
    /// What its reads saw at PREPARE (list-append), sent with every yes vote.
    pub reads: Reads,
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
    /// Account (or key) → the prepared attempt that holds it to itself.
    pub locks: BTreeMap<u32, Attempt>,
    /// List-append: key → the prepared attempts that read it (a shared lock).
    pub read_locks: BTreeMap<u32, BTreeSet<Attempt>>,
    /// List-append: the committed lists of the keys it holds.
    pub lists: Lists,
    pub txs: BTreeMap<TxId, TxState>,
    /// The transactions of `txs` whose latest attempt is prepared: kept in step with
    /// it, so finding the undecided ones (every event, for liveness) is cheap.
    pub prepared: BTreeSet<TxId>,
    /// Every outcome reached or recovered by this incarnation, in order (for checkers).
    pub outcome_log: Vec<(Attempt, bool)>,
    /// Every vote this incarnation cast, in order (for checkers).
    pub vote_log: Vec<VoteEntry>,
    /// Per client, the latest attempt this participant settled and then forgot when
    /// it compacted its log: a PREPARE or decision for an attempt no later than it,
    /// of a transaction no longer in `txs`, is a late copy of a settled one.
    pub forgotten: BTreeMap<u32, Attempt>,
    /// The log length at which `participant_compaction` next looks at the log.
    pub log_compact_at: usize,
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
            read_locks: BTreeMap::new(),
            lists: Lists::new(),
            txs: BTreeMap::new(),
            prepared: BTreeSet::new(),
            outcome_log: Vec::new(),
            vote_log: Vec::new(),
            forgotten: BTreeMap::new(),
            log_compact_at: participant_compaction::RECORDS_BEFORE_COMPACTION,
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
                Record::Prepared {
                    attempt,
                    changes,
                    reads,
                } => {
                    ctx.sometimes(s::PARTICIPANT_RECOVERED_PREPARED);
                    self.hold(attempt, changes, reads)
                }
                Record::Outcome { attempt, commit } => {
                    self.settle(attempt, commit);
                    self.outcome_log.push((attempt, commit));
                }
                Record::Checkpoint {
                    balances,
                    lists,
                    forgotten,
                } => {
                    self.balances = balances;
                    self.lists = lists;
                    self.forgotten = forgotten;
                }
                other @ (Record::Begun { .. } | Record::Decided { .. } | Record::Ended { .. }) => {
                    unreachable!("the coordinator's record {other:?} on a participant's disk")
                }
            }
        }
    }

    pub fn on_message(&mut self, ctx: Ctx, _from: NodeId, msg: Msg) {
        match msg {
            Msg::Prepare { attempt, changes } => self.on_prepare(ctx, attempt, changes),
            Msg::Decision { attempt, commit } => self.on_decision(ctx, attempt, commit),
            Msg::Forgotten { attempt } => self.on_forgotten(ctx, attempt),
            other @ (Msg::Begin { .. }
            | Msg::Outcome { .. }
            | Msg::Vote { .. }
            | Msg::Ack { .. }
            | Msg::Query { .. }) => {
                unreachable!("a participant got {other:?}: only the coordinator writes to it")
            }
        }
    }

    fn on_prepare(&mut self, ctx: Ctx, attempt: Attempt, changes: Vec<Change>) {
        if self.is_forgotten(&attempt) {
            ctx.sometimes(s::FORGOTTEN_ATTEMPT_MESSAGE);
            return; // a late PREPARE of an attempt settled here and forgotten since
        }
        if let Some(state) = self.txs.get(&attempt.tx) {
            if state.attempt > attempt.number {
                return; // a late PREPARE of an attempt already superseded
            }
            if state.attempt == attempt.number {
                let yes = state.status != Status::Aborted;
                let reads = if yes {
                    state.reads.clone()
                } else {
                    Reads::default()
                };
                ctx.sometimes(s::DUPLICATE_PREPARE);
                ctx.send(
                    COORDINATOR,
                    Msg::Vote {
                        attempt,
                        yes,
                        reads,
                    },
                );
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
                    reads: Reads::default(),
                },
            );
        }
    }

    /// No account or key is locked against it by another attempt (a write needs it
    /// to itself, a read shares it with other reads) and no balance would go
    /// negative. A dirty read (`read_uncommitted`) ignores locks.
    fn can_apply(&self, attempt: Attempt, changes: &[Change]) -> bool {
        changes.iter().all(|c| {
            let key = c.key();
            let unwritten = self.locks.get(&key).is_none_or(|a| *a == attempt);
            match c {
                Change::Account(c) => {
                    let balance = self.balances.get(&c.account).copied().unwrap_or(0);
                    unwritten && balance + c.delta >= 0
                }
                Change::Append { .. } => {
                    let readers = self.read_locks.get(&key).into_iter().flatten();
                    unwritten && readers.into_iter().all(|a| *a == attempt)
                }
                Change::Read { .. } => unwritten || self.config.bugs.read_uncommitted,
            }
        })
    }

    /// What `changes`' reads see now: the committed lists (with `read_uncommitted`,
    /// also the appends of attempts prepared here and not yet decided).
    fn read(&self, changes: &[Change]) -> Reads {
        let dirty = self.config.bugs.read_uncommitted;
        lists::read_all(changes, |key| {
            let mut list = self.lists.get(&key).cloned().unwrap_or_default();
            let writer = self.locks.get(&key).filter(|_| dirty);
            if let Some(pending) = writer.and_then(|w| self.txs.get(&w.tx)) {
                list.extend(pending.changes.iter().filter_map(|c| match c {
                    Change::Append { key: k, value } if *k == key => Some(*value),
                    _ => None,
                }));
            }
            list
        })
    }

    /// Forces `Prepared` to disk (unless `vote_before_prepare_logged`), locks, votes.
    fn vote_yes(&mut self, ctx: Ctx, attempt: Attempt, changes: Vec<Change>) {
        let reads = self.read(&changes);
        let record = ctx.disk().len();
        ctx.disk().append(Record::Prepared {
            attempt,
            changes: changes.clone(),
            reads: reads.clone(),
        });
        if self.config.bugs.vote_before_prepare_logged {
            self.flush_later(ctx);
        } else {
            ctx.fsync_or_halt(); // fail-stop: the yes vote never leaves
        }
        self.hold(attempt, changes, reads.clone());
        if self.config.bugs.release_read_locks_at_prepare {
            self.release_read_locks(attempt);
        }
        self.vote_log.push(VoteEntry {
            attempt,
            yes: true,
            record,
        });
        ctx.crash_point(crate::twopc::crash_points::AFTER_PREPARE_LOGGED_BEFORE_VOTE);
        let vote = Msg::Vote {
            attempt,
            yes: true,
            reads,
        };
        ctx.send(COORDINATOR, vote);
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
            // Settled here and forgotten since: a resent decision, acknowledged again.
            None if self.is_forgotten(&attempt) => {
                ctx.sometimes(s::FORGOTTEN_ATTEMPT_MESSAGE);
            }
            // Never prepared here (its PREPARE was lost): it can only be an abort.
            _ => debug_assert!(!commit || self.config.bugs.any(), "commit needs my yes"),
        }
        ctx.send(COORDINATOR, Msg::Ack { attempt });
    }

    /// The coordinator compacted `attempt` away after every participant acknowledged
    /// its decision (`Msg::Forgotten`): still prepared for it means this participant
    /// prepared on a late PREPARE after acknowledging an abort, so abort it.
    fn on_forgotten(&mut self, ctx: Ctx, attempt: Attempt) {
        let status = self.txs.get(&attempt.tx).map(|s| (s.attempt, s.status));
        if status == Some((attempt.number, Status::Prepared)) {
            ctx.sometimes(s::PREPARED_FOR_FORGOTTEN);
            self.record_outcome(ctx, attempt, false);
        }
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
        participant_compaction::compact_if_long(self, ctx);
    }

    /// Whether `attempt` is one this participant settled and forgot: its
    /// transaction is gone from `txs` and it is no later than its client's latest
    /// forgotten attempt (a client begins a new attempt only after the last one was
    /// decided, so anything new is later).
    pub fn is_forgotten(&self, attempt: &Attempt) -> bool {
        !self.txs.contains_key(&attempt.tx)
            && self
                .forgotten
                .get(&attempt.tx.client)
                .is_some_and(|latest| attempt <= latest)
    }

    /// Brings the attempt to `commit`'s outcome in memory: applies its changes (or
    /// takes them back, which only the overwrite bug asks for) and releases its locks.
    fn settle(&mut self, attempt: Attempt, commit: bool) {
        let unprepared = TxState {
            attempt: attempt.number,
            status: Status::Aborted,
            changes: Vec::new(),
            reads: Reads::default(),
        };
        let state = self.txs.entry(attempt.tx).or_insert(unprepared.clone());
        if state.attempt != attempt.number {
            *state = unprepared;
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
            self.apply(&change, sign);
        }
        self.locks.retain(|_, holder| *holder != attempt);
        self.release_read_locks(attempt);
        self.prepared.remove(&attempt.tx);
    }

    /// Makes a change (`sign` 1), takes it back (-1, only the overwrite bug asks), or
    /// neither (0).
    fn apply(&mut self, change: &Change, sign: i64) {
        match change {
            Change::Account(c) => *self.balances.entry(c.account).or_insert(0) += sign * c.delta,
            Change::Append { key, value } => {
                let list = self.lists.entry(*key).or_default();
                match sign {
                    1 => list.push(*value),
                    -1 => list.retain(|v| v != value),
                    _ => {}
                }
            }
            Change::Read { .. } => {}
        }
    }

    /// The attempt is prepared here: the accounts and keys it writes locked to it,
    /// those it reads shared (unless its reads are dirty, `read_uncommitted`), its
    /// changes and what its reads saw kept until the decision.
    fn hold(&mut self, attempt: Attempt, changes: Vec<Change>, reads: Reads) {
        for change in &changes {
            if change.writes() {
                self.locks.insert(change.key(), attempt);
            } else if !self.config.bugs.read_uncommitted {
                let readers = self.read_locks.entry(change.key()).or_default();
                readers.insert(attempt);
            }
        }
        let state = TxState {
            attempt: attempt.number,
            status: Status::Prepared,
            changes,
            reads,
        };
        self.txs.insert(attempt.tx, state);
        self.prepared.insert(attempt.tx);
    }

    /// Gives up the attempt's shared locks.
    fn release_read_locks(&mut self, attempt: Attempt) {
        self.read_locks.retain(|_, readers| {
            readers.remove(&attempt);
            !readers.is_empty()
        });
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
