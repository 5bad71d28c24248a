//! Raft's safety invariants, checked from the omniscient view after every event.
//!
//! Election Safety (one leader per term), Leader Append-Only, Log Matching (one
//! command per index and term), Leader Completeness (a new leader holds every
//! committed entry), State Machine Safety (one command committed per index), terms and
//! votes never go backwards across restarts, commit indices never decrease, and every
//! committed entry is durable on a majority. Each check is incremental: a server is
//! re-examined only after something happened to it (its `node_version` changed), plus
//! a handful of comparisons across servers per event and work proportional to what
//! newly committed.
//!
//! Leader Completeness is also checked before anyone is elected (`electable_completeness`):
//! once an entry is committed, no live server whose log lacks it may be able to win an
//! election, i.e. collect a majority of servers (itself included) whose logs are no more
//! up to date than its own by the §5.4.1 comparison. In a correct Raft the majority that
//! stores the newest committed entry (of the term that committed it) is strictly more up
//! to date than any log lacking it, and stays so; this is the step of the paper's safety
//! argument (§5.4.3) that the voting rule relies on. It catches a Figure 8 commit the
//! moment it happens, not only in the rare runs where the wrong server then wins.

use crate::kv::KvStore;
use crate::property::Property;
use crate::protocol::Violation;
use crate::raft::cluster_view::ClusterView;
use crate::raft::entries_seen::{Committed, CommittedEntries, TailsSeen};
use crate::raft::log::Log;
use crate::raft::machine::Machine;
use crate::raft::messages::Payload;
use crate::raft::persistence::replay;
use crate::raft::properties::{
    COMMITTED_DURABLE, COMMIT_MONOTONIC, ELECTABLE_COMPLETENESS, ELECTION_SAFETY,
    LEADER_APPEND_ONLY, LEADER_COMPLETENESS, LOG_MATCHING, STATE_MACHINE_SAFETY, TERM_MONOTONIC,
    VOTE_DURABLE,
};
use crate::raft::recovery::RecoveryChecker;
use crate::raft::server::{Role, Server};
use faultline_sim::hash::TraceHasher;
use faultline_sim::watch::ChangeWatch;
use faultline_sim::{NodeId, World};
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};

/// Raft's invariant checker for servers of machine `M` (the key-value store unless
/// named): what it checks is Raft's, whatever the servers replicate.
#[derive(Debug, Default)]
pub struct RaftChecker<M: Machine = KvStore> {
    leader_of_term: BTreeMap<u64, u32>,
    max_term: Vec<u64>,
    vote_in_max_term: Vec<Option<u32>>,
    last_commit: Vec<Option<u64>>,
    checked_commit: Vec<u64>,
    /// (leader, term) → (last index, its term) when last seen.
    leader_tail: BTreeMap<(u32, u64), (u64, u64)>,
    leaders_checked: BTreeSet<(u32, u64)>,
    /// Every committed entry seen.
    committed: CommittedEntries,
    /// The command hash of every log tail seen.
    tails: TailsSeen,
    /// Each server's (index, term, hash) tail when last entered in `tails`: an
    /// unchanged tail is already there, so most events skip the map.
    tail_entered: Vec<Option<(u64, u64, u64)>>,
    /// Each leader's (term, last index, last term) when last checked: a leader whose
    /// term and tail did not move passes the leader checks as it did then.
    leader_checked_at: Vec<Option<(u64, u64, u64)>>,
    /// Each server's log summary (live, or as on its disk if crashed), durable index,
    /// and whether it lacks the newest committed entry, kept sorted.
    view: ClusterView,
    /// Live leaders, by index.
    leaders: BTreeSet<u32>,
    /// The servers the current event changed (reused between events).
    changed: Vec<NodeId>,
    /// The log a crashed server will recover (replayed from its disk once per crash).
    crashed_log: Vec<Option<Log<M>>>,
    /// Which servers changed since the checker last looked.
    examined: ChangeWatch,
    /// Recovery from disk and snapshots against what was durable and applied.
    recovery: RecoveryChecker,
}

