//! The safety properties (`properties`), checked from the omniscient view after
//! every event, through raft-rs's public state (`Raft::state`, `term`, `vote`,
//! `raft_log.committed`) and the servers' simulated disks.
//!
//! Incremental: a live server is re-read only when something happened to it
//! (`ChangeWatch`); a disk's records are read once each, when they become synced;
//! each newly committed index is compared once per server.

use crate::api::{ChangeWatch, KvNode, NodeId, Violation, World};
use crate::messages::{entry_digest, Record};
use crate::properties::*;
use crate::server::Server;
use raft::StateRole;
use std::collections::BTreeMap;

type Node = KvNode<Server>;

/// What a server's synced disk holds: the snapshot it starts from and the term of
/// each entry after it.
#[derive(Clone, Debug, Default)]
struct Persisted {
    /// Synced records read so far (records up to the synced length never change).
    cursor: usize,
    snapshot_index: u64,
    terms: BTreeMap<u64, u64>,
}

impl Persisted {
    fn holds(&self, index: u64, term: u64) -> bool {
        index <= self.snapshot_index || self.terms.get(&index) == Some(&term)
    }
}

#[derive(Debug)]
pub struct Checker {
    servers: usize,
    leader_of_term: BTreeMap<u64, u32>,
    max_term: Vec<u64>,
    vote_in_max_term: Vec<u64>,
    last_commit: Vec<Option<u64>>,
    /// Per server, the highest index compared with `committed` (None: since restart).
    checked_commit: Vec<Option<u64>>,
    /// Index → digest (index, term, data) of every committed entry seen.
    committed: BTreeMap<u64, u64>,
    /// (index, term) → digest of every persisted entry seen on any disk.
    persisted_entries: BTreeMap<(u64, u64), u64>,
    persisted: Vec<Persisted>,
    examined: ChangeWatch,
}

fn fail(property: &crate::api::Property, detail: String) -> Result<(), Violation> {
    Err(Violation::of(property, detail))
}

impl Checker {
    pub fn new(servers: usize) -> Self {
        Checker {
            servers,
            leader_of_term: BTreeMap::new(),
            max_term: vec![0; servers],
            vote_in_max_term: vec![0; servers],
            last_commit: vec![None; servers],
            checked_commit: vec![None; servers],
            committed: BTreeMap::new(),
            persisted_entries: BTreeMap::new(),
            persisted: vec![Persisted::default(); servers],
            examined: ChangeWatch::new(servers),
        }
    }

    pub fn check(&mut self, world: &World<Node>) -> Result<(), Violation> {
        for i in 0..self.servers {
            self.read_disk(i, world)?;
            if !self.examined.changed(world, NodeId(i as u32)) {
                continue;
            }
            let live = world.actor(NodeId(i as u32)).and_then(Node::as_server);
            match live.filter(|s| s.node.is_some()) {
                Some(server) => self.check_server(i, server)?,
                None => {
                    self.last_commit[i] = None;
                    self.checked_commit[i] = None;
                }
            }
        }
        self.check_committed_durable(world)
    }

    fn check_server(&mut self, i: usize, server: &Server) -> Result<(), Violation> {
        self.check_term_and_vote(i, server)?;
        self.check_commit(i, server)?;
        let raft = server.raft().expect("started");
        if raft.state == StateRole::Leader {
            let leader = *self.leader_of_term.entry(raft.term).or_insert(i as u32);
            if leader != i as u32 {
                let detail = format!("n{leader} and n{i} both lead term {}", raft.term);
                return fail(&ELECTION_SAFETY, detail);
            }
        }
        Ok(())
    }

