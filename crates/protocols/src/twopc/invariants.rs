//! Two-phase commit's safety properties, checked from the omniscient view after
//! every event, and its end-of-run properties.
//!
//! After every event (reading only what is new in each node's vote, outcome and
//! decision logs, and only for nodes something happened to):
//! - `agreement` (AC1): no two processes reach different outcomes for an attempt;
//! - `no_reversal` (AC2): a process never changes its outcome for an attempt, not
//!   even across a restart;
//! - `commit_needs_all_yes` (AC3): the coordinator commits only after every
//!   participant involved voted yes;
//! - `abort_without_cause` (AC4): a coordinator that holds every participant's yes
//!   vote, with no fault or lost message since the attempt began, commits. It is
//!   judged by what the coordinator knew when it decided (the votes it had
//!   received), not by the participants' vote logs: a yes still in flight when the
//!   vote timer fires is a cause (a timeout on a slow network), as is a no vote;
//! - `prepared_durable`: a participant's PREPARED record is on disk before its yes
//!   vote leaves;
//! - `decision_durable`: the coordinator's decision is on disk before it is sent;
//! - `locks_held_by_prepared`: a participant's write locks (on the accounts, or the
//!   keys appended to) are held exactly by its prepared (in-doubt) attempts: each
//!   account or key a prepared attempt changes is locked by it, and no lock outlives
//!   its attempt's outcome. A lock kept after the outcome blocks every later transfer
//!   on the account; one released early lets two attempts overlap. The list-append
//!   workload's read (shared) locks are judged by their effect instead, through the
//!   isolation check of the clients' transactions: whether a read lock may go
//!   before the decision is a question of the isolation promised, which the history
//!   answers for any policy.
//!
//! At the end, once the faults have healed and the clients are done:
//! - `all_decided` (AC5): every attempt begun is decided, and no participant is still
//!   prepared;
//! - `money_conserved`: the balances add up to what the bank started with;
//! - `balances_as_told`: what clients were told is what the accounts hold: each ends
//!   at its opening balance plus the transfers its clients were told committed, so
//!   a commit a participant never applied, or an abort that moved money, shows even
//!   when the total still adds up. An account an indeterminate transfer touched
//!   (timed out, or never answered) is left out: it may or may not have moved.

use crate::property::Property;
use crate::protocol::Violation;
use crate::twopc::attempt_record::AttemptRecord;
use crate::twopc::attempts_seen::AttemptsSeen;
use crate::twopc::bank::Bank;
use crate::twopc::coordinator::{AttemptState, Coordinator, DecisionEntry};
use crate::twopc::messages::Attempt;
use crate::twopc::node::TwoPcNode;
use crate::twopc::participant::{Participant, Status};
use crate::twopc::properties::{
    ABORT_WITHOUT_CAUSE, AGREEMENT, ALL_DECIDED, BALANCES_AS_TOLD, COMMIT_NEEDS_ALL_YES,
    DECISION_DURABLE, LOCKS_HELD_BY_PREPARED, MONEY_CONSERVED, NO_REVERSAL, PREPARED_DURABLE,
};
use crate::twopc::told_transfers::ToldTransfers;
use faultline_sim::watch::ChangeWatch;
use faultline_sim::{NodeId, World};

const COORDINATOR: usize = 0;

#[derive(Debug)]
pub struct TwoPcChecker {
    bank: Bank,
    /// Which servers changed since the checker last looked.
    examined: ChangeWatch,
    /// Per server, how far into its current incarnation's logs the checker has read:
    /// (votes or begun attempts, outcomes or decisions).
    read: Vec<(usize, usize)>,
    /// What was seen of each attempt: outcomes reached, yes votes, disruptions.
    attempts: AttemptsSeen,
    /// What clients were told of their transfers, for `balances_as_told`.
    told: ToldTransfers,
}

fn violation(property: &Property, detail: String) -> Result<(), Violation> {
    Err(Violation::of(property, detail))
}

fn outcome_name(commit: bool) -> &'static str {
    if commit {
        "commit"
    } else {
        "abort"
    }
}