fn payload_hash<M: Machine>(payload: &Payload<M>) -> u64 {
    let mut h = TraceHasher::new();
    payload.hash(&mut h);
    h.finish()
}

fn violation(property: &Property, detail: String) -> Result<(), Violation> {
    Err(Violation::of(property, detail))
}

impl<M: Machine> RaftChecker<M> {
    pub fn new(servers: usize) -> Self {
        RaftChecker {
            max_term: vec![0; servers],
            vote_in_max_term: vec![None; servers],
            last_commit: vec![None; servers],
            checked_commit: vec![0; servers],
            view: ClusterView::new(servers),
            tail_entered: vec![None; servers],
            leader_checked_at: vec![None; servers],
            crashed_log: vec![None; servers],
            examined: ChangeWatch::new(servers),
            recovery: RecoveryChecker::new::<M>(servers),
            ..RaftChecker::default()
        }
    }

    pub fn check(&mut self, world: &World<M::Node>) -> Result<(), Violation> {
        let mut changed = std::mem::take(&mut self.changed);
        self.examined.changed_nodes(world, &mut changed);
        let examined = changed
            .iter()
            .try_for_each(|&node| self.examine(world, node));
        self.changed = changed;
        examined?;
        self.follow_newest_committed(world);
        self.check_leaders_durable(world)?;
        self.check_electable_completeness(world)
    }

    /// Re-examines a server something happened to.
    fn examine(&mut self, world: &World<M::Node>, node: NodeId) -> Result<(), Violation> {
        let i = node.index();
        let Some(server) = world.actor(node).and_then(M::server_of) else {
            self.leaders.remove(&(i as u32));
            self.leader_checked_at[i] = None;
            self.last_commit[i] = None;
            self.checked_commit[i] = 0;
            self.note_crashed(i, world);
            let mid_handler = world.crashed_mid_handler(node);
            if mid_handler {
                // It crashed inside a handler (halted, or at a crash point), after
                // syncs never seen: what it holds durably is what its disk holds.
                self.view.set_durable(i, self.view.summary(i).1);
            }
            self.update_lacks(world, i);
            return self.recovery.on_crashed(i, world.disk(node), mid_handler);
        };
        self.crashed_log[i] = None;
        self.recovery.on_live(i, server, world.disk(node))?;
        self.check_term_and_vote(i, server)?;
        self.check_commit(i, server)?;
        self.check_log_tail(i, server)?;
        if server.role == Role::Leader {
            self.leaders.insert(i as u32);
            self.check_leader(i, server)?;
        } else {
            self.leaders.remove(&(i as u32));
        }
        let summary = (server.log.last_term(), server.log.last_index());
        self.view.set_summary(i, summary);
        self.update_lacks(world, i);
        Ok(())
    }

    /// Server `i`'s log: live, or the one on its disk if crashed.
    fn log_of<'a>(&'a self, world: &'a World<M::Node>, i: usize) -> Option<&'a Log<M>> {
        let live = world.actor(NodeId(i as u32)).and_then(M::server_of);
        live.map(|s| &s.log).or(self.crashed_log[i].as_ref())
    }

    /// Notes whether server `i` lacks the newest committed entry.
    fn update_lacks(&mut self, world: &World<M::Node>, i: usize) {
        let Some((index, term)) = self.view.newest_committed() else {
            return;
        };
        let lacks = self
            .log_of(world, i)
            .is_some_and(|log| index > log.snapshot_index && log.term_at(index) != Some(term));
        self.view.set_lacks(i, lacks);
    }

    /// When a newer entry was committed, asks every server again whether it lacks it.
    fn follow_newest_committed(&mut self, world: &World<M::Node>) {
        let Some((index, &Committed { term, .. })) = self.committed.newest() else {
            return;
        };
        if self.view.newest_committed() == Some((index, term)) {
            return;
        }
        self.view.set_newest_committed(index, term);
        for i in 0..self.max_term.len() {
            self.update_lacks(world, i);
        }
    }

