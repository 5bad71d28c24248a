//! The in-memory image of a server's log that raft-rs reads through its `Storage`
//! trait: the last snapshot, the entries after it, the hard state and the voters.
//!
//! It holds exactly what the adapter has written to the simulated disk (the disk is
//! the truth; this is its cache), so after a restart `recovery` rebuilds it from the
//! records that survived. Unlike raft-rs's `MemStorage` it keeps the snapshot's data
//! (the key-value store), which a leader sends to a follower that fell behind the
//! compacted log. Entries are contiguous: entry `i` sits at `snapshot index + 1 + i`.

use raft::eraftpb::{ConfState, Entry, HardState, Snapshot};
use raft::{Error, GetEntriesContext, RaftState, StorageError};

#[derive(Clone, Debug, Default)]
pub struct SimStorage {
    pub hard_state: HardState,
    pub conf_state: ConfState,
    /// The newest snapshot, with the store as of its index (empty at the start).
    pub snapshot: Snapshot,
    pub entries: Vec<Entry>,
}

impl SimStorage {
    /// A fresh server of a cluster of `voters` (raft ids `1..=voters`).
    pub fn new(voters: u64) -> Self {
        let mut storage = SimStorage::default();
        storage.conf_state.set_voters((1..=voters).collect());
        storage
            .snapshot
            .mut_metadata()
            .set_conf_state(storage.conf_state.clone());
        storage
    }

    pub fn snapshot_index(&self) -> u64 {
        self.snapshot.get_metadata().index
    }

    fn first(&self) -> u64 {
        self.snapshot_index() + 1
    }

    fn last(&self) -> u64 {
        self.snapshot_index() + self.entries.len() as u64
    }

    /// The entry at `index`, if the log still holds it.
    pub fn entry(&self, index: u64) -> Option<&Entry> {
        let offset = index.checked_sub(self.first())?;
        self.entries.get(offset as usize)
    }

    /// Appends `entries`, first dropping everything at or after the first one's index
    /// (a new leader overwrote this log's tail).
    pub fn append(&mut self, entries: &[Entry]) {
        let Some(first) = entries.first() else {
            return;
        };
        assert!(first.index >= self.first(), "appending below the snapshot");
        assert!(first.index <= self.last() + 1, "a gap in the log");
        self.entries.truncate((first.index - self.first()) as usize);
        self.entries.extend_from_slice(entries);
    }

    /// Takes `snapshot` as the new base of the log. Entries after it are kept if the
    /// log holds the snapshot's last entry (same index and term), else dropped: the
    /// rule of the Raft paper's InstallSnapshot (§7). Older snapshots are ignored.
    pub fn apply_snapshot(&mut self, snapshot: Snapshot) {
        let meta = snapshot.get_metadata();
        if meta.index < self.snapshot_index() {
            return;
        }
        let keep = self.entry(meta.index).is_some_and(|e| e.term == meta.term);
        let kept = if keep {
            self.entries
                .split_off((meta.index + 1 - self.first()) as usize)
        } else {
            Vec::new()
        };
        self.conf_state = meta.get_conf_state().clone();
        let commit = self.hard_state.commit.max(meta.index);
        self.hard_state.set_commit(commit);
        self.hard_state.term = self.hard_state.term.max(meta.term);
        self.snapshot = snapshot;
        self.entries = kept;
    }
}

impl raft::Storage for SimStorage {
    fn initial_state(&self) -> raft::Result<RaftState> {
        Ok(RaftState::new(
            self.hard_state.clone(),
            self.conf_state.clone(),
        ))
    }

    fn entries(
        &self,
        low: u64,
        high: u64,
        max_size: impl Into<Option<u64>>,
        _context: GetEntriesContext,
    ) -> raft::Result<Vec<Entry>> {
        if low < self.first() {
            return Err(Error::Store(StorageError::Compacted));
        }
        assert!(
            high <= self.last() + 1,
            "entries({low}, {high}) past the log's end"
        );
        let from = (low - self.first()) as usize;
        let to = (high - self.first()) as usize;
        let mut entries = self.entries[from..to].to_vec();
        raft::util::limit_size(&mut entries, max_size.into());
        Ok(entries)
    }

    fn term(&self, index: u64) -> raft::Result<u64> {
        if index == self.snapshot_index() {
            return Ok(self.snapshot.get_metadata().term);
        }
        if index < self.first() {
            return Err(Error::Store(StorageError::Compacted));
        }
        match self.entry(index) {
            Some(entry) => Ok(entry.term),
            None => Err(Error::Store(StorageError::Unavailable)),
        }
    }

    fn first_index(&self) -> raft::Result<u64> {
        Ok(self.first())
    }

    fn last_index(&self) -> raft::Result<u64> {
        Ok(self.last())
    }

    fn snapshot(&self, request_index: u64, _to: u64) -> raft::Result<Snapshot> {
        if self.snapshot_index() < request_index {
            return Err(Error::Store(StorageError::SnapshotTemporarilyUnavailable));
        }
        Ok(self.snapshot.clone())
    }
}