/// `locks_held_by_prepared` on one participant: every lock's holder is its
/// transaction's prepared attempt, and every prepared attempt holds its accounts.
fn check_locks(i: usize, participant: &Participant) -> Result<(), Violation> {
    for (&account, &holder) in &participant.locks {
        let state = participant.txs.get(&holder.tx);
        let prepared = state.is_some_and(|s| s.attempt == holder.number)
            && participant.prepared.contains(&holder.tx)
            && state.is_some_and(|s| s.status == Status::Prepared);
        if !prepared {
            let now = state.map_or("unknown".to_string(), |s| {
                format!("attempt {} {:?}", s.attempt, s.status)
            });
            let detail = format!(
                "n{i} still locks account {account} for {holder}, which is not prepared ({} is at \
                    {now})",
                holder.tx
            );
            return violation(&LOCKS_HELD_BY_PREPARED, detail);
        }
    }
    for attempt in participant.prepared() {
        let changes = &participant.txs[&attempt.tx].changes;
        let unlocked = changes
            .iter()
            .filter(|c| c.writes())
            .find(|c| participant.locks.get(&c.key()) != Some(&attempt));
        if let Some(change) = unlocked {
            let detail = format!(
                "n{i} is prepared for {attempt} but does not lock its account {}",
                change.key()
            );
            return violation(&LOCKS_HELD_BY_PREPARED, detail);
        }
    }
    Ok(())
}

/// Faults applied and messages lost so far: what can excuse an abort.
fn disruptions(world: &World<TwoPcNode>) -> u64 {
    let stats = world.stats();
    stats.faults_applied + stats.messages_dropped
}

/// Whether the coordinator had received a yes vote from every participant of the
/// attempt: the votes it holds stop changing once it decides (a late vote is
/// answered with the decision, not recorded), so read when its decision is, they
/// are what it knew when it decided.
fn holds_every_yes(state: &AttemptState) -> bool {
    state
        .participants
        .iter()
        .all(|(p, _)| state.votes.get(p) == Some(&true))
}

impl TwoPcChecker {
    pub fn new(bank: Bank) -> Self {
        let servers = bank.participants as usize + 1;
        TwoPcChecker {
            bank,
            examined: ChangeWatch::new(servers),
            read: vec![(0, 0); servers],
            attempts: AttemptsSeen::default(),
            told: ToldTransfers::default(),
        }
    }

    pub fn check(&mut self, world: &World<TwoPcNode>) -> Result<(), Violation> {
        self.told.read(world);
        for i in 0..self.read.len() {
            let node = NodeId(i as u32);
            if !self.examined.changed(world, node) {
                continue; // nothing happened to it since its last examination
            }
            match world.actor(node) {
                None => self.read[i] = (0, 0), // crashed: its logs restart with it
                Some(TwoPcNode::Coordinator(_)) => self.check_coordinator(world)?,
                Some(TwoPcNode::Participant(_)) => self.check_participant(world, i)?,
                Some(TwoPcNode::Client(_)) => {}
            }
        }
        Ok(())
    }

    fn check_coordinator(&mut self, world: &World<TwoPcNode>) -> Result<(), Violation> {
        let node = NodeId(COORDINATOR as u32);
        let coordinator = world
            .actor(node)
            .and_then(TwoPcNode::as_coordinator)
            .expect("live");
        let (begun_read, decisions_read) = self.read[COORDINATOR];
        for attempt in &coordinator.begun_log[begun_read..] {
            let record = self.attempts.entry(*attempt);
            record.note_begun(|| disruptions(world));
        }
        for entry in &coordinator.decision_log[decisions_read..] {
            self.check_decision(world, coordinator, entry)?;
            self.record_outcome(COORDINATOR as u32, entry.attempt, entry.commit)?;
        }
        self.read[COORDINATOR] = (coordinator.begun_log.len(), coordinator.decision_log.len());
        Ok(())
    }

    /// AC3, AC4 and durability for one decision the coordinator made (or recovered).
    fn check_decision(
        &self,
        world: &World<TwoPcNode>,
        coordinator: &Coordinator,
        entry: &DecisionEntry,
    ) -> Result<(), Violation> {
        let attempt = entry.attempt;
        let synced = world.disk(NodeId(COORDINATOR as u32)).synced_len();
        if !entry.recovered && entry.record >= synced {
            let outcome = outcome_name(entry.commit);
            let detail =
                format!("the coordinator sent {outcome} for {attempt} before it was on disk");
            return violation(&DECISION_DURABLE, detail);
        }
        let state = coordinator.attempts.get(&attempt);
        let seen = self.attempts.get(&attempt);
        let yes_from = |p: &u32| seen.is_some_and(|r| r.yes_from.contains(*p));
        let mut participants = state.into_iter().flat_map(|s| s.participants.iter());
        let all_yes = participants.all(|(p, _)| yes_from(p));
        if entry.commit && !all_yes {
            let detail =
                format!("the coordinator committed {attempt} without a yes from every participant");
            return violation(&COMMIT_NEEDS_ALL_YES, detail);
        }
        let undisturbed =
            seen.and_then(AttemptRecord::disruptions_at_begin) == Some(disruptions(world));
        let every_yes_in_hand = state.is_some_and(holds_every_yes);
        if !entry.commit && !entry.recovered && every_yes_in_hand && undisturbed {
            let detail = format!(
                "the coordinator aborted {attempt} holding a yes vote from every participant, and \
                    nothing failed"
            );
            return violation(&ABORT_WITHOUT_CAUSE, detail);
        }
        Ok(())
    }