    /// What a leader committed is on a majority of disks: re-checked for every live
    /// leader after every event, since another server's crash can break it.
    fn check_leaders_durable(&self, world: &World<M::Node>) -> Result<(), Violation> {
        for &i in &self.leaders {
            let live = world.actor(NodeId(i)).and_then(M::server_of);
            let Some(leader) = live.filter(|s| s.role == Role::Leader) else {
                unreachable!("n{i} is examined whenever it changes");
            };
            let durable = self.view.durable_at_least(leader.commit_index);
            if durable < leader.config.majority() {
                return violation(
                    &COMMITTED_DURABLE,
                    format!(
                        "leader n{i} committed index {} but only {durable} servers have it on disk",
                        leader.commit_index
                    ),
                );
            }
        }
        Ok(())
    }

    /// A crashed server will come back with the log on its disk: read it once.
    /// One that crashed inside a handler may have made more durable than the checker
    /// saw after any whole event: its disk says how much.
    fn note_crashed(&mut self, i: usize, world: &World<M::Node>) {
        if self.crashed_log[i].is_none() {
            let log = replay(world.disk(NodeId(i as u32)).records_unchecked()).log;
            self.view
                .set_summary(i, (log.last_term(), log.last_index()));
            self.crashed_log[i] = Some(log);
        }
    }

    /// No server (live, or crashed with what its disk holds) that lacks the newest
    /// committed entry could win an election now.
    /// The view answers whether such a server exists; only then are they searched in
    /// order, to name the first.
    fn check_electable_completeness(&self, world: &World<M::Node>) -> Result<(), Violation> {
        if !self.view.lacking_could_win() {
            return Ok(());
        }
        let Some((index, term)) = self.view.newest_committed() else {
            unreachable!("a server lacks the newest committed entry")
        };
        let summaries = self.view.summaries();
        let majority = summaries.len() / 2 + 1;
        for i in 0..summaries.len() {
            let Some(log) = self.log_of(world, i) else {
                continue;
            };
            let holds = index <= log.snapshot_index || log.term_at(index) == Some(term);
            if holds {
                continue;
            }
            let own = summaries[i];
            let voters = summaries.iter().filter(|&&v| v <= own).count();
            if voters >= majority {
                return violation(
                    &ELECTABLE_COMPLETENESS,
                    format!(
                        "n{i} (last log term {}, index {}) lacks committed entry {index} (term \
                            {term}) yet {voters} servers would vote for it",
                        own.0, own.1
                    ),
                );
            }
        }
        Ok(())
    }

    fn check_term_and_vote(&mut self, i: usize, s: &Server<M>) -> Result<(), Violation> {
        if s.term < self.max_term[i] {
            return violation(
                &TERM_MONOTONIC,
                format!(
                    "n{i} went back from term {} to {}",
                    self.max_term[i], s.term
                ),
            );
        }
        if s.term > self.max_term[i] {
            self.max_term[i] = s.term;
            self.vote_in_max_term[i] = s.voted_for;
        } else if let Some(vote) = self.vote_in_max_term[i] {
            if s.voted_for != Some(vote) {
                return violation(
                    &VOTE_DURABLE,
                    format!(
                        "n{i} voted for n{vote} in term {} but now remembers {:?}",
                        s.term, s.voted_for
                    ),
                );
            }
        } else {
            self.vote_in_max_term[i] = s.voted_for;
        }
        Ok(())
    }

