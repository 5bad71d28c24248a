//! The coordinator (node 0): runs each transfer attempt through the two phases.
//!
//! It forces a `Begun` record to disk before any PREPARE leaves, so after a crash it
//! knows every attempt it may have started; it forces its decision to disk before
//! sending it, so no participant acts on a decision the coordinator could forget. An
//! attempt whose votes are not all in by the vote timeout is aborted. On restart it
//! aborts every attempt begun but undecided (presumed abort) and resends every
//! decision until each participant acknowledges it; a participant asking about an
//! attempt the coordinator never began is told "abort".
//!
//! Its log would grow with every attempt, and so would each restart's replay; once it
//! passes a few hundred records it is rewritten (`log_compaction.rs`) to what a
//! restart still needs, forgetting attempts that are settled everywhere and that
//! their client has moved past. Those are asked about again only by a participant
//! that prepared one late, after its abort: "abort" is then the right answer.

use crate::twopc::config::TwoPcConfig;
use crate::twopc::lists;
use crate::twopc::log_compaction;
use crate::twopc::messages::{Attempt, Change, Msg, Reads, Record, Request, Timer};
use crate::twopc::node::TwoPcNode;
use crate::twopc::situations as s;
use faultline_sim::actor::Role;
use faultline_sim::context::TimerId;
use faultline_sim::{Context, NodeId};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound::{Excluded, Unbounded};
use std::rc::Rc;

type Ctx<'a, 'b> = &'a mut Context<'b, TwoPcNode>;

/// What the coordinator knows about one attempt.
#[derive(Clone, Debug)]
pub struct AttemptState {
    /// Each participant involved, with its changes.
    pub participants: Vec<(u32, Vec<Change>)>,
    /// The votes received. A vote arriving after the decision is answered with it,
    /// not recorded, so these are what the coordinator knew when it decided (the
    /// `abort_without_cause` check reads them).
    pub votes: BTreeMap<u32, bool>,
    pub decision: Option<bool>,
    pub acked: BTreeSet<u32>,
    /// What each yes voter's reads saw (list-append), and, once committed, all of it
    /// in the transaction's order: what the client is told.
    pub vote_reads: BTreeMap<u32, Reads>,
    pub reads: Reads,
    /// What the client asked for: its `Begun` record, rewritten when the log is.
    pub transfer: Request,
}

/// A decision as the coordinator made (or recovered) it, for the checkers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecisionEntry {
    pub attempt: Attempt,
    pub commit: bool,
    /// Where its `Decided` record sits on the coordinator's disk.
    pub record: usize,
    /// Recovered from disk at restart, rather than decided now.
    pub recovered: bool,
}

#[derive(Clone, Debug)]
pub struct Coordinator {
    config: Rc<TwoPcConfig>,
    pub attempts: BTreeMap<Attempt, AttemptState>,
    /// Attempts begun and not yet decided.
    pub undecided: BTreeSet<Attempt>,
    /// Attempts decided whose decision some participant has not yet acknowledged.
    pub unacked: BTreeSet<Attempt>,
    /// Every attempt begun since this incarnation started, in order (for checkers).
    pub begun_log: Vec<Attempt>,
    /// Every decision made or recovered by this incarnation, in order (for checkers).
    pub decision_log: Vec<DecisionEntry>,
    resend_timer: Option<TimerId>,
    group_commit_armed: bool,
    /// The log length at which `log_compaction` next looks at the log.
    pub log_compact_at: usize,
}

impl Coordinator {
    pub fn new(config: Rc<TwoPcConfig>) -> Self {
        Coordinator {
            config,
            attempts: BTreeMap::new(),
            undecided: BTreeSet::new(),
            unacked: BTreeSet::new(),
            begun_log: Vec::new(),
            decision_log: Vec::new(),
            resend_timer: None,
            group_commit_armed: false,
            log_compact_at: log_compaction::RECORDS_BEFORE_COMPACTION,
        }
    }

    /// The coordinator answers to the `leader` fault target: the one node whose
    /// failure blocks everyone, as a leader's does.
    pub fn role(&self) -> Option<Role> {
        Some(Role {
            name: "leader",
            rank: 0,
        })
    }

    pub fn on_start(&mut self, ctx: Ctx) {
        self.recover(ctx);
        for attempt in self.undecided.clone() {
            ctx.sometimes(s::COORDINATOR_PRESUMED_ABORT);
            self.decide(ctx, attempt, false);
        }
        self.arm_resend(ctx);
    }