    fn check_participant(&mut self, world: &World<TwoPcNode>, i: usize) -> Result<(), Violation> {
        let node = NodeId(i as u32);
        let participant = world
            .actor(node)
            .and_then(TwoPcNode::as_participant)
            .expect("live");
        let (votes_read, outcomes_read) = self.read[i];
        for vote in &participant.vote_log[votes_read..] {
            if !vote.yes {
                continue;
            }
            if vote.record >= world.disk(node).synced_len() {
                return violation(
                    &PREPARED_DURABLE,
                    format!(
                        "n{i} voted yes on {} before its PREPARED record was on disk",
                        vote.attempt
                    ),
                );
            }
            let record = self.attempts.entry(vote.attempt);
            record.yes_from.insert(i as u32);
        }
        for &(attempt, commit) in &participant.outcome_log[outcomes_read..] {
            self.record_outcome(i as u32, attempt, commit)?;
        }
        self.read[i] = (participant.vote_log.len(), participant.outcome_log.len());
        check_locks(i, participant)
    }

    /// AC2 for the process, then AC1 against every other process.
    fn record_outcome(
        &mut self,
        node: u32,
        attempt: Attempt,
        commit: bool,
    ) -> Result<(), Violation> {
        let record = self.attempts.entry(attempt);
        if let Some(before) = record.outcome_of(node) {
            if before == commit {
                // The same outcome again (recovered after a restart): it was held to
                // agreement when first reached, and the first outcome never changes.
                return Ok(());
            }
            return violation(
                &NO_REVERSAL,
                format!(
                    "n{node} reached {} for {attempt} after {}",
                    outcome_name(commit),
                    outcome_name(before)
                ),
            );
        }
        record.reached.insert(node);
        match record.first_outcome {
            Some((other, by)) if other != commit => violation(
                &AGREEMENT,
                format!(
                    "n{node} reached {} for {attempt} but n{by} reached {}",
                    outcome_name(commit),
                    outcome_name(other)
                ),
            ),
            Some(_) => Ok(()),
            None => {
                record.first_outcome = Some((commit, node));
                Ok(())
            }
        }
    }

    /// AC5 and conservation, once the run is over.
    pub fn check_end(&mut self, world: &World<TwoPcNode>) -> Result<(), Violation> {
        self.told.read(world);
        let servers = world.actors().iter().take(self.read.len()).enumerate();
        let mut total = 0;
        for (i, actor) in servers {
            match actor {
                Some(TwoPcNode::Coordinator(c)) => {
                    if let Some((attempt, _)) =
                        c.attempts.iter().find(|(_, s)| s.decision.is_none())
                    {
                        return violation(
                            &ALL_DECIDED,
                            format!("the coordinator never decided {attempt}"),
                        );
                    }
                }
                Some(TwoPcNode::Participant(p)) => {
                    // From the transactions themselves, not the index kept beside them.
                    let prepared = p.txs.iter().find(|(_, s)| s.status == Status::Prepared);
                    if let Some((tx, state)) = prepared {
                        return violation(
                            &ALL_DECIDED,
                            format!("n{i} is still prepared for {tx} attempt {}", state.attempt),
                        );
                    }
                    total += p.balances.values().sum::<i64>();
                }
                Some(TwoPcNode::Client(_)) => {}
                None => return violation(&ALL_DECIDED, format!("n{i} is down at the end")),
            }
        }
        if total != self.bank.total() {
            return violation(
                &MONEY_CONSERVED,
                format!(
                    "the balances add up to {total}, not the {} the bank started with",
                    self.bank.total()
                ),
            );
        }
        self.check_balances_as_told(world)
    }

    /// `balances_as_told`, from what clients were told (read as they were told it)
    /// and the participants' accounts.
    fn check_balances_as_told(&self, world: &World<TwoPcNode>) -> Result<(), Violation> {
        let told = &self.told;
        for account in 0..self.bank.accounts {
            if told.uncertain(account) {
                continue;
            }
            let home = NodeId(self.bank.home_of(account));
            let Some(TwoPcNode::Participant(p)) = world.actor(home) else {
                continue;
            };
            let held = p.balances.get(&account).copied().unwrap_or(0);
            let moved = told.moved(account);
            let expected = self.bank.initial_balance + moved;
            if held != expected {
                return violation(
                    &BALANCES_AS_TOLD,
                    format!(
                        "account a{account} holds {held}, but clients were told of \
                         committed transfers that leave it at {expected}"
                    ),
                );
            }
        }
        Ok(())
    }
}
