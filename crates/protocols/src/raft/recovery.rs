//! Recovery and snapshot checks for Raft: what comes back from a disk is what was
//! made durable, and a snapshot is the applied prefix it replaces.
//!
//! `recovered_as_durable`. After every event the checker notes, for each live server
//! whose disk holds no unsynced write (a correct server ends every handler so), the
//! persistent state it would come back with: term, vote, snapshot point and digest,
//! log tail. When the server crashes, its disk replayed must give exactly that state,
//! and when it restarts, the recovered server must hold it. A server that crashes
//! with unsynced writes (a durability bug, or torn writes) is held to less: its log
//! must still hold the entry at its `durable_index`, the prefix it had fsynced.
//! A server that crashed inside a handler, at a crash point, kept what the handler
//! had written up to there, which no whole event showed the checker: it must come
//! back with exactly what its disk replays to.
//!
//! `snapshot_matches_applied`. The state machine is a function of the applied
//! prefix, so every snapshot taken, installed or recovered at index `i`, and every
//! store that has applied exactly `1..=i` where a snapshot of `i` is known, is one
//! state. Store digests are taken only when a snapshot point moves, or when a
//! server's applied index lands on a known snapshot point.

use crate::convergence::digest_of;
use crate::property::Property;
use crate::protocol::Violation;
use crate::raft::log::Log;
use crate::raft::machine::Machine;
use crate::raft::messages::Record;
use crate::raft::persistence::replay;
use crate::raft::properties::{RECOVERED_AS_DURABLE, SNAPSHOT_MATCHES_APPLIED};
use crate::raft::server::Server;
use faultline_sim::disk::Disk;
use std::collections::BTreeMap;

/// What a server would recover from its disk, as far as the checker compares it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DurableMark {
    pub term: u64,
    pub voted_for: Option<u32>,
    /// (index, term, store digest) of the snapshot; (0, 0, empty store) for none.
    pub snapshot: (u64, u64, u64),
    /// (last index, last term, digest of the last entry's payload).
    pub tail: (u64, u64, u64),
}

/// What the checker knew of a server when it crashed.
#[derive(Clone, Debug)]
enum AtCrash {
    /// Every write was synced: the disk must give back exactly this.
    Complete(DurableMark),
    /// Writes were pending: the fsynced prefix ends at (index, term).
    Prefix(u64, u64),
}

#[derive(Debug, Default)]
pub struct RecoveryChecker {
    /// Each live server's recoverable state (or fsynced prefix) as last examined.
    last_seen: Vec<Option<AtCrash>>,
    /// The state a crashed server must come back with, kept until it restarts.
    at_crash: Vec<Option<AtCrash>>,
    /// Each server's (snapshot index, store digest) as last examined.
    snapshot_seen: Vec<(u64, u64)>,
    /// Snapshot index → (store digest, the server it was first seen on).
    snapshots: BTreeMap<u64, (u64, u32)>,
    /// The digest of the machine's empty state (the snapshot of index 0).
    empty_store: u64,
}

fn violation(property: &Property, detail: String) -> Result<(), Violation> {
    Err(Violation::of(property, detail))
}

fn tail_of<M: Machine>(log: &Log<M>) -> (u64, u64, u64) {
    let last = log.last_index();
    let payload = log.entry(last).map_or(0, |e| digest_of(&e.payload));
    (last, log.last_term(), payload)
}

impl RecoveryChecker {
    /// A checker of `servers` servers replicating machine `M`.
    pub fn new<M: Machine>(servers: usize) -> Self {
        let empty_store = digest_of(&M::default());
        RecoveryChecker {
            last_seen: vec![None; servers],
            at_crash: vec![None; servers],
            snapshot_seen: vec![(0, empty_store); servers],
            snapshots: BTreeMap::new(),
            empty_store,
        }
    }

    /// A live server, after an event that touched it.
    pub fn on_live<M: Machine>(
        &mut self,
        i: usize,
        s: &Server<M>,
        disk: &Disk<Record<M>>,
    ) -> Result<(), Violation> {
        if let Some(expected) = self.at_crash[i].take() {
            self.check_restarted(i, s, &expected)?;
        }
        self.check_snapshot(i, s)?;
        self.last_seen[i] = Some(if disk.unsynced_len() == 0 {
            AtCrash::Complete(self.mark(i, s))
        } else {
            let index = s.durable_index.max(s.log.snapshot_index);
            AtCrash::Prefix(index, s.log.term_at(index).unwrap_or(0))
        });
        Ok(())
    }