    fn check_commit(&mut self, i: usize, s: &Server<M>) -> Result<(), Violation> {
        if let Some(previous) = self.last_commit[i] {
            if s.commit_index < previous {
                return violation(
                    &COMMIT_MONOTONIC,
                    format!(
                        "n{i} commit index fell from {previous} to {}",
                        s.commit_index
                    ),
                );
            }
        }
        self.last_commit[i] = Some(s.commit_index);
        self.view.set_durable(i, s.durable_index);
        let from = self.checked_commit[i].max(s.log.snapshot_index) + 1;
        for index in from..=s.commit_index.min(s.log.last_index()) {
            let entry = s.log.entry(index).expect("within the log");
            let hash = payload_hash(&entry.payload);
            match self.committed.get(index) {
                Some(committed) if (committed.term, committed.hash) != (entry.term, hash) => {
                    return violation(
                        &STATE_MACHINE_SAFETY,
                        format!(
                            "n{i} committed a different entry at index {index} (term {}) than was \
                                committed before (term {})",
                            entry.term, committed.term
                        ),
                    );
                }
                Some(_) => {}
                None => {
                    let in_term = s.term;
                    let seen = Committed {
                        term: entry.term,
                        hash,
                        in_term,
                    };
                    self.committed.insert(index, seen);
                }
            }
        }
        self.checked_commit[i] = self.checked_commit[i].max(s.commit_index);
        Ok(())
    }

    fn check_log_tail(&mut self, i: usize, s: &Server<M>) -> Result<(), Violation> {
        let last = s.log.last_index();
        let Some(entry) = s.log.entry(last) else {
            return Ok(());
        };
        let hash = payload_hash(&entry.payload);
        let tail = (last, entry.term, hash);
        if self.tail_entered[i] == Some(tail) {
            return Ok(());
        }
        self.tail_entered[i] = Some(tail);
        match self.tails.insert(last, entry.term, hash) {
            Some(other) if other != hash => violation(
                &LOG_MATCHING,
                format!(
                    "n{i} holds a different entry at index {last} term {} than another log did",
                    entry.term
                ),
            ),
            _ => Ok(()),
        }
    }

    fn check_leader(&mut self, i: usize, s: &Server<M>) -> Result<(), Violation> {
        let at = (s.term, s.log.last_index(), s.log.last_term());
        if self.leader_checked_at[i] == Some(at) {
            return Ok(());
        }
        self.leader_checked_at[i] = Some(at);
        if let Some(&other) = self.leader_of_term.get(&s.term) {
            if other != i as u32 {
                return violation(
                    &ELECTION_SAFETY,
                    format!("n{other} and n{i} were both leader in term {}", s.term),
                );
            }
        }
        self.leader_of_term.insert(s.term, i as u32);
        let key = (i as u32, s.term);
        if let Some(&(last, term)) = self.leader_tail.get(&key) {
            let kept = s.log.last_index() >= last
                && (last <= s.log.snapshot_index || s.log.term_at(last) == Some(term));
            if !kept {
                return violation(
                    &LEADER_APPEND_ONLY,
                    format!("leader n{i} of term {} lost entry {last}", s.term),
                );
            }
        }
        self.leader_tail
            .insert(key, (s.log.last_index(), s.log.last_term()));
        if self.leaders_checked.insert(key) {
            self.check_completeness(i, s)?;
        }
        Ok(())
    }

    /// Entries committed in earlier terms must be in the log of a new leader (an entry
    /// committed in a later term need not be in a stale leader's log).
    fn check_completeness(&self, i: usize, s: &Server<M>) -> Result<(), Violation> {
        for (index, committed) in self.committed.from(s.log.snapshot_index + 1) {
            let Committed {
                term,
                hash,
                in_term,
            } = *committed;
            if in_term >= s.term {
                continue;
            }
            let held = s
                .log
                .entry(index)
                .map(|e| (e.term, payload_hash(&e.payload)));
            if held != Some((term, hash)) {
                return violation(
                    &LEADER_COMPLETENESS,
                    format!(
                        "n{i} became leader of term {} without committed entry {index} (term \
                        {term})",
                        s.term
                    ),
                );
            }
        }
        Ok(())
    }
}