    fn check_term_and_vote(&mut self, i: usize, server: &Server) -> Result<(), Violation> {
        let raft = server.raft().expect("started");
        if raft.term < self.max_term[i] {
            let detail = format!(
                "n{i} is at term {} after term {}",
                raft.term, self.max_term[i]
            );
            return fail(&TERM_MONOTONIC, detail);
        }
        if raft.term > self.max_term[i] {
            self.max_term[i] = raft.term;
            self.vote_in_max_term[i] = raft.vote;
        }
        let vote = self.vote_in_max_term[i];
        if vote != 0 && raft.vote != vote {
            let detail = format!(
                "n{i} voted for raft id {vote} in term {} and now for {}",
                raft.term, raft.vote
            );
            return fail(&VOTE_DURABLE, detail);
        }
        self.vote_in_max_term[i] = raft.vote;
        Ok(())
    }

    fn check_commit(&mut self, i: usize, server: &Server) -> Result<(), Violation> {
        let raft = server.raft().expect("started");
        let commit = raft.raft_log.committed;
        if let Some(last) = self.last_commit[i].filter(|&last| commit < last) {
            return fail(
                &COMMIT_MONOTONIC,
                format!("n{i} commit {commit} after {last}"),
            );
        }
        self.last_commit[i] = Some(commit);
        if server.applied_index > commit {
            let detail = format!(
                "n{i} applied index {} above commit {commit}",
                server.applied_index
            );
            return fail(&APPLIED_COMMITTED, detail);
        }
        let storage = server.storage().expect("started");
        let from = self.checked_commit[i].unwrap_or(storage.snapshot_index());
        for index in from + 1..=commit {
            let Some(entry) = storage.entry(index) else {
                continue; // compacted into a snapshot since
            };
            let digest = entry_digest(entry);
            let first = *self.committed.entry(index).or_insert(digest);
            if first != digest {
                let detail = format!(
                    "n{i} commits index {index} (term {}) unlike what was committed there before",
                    entry.term
                );
                return fail(&STATE_MACHINE_SAFETY, detail);
            }
        }
        self.checked_commit[i] = Some(commit.max(from));
        Ok(())
    }

    /// Reads the records of server `i`'s disk that became synced since last time.
    fn read_disk(&mut self, i: usize, world: &World<Node>) -> Result<(), Violation> {
        let disk = world.disk(NodeId(i as u32));
        let synced = disk.synced_len();
        let persisted = &mut self.persisted[i];
        for record in &disk.records_unchecked()[persisted.cursor.min(synced)..synced] {
            match record {
                Record::Entries(entries) => {
                    let first = entries.first().map_or(u64::MAX, |e| e.index);
                    persisted.terms.split_off(&first);
                    for entry in entries {
                        persisted.terms.insert(entry.index, entry.term);
                        let digest = entry_digest(entry);
                        let key = (entry.index, entry.term);
                        let seen = *self.persisted_entries.entry(key).or_insert(digest);
                        if seen != digest {
                            let detail = format!(
                                "n{i} persisted index {} term {} with other data than another disk",
                                entry.index, entry.term
                            );
                            return fail(&LOG_MATCHING, detail);
                        }
                    }
                }
                Record::Snapshot(snapshot) => {
                    let index = snapshot.get_metadata().index;
                    persisted.snapshot_index = persisted.snapshot_index.max(index);
                }
                Record::HardState(_) => {}
            }
        }
        persisted.cursor = synced;
        Ok(())
    }

    /// The entry at each live leader's commit index is on a majority of synced disks.
    fn check_committed_durable(&self, world: &World<Node>) -> Result<(), Violation> {
        let majority = self.servers / 2 + 1;
        for i in 0..self.servers {
            let live = world.actor(NodeId(i as u32)).and_then(Node::as_server);
            let Some(raft) = live.and_then(Server::raft) else {
                continue;
            };
            let commit = raft.raft_log.committed;
            if raft.state != StateRole::Leader || commit == 0 {
                continue;
            }
            let Ok(term) = raft.raft_log.term(commit) else {
                continue;
            };
            let holders = self
                .persisted
                .iter()
                .filter(|p| p.holds(commit, term))
                .count();
            if holders < majority {
                let detail = format!(
                    "leader n{i} committed index {commit} (term {term}) but only {holders} \
                     disks hold it"
                );
                return fail(&COMMITTED_DURABLE, detail);
            }
        }
        Ok(())
    }
}