    /// A crashed server, once per crash: its disk must replay to what it made durable.
    pub fn on_crashed<M: Machine>(
        &mut self,
        i: usize,
        disk: &Disk<Record<M>>,
        mid_handler: bool,
    ) -> Result<(), Violation> {
        let Some(expected) = self.last_seen[i].take() else {
            return Ok(());
        };
        let recovered = replay(disk.records_unchecked());
        let store = recovered.store.as_ref().map_or(self.empty_store, digest_of);
        let found = DurableMark {
            term: recovered.term,
            voted_for: recovered.voted_for,
            snapshot: (
                recovered.log.snapshot_index,
                recovered.log.snapshot_term,
                store,
            ),
            tail: tail_of(&recovered.log),
        };
        if mid_handler {
            self.at_crash[i] = Some(AtCrash::Complete(found));
            return Ok(());
        }
        compare(i, "its disk replays to", &found, &recovered.log, &expected)?;
        self.at_crash[i] = Some(expected);
        Ok(())
    }

    fn mark<M: Machine>(&self, i: usize, s: &Server<M>) -> DurableMark {
        let (index, store) = self.snapshot_seen[i];
        DurableMark {
            term: s.term,
            voted_for: s.voted_for,
            snapshot: (index, s.log.snapshot_term, store),
            tail: tail_of(&s.log),
        }
    }

    /// The first look at a restarted server: it holds what its disk promised.
    fn check_restarted<M: Machine>(
        &mut self,
        i: usize,
        s: &Server<M>,
        expected: &AtCrash,
    ) -> Result<(), Violation> {
        let snapshot = (
            s.log.snapshot_index,
            s.log.snapshot_term,
            digest_of(&s.store),
        );
        let found = DurableMark {
            term: s.term,
            voted_for: s.voted_for,
            snapshot,
            tail: tail_of(&s.log),
        };
        compare(i, "it restarted with", &found, &s.log, expected)?;
        if s.last_applied != s.log.snapshot_index {
            let detail = format!(
                "n{i} restarted having applied {} entries but its snapshot covers {}",
                s.last_applied, s.log.snapshot_index
            );
            return violation(&RECOVERED_AS_DURABLE, detail);
        }
        Ok(())
    }

    /// Snapshot points and applied stores at known snapshot points agree.
    fn check_snapshot<M: Machine>(&mut self, i: usize, s: &Server<M>) -> Result<(), Violation> {
        let index = s.log.snapshot_index;
        if index != self.snapshot_seen[i].0 {
            let digest = match (&s.snapshot_copy, index) {
                (_, 0) => self.empty_store,
                (Some(copy), _) => digest_of(copy),
                (None, _) => digest_of(&s.store),
            };
            self.snapshot_seen[i] = (index, digest);
            self.agree_at(i, index, digest, "its snapshot of")?;
        }
        if s.last_applied > index && self.snapshots.contains_key(&s.last_applied) {
            self.agree_at(i, s.last_applied, digest_of(&s.store), "its store after")?;
        }
        Ok(())
    }

    fn agree_at(&mut self, i: usize, index: u64, digest: u64, what: &str) -> Result<(), Violation> {
        match self.snapshots.get(&index) {
            Some(&(known, first)) if known != digest => violation(
                &SNAPSHOT_MATCHES_APPLIED,
                format!(
                    "n{i}: {what} entries 1..={index} differs from n{first}'s snapshot of them"
                ),
            ),
            Some(_) => Ok(()),
            None => {
                self.snapshots.insert(index, (digest, i as u32));
                Ok(())
            }
        }
    }
}

/// Compares what came back (`found`, with its `log`) with what was durable.
fn compare<M: Machine>(
    i: usize,
    how: &str,
    found: &DurableMark,
    log: &Log<M>,
    expected: &AtCrash,
) -> Result<(), Violation> {
    match expected {
        AtCrash::Complete(mark) if found != mark => violation(
            &RECOVERED_AS_DURABLE,
            format!("n{i} made {mark:?} durable but {how} {found:?}"),
        ),
        AtCrash::Prefix(index, term) => {
            let holds = *index <= log.snapshot_index || log.term_at(*index) == Some(*term);
            if holds {
                return Ok(());
            }
            violation(
                &RECOVERED_AS_DURABLE,
                format!(
                    "n{i} had fsynced its log through {index} (term {term}) but {how} {found:?}"
                ),
            )
        }
        AtCrash::Complete(_) => Ok(()),
    }
}