    /// Rebuilds the attempts and decisions from the disk.
    fn recover(&mut self, ctx: Ctx) {
        let records = match ctx.disk().records() {
            Ok(records) => records.to_vec(),
            Err(corrupt) => return ctx.halt(corrupt), // refuse to start: stay down
        };
        for (index, record) in records.into_iter().enumerate() {
            match record {
                Record::Begun { attempt, transfer } => {
                    let state = self.fresh_state(transfer);
                    self.attempts.insert(attempt, state);
                    self.undecided.insert(attempt);
                }
                Record::Decided {
                    attempt,
                    commit,
                    reads,
                } => {
                    ctx.sometimes(s::COORDINATOR_RECOVERED_DECISION);
                    if let Some(state) = self.attempts.get_mut(&attempt) {
                        state.decision = Some(commit);
                        state.reads = reads;
                    }
                    // Acknowledgements were not kept: every participant hears again.
                    self.undecided.remove(&attempt);
                    self.unacked.insert(attempt);
                    self.decision_log.push(DecisionEntry {
                        attempt,
                        commit,
                        record: index,
                        recovered: true,
                    });
                }
                Record::Ended { attempt } => {
                    self.unacked.remove(&attempt);
                }
                other @ (Record::Prepared { .. }
                | Record::Outcome { .. }
                | Record::Checkpoint { .. }) => {
                    unreachable!("a participant's record {other:?} on the coordinator's disk")
                }
            }
        }
    }

    fn fresh_state(&self, transfer: Request) -> AttemptState {
        AttemptState {
            participants: self.config.bank.changes_of(&transfer),
            votes: BTreeMap::new(),
            decision: None,
            acked: BTreeSet::new(),
            vote_reads: BTreeMap::new(),
            reads: Reads::default(),
            transfer,
        }
    }

    /// Whether the attempt's client has begun a later one (of this transaction or a
    /// later one): a client moves on only once told how this one ended. Attempts
    /// sort by client first, so a later one of the same client is the next key; the
    /// latest is never forgotten (`log_compaction`), so this holds across restarts.
    pub fn superseded(&self, attempt: &Attempt) -> bool {
        self.attempts
            .range((Excluded(*attempt), Unbounded))
            .next()
            .is_some_and(|(later, _)| later.tx.client == attempt.tx.client)
    }

    pub fn on_message(&mut self, ctx: Ctx, from: NodeId, msg: Msg) {
        match msg {
            Msg::Begin { attempt, transfer } => self.on_begin(ctx, attempt, transfer),
            Msg::Vote {
                attempt,
                yes,
                reads,
            } => self.on_vote(ctx, from.0, attempt, (yes, reads)),
            Msg::Ack { attempt } => self.on_ack(ctx, from.0, attempt),
            Msg::Query { attempt } => self.on_query(ctx, from, attempt),
            other @ (Msg::Outcome { .. }
            | Msg::Prepare { .. }
            | Msg::Decision { .. }
            | Msg::Forgotten { .. }) => {
                unreachable!("the coordinator got {other:?} from {from:?}: its own messages")
            }
        }
    }

    fn on_begin(&mut self, ctx: Ctx, attempt: Attempt, transfer: Request) {
        if let Some(state) = self.attempts.get(&attempt) {
            if let Some(commit) = state.decision {
                ctx.sometimes(s::RETRIED_BEGIN_ANSWERED);
                // A retry of an attempt already decided.
                reply(ctx, attempt, commit, state.reads.clone());
            }
            return; // in progress: it will be answered when decided
        }
        if self.superseded(&attempt) {
            return; // a late retry of an attempt the client has moved past
        }
        ctx.disk().append(Record::Begun {
            attempt,
            transfer: transfer.clone(),
        });
        ctx.fsync_or_halt();
        let state = self.fresh_state(transfer);
        for (node, changes) in &state.participants {
            let prepare = Msg::Prepare {
                attempt,
                changes: changes.clone(),
            };
            ctx.send(NodeId(*node), prepare);
            ctx.crash_point(crate::twopc::crash_points::BETWEEN_PREPARE_SENDS);
        }
        self.attempts.insert(attempt, state);
        self.undecided.insert(attempt);
        self.begun_log.push(attempt);
        ctx.set_timer(self.config.vote_timeout_ns, Timer::VoteTimeout { attempt });
        log_compaction::compact_if_long(self, ctx);
    }

    fn on_vote(&mut self, ctx: Ctx, from: u32, attempt: Attempt, (yes, reads): (bool, Reads)) {
        let Some(state) = self.attempts.get_mut(&attempt) else {
            return;
        };
        if let Some(commit) = state.decision {
            // A vote after the decision (say, after the vote timeout): tell the voter.
            ctx.sometimes(s::VOTE_AFTER_DECISION);
            ctx.send(NodeId(from), Msg::Decision { attempt, commit });
            return;
        }
        state.votes.insert(from, yes);
        if yes {
            state.vote_reads.insert(from, reads);
        } else {
            self.decide(ctx, attempt, false);
            return;
        }
        let all_yes = state
            .participants
            .iter()
            .all(|(node, _)| state.votes.get(node) == Some(&true));
        if all_yes {
            self.decide(ctx, attempt, true);
        }
    }

