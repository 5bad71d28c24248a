//! Recovery check for Multi-Paxos (`recovered_as_durable`): a restarted acceptor
//! comes back with exactly the promise, the votes and the snapshot it had fsynced.
//!
//! After every event the checker notes, for each live server whose disk holds no
//! unsynced write (a correct server fsyncs before every reply), what a restart must
//! give back: its promised ballot, a digest of its accepted votes, the slot its
//! durable snapshot runs through and that snapshot's store. The first look at the
//! server after its restart compares. The votes' digest is recomputed only when a
//! vote was cast or garbage collected since the last look, the store's only when
//! the snapshot point moved. A server that crashed with unsynced writes (the
//! `promise_not_persisted` bug) is not compared: what it loses is judged by
//! `promise_durable` and `accepted_monotonic`.

use crate::convergence::digest_of;
use crate::kv::KvStore;
use crate::paxos::messages::{Ballot, Record};
use crate::paxos::properties::RECOVERED_AS_DURABLE;
use crate::paxos::server::Server;
use crate::protocol::Violation;
use faultline_sim::disk::Disk;

/// What a restarted server must hold, as far as the checker compares it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DurableMark {
    pub promised: Ballot,
    /// (number of votes, digest of them all).
    pub votes: (usize, u64),
    pub durable_executed: u64,
    /// The digest of the snapshot's store, when the checker saw it taken.
    pub snapshot_store: Option<u64>,
}

#[derive(Debug, Default)]
pub struct RecoveryChecker {
    /// Each live server's mark as last examined (None: writes were pending).
    last_seen: Vec<Option<DurableMark>>,
    /// The mark a crashed server must come back with.
    at_crash: Vec<Option<DurableMark>>,
    /// Per server: (votes cast, gc point) when its votes' digest was last taken.
    votes_key: Vec<(usize, u64)>,
    votes_digest: Vec<(usize, u64)>,
    /// Per server: (snapshot slot, its store's digest if seen taken).
    snapshot: Vec<(u64, Option<u64>)>,
}

impl RecoveryChecker {
    pub fn new(servers: usize) -> Self {
        let empty = Some(digest_of(&KvStore::default()));
        RecoveryChecker {
            last_seen: vec![None; servers],
            at_crash: vec![None; servers],
            votes_key: vec![(usize::MAX, 0); servers],
            votes_digest: vec![(0, 0); servers],
            snapshot: vec![(0, empty); servers],
        }
    }

    /// A crashed server: keep what it must recover (once per crash), unless it
    /// `halted` inside a handler: that handler may have synced more than was seen.
    pub fn on_crashed(&mut self, i: usize, halted: bool) {
        if let Some(mark) = self.last_seen[i].take() {
            self.at_crash[i] = (!halted).then_some(mark);
        }
    }

    /// A live server, after an event that touched it; `restarted` on its first look
    /// after a crash.
    pub fn on_live(
        &mut self,
        i: usize,
        s: &Server,
        disk: &Disk<Record>,
        restarted: bool,
    ) -> Result<(), Violation> {
        if restarted {
            // A restart is a fresh actor: its cast-vote counter starts again.
            self.votes_key[i] = (usize::MAX, 0);
        }
        let found = self.mark(i, s, restarted);
        if let Some(expected) = self.at_crash[i].take().filter(|_| restarted) {
            let same = found.promised == expected.promised
                && found.votes == expected.votes
                && found.durable_executed == expected.durable_executed
                && (expected.snapshot_store.is_none()
                    || found.snapshot_store == expected.snapshot_store);
            if !same {
                return Err(Violation::of(
                    &RECOVERED_AS_DURABLE,
                    format!("n{i} made {expected:?} durable but restarted with {found:?}"),
                ));
            }
        }
        self.last_seen[i] = (disk.unsynced_len() == 0).then_some(found);
        Ok(())
    }

    fn mark(&mut self, i: usize, s: &Server, restarted: bool) -> DurableMark {
        let key = (s.accept_log.len(), s.gc_below);
        if self.votes_key[i] != key {
            self.votes_key[i] = key;
            self.votes_digest[i] = (s.accepted.len(), digest_of(&s.accepted));
        }
        let executed = s.durable_executed;
        if restarted || executed != self.snapshot[i].0 {
            let taken_now = restarted || s.next_exec == executed + 1;
            self.snapshot[i] = (executed, taken_now.then(|| digest_of(&s.store)));
        }
        DurableMark {
            promised: s.promised,
            votes: self.votes_digest[i],
            durable_executed: executed,
            snapshot_store: self.snapshot[i].1,
        }
    }
}