    fn on_query(&mut self, ctx: Ctx, from: NodeId, attempt: Attempt) {
        match self.attempts.get(&attempt).map(|s| s.decision) {
            Some(Some(commit)) => {
                ctx.sometimes(s::QUERY_ANSWERED);
                ctx.send(from, Msg::Decision { attempt, commit })
            }
            Some(None) => {} // still collecting votes: the answer comes with the decision
            // Compacted away: not "abort", which would contradict a commit the asker
            // recorded after it asked.
            None if self.superseded(&attempt) => ctx.send(from, Msg::Forgotten { attempt }),
            // Never begun here (Begun is forced before any PREPARE): presumed abort.
            None => ctx.send(
                from,
                Msg::Decision {
                    attempt,
                    commit: false,
                },
            ),
        }
    }

    pub fn on_timer(&mut self, ctx: Ctx, timer: Timer) {
        match timer {
            Timer::VoteTimeout { attempt } if self.undecided.contains(&attempt) => {
                ctx.sometimes(s::VOTE_TIMEOUT_ABORT);
                self.decide(ctx, attempt, false);
            }
            Timer::Resend => self.resend_decisions(ctx),
            Timer::GroupCommit => {
                self.group_commit_armed = false;
                ctx.fsync_or_halt();
            }
            Timer::VoteTimeout { .. } => {} // for an attempt already decided
            timer @ (Timer::DecisionOverdue { .. } | Timer::NextOp | Timer::Retry { .. }) => {
                unreachable!("the coordinator got another role's timer {timer:?}")
            }
        }
    }

    /// Records the decision (forced to disk unless `decision_not_logged`), then tells
    /// the participants and the client.
    fn decide(&mut self, ctx: Ctx, attempt: Attempt, commit: bool) {
        let state = self
            .attempts
            .get_mut(&attempt)
            .expect("deciding a begun attempt");
        debug_assert!(state.decision.is_none(), "an attempt is decided once");
        debug_assert!(
            !commit
                || state
                    .participants
                    .iter()
                    .all(|(n, _)| state.votes.get(n) == Some(&true)),
            "commit only with every vote yes"
        );
        state.decision = Some(commit);
        if commit {
            state.reads = lists::merge(state.vote_reads.values());
        }
        let reads = state.reads.clone();
        self.undecided.remove(&attempt);
        self.unacked.insert(attempt);
        let participants: Vec<u32> = state.participants.iter().map(|(n, _)| *n).collect();
        let record = ctx.disk().len();
        ctx.disk().append(Record::Decided {
            attempt,
            commit,
            reads: reads.clone(),
        });
        if self.config.bugs.decision_not_logged {
            self.flush_later(ctx);
        } else {
            ctx.fsync_or_halt();
        }
        self.decision_log.push(DecisionEntry {
            attempt,
            commit,
            record,
            recovered: false,
        });
        for node in participants {
            ctx.send(NodeId(node), Msg::Decision { attempt, commit });
            ctx.crash_point(crate::twopc::crash_points::BETWEEN_DECISION_SENDS);
        }
        reply(ctx, attempt, commit, reads);
    }

    fn flush_later(&mut self, ctx: Ctx) {
        if !self.group_commit_armed {
            self.group_commit_armed = true;
            ctx.set_timer(self.config.group_commit_ns, Timer::GroupCommit);
        }
    }

    fn on_ack(&mut self, ctx: Ctx, from: u32, attempt: Attempt) {
        let Some(state) = self.attempts.get_mut(&attempt) else {
            return;
        };
        state.acked.insert(from);
        let all_acked = state
            .participants
            .iter()
            .all(|(n, _)| state.acked.contains(n));
        if all_acked && self.unacked.remove(&attempt) {
            ctx.disk().append(Record::Ended { attempt });
        }
    }

    fn resend_decisions(&mut self, ctx: Ctx) {
        for attempt in &self.unacked {
            let state = &self.attempts[attempt];
            let Some(commit) = state.decision else {
                continue;
            };
            for (node, _) in &state.participants {
                if !state.acked.contains(node) {
                    ctx.sometimes(s::RESENT_DECISION);
                    ctx.send(
                        NodeId(*node),
                        Msg::Decision {
                            attempt: *attempt,
                            commit,
                        },
                    );
                }
            }
        }
        self.arm_resend(ctx);
    }

    fn arm_resend(&mut self, ctx: Ctx) {
        let resend_ns = self.config.resend_ns;
        ctx.reset_timer(&mut self.resend_timer, resend_ns, Timer::Resend);
    }
}

/// Tells the client how its attempt ended (and, committed, what its reads saw).
fn reply(ctx: Ctx, attempt: Attempt, committed: bool, reads: Reads) {
    let client = NodeId(attempt.tx.client);
    let outcome = Msg::Outcome {
        attempt,
        committed,
        reads,
    };
    ctx.send(client, outcome);
}
