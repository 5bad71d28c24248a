//! Rebuilding a server's raft-rs storage from what survived on its disk.
//!
//! The disk is append-only: Ready entries, Ready hard states and snapshots, in the
//! order the adapter wrote them. Replaying them in order through the same operations
//! that built the storage the first time gives back the storage as it was at the
//! last fsync. A snapshot record supersedes what precedes it for the entries it
//! covers; the log is never rewritten, so the disk grows for the length of a run.

use crate::messages::Record;
use crate::storage::SimStorage;
use crate::store::Store;

/// What a restarted server starts from: its storage and its state machine as of the
/// storage's snapshot.
pub struct Recovered {
    pub storage: SimStorage,
    pub store: Store,
}

pub fn recover(records: &[Record], voters: u64) -> Recovered {
    let mut storage = SimStorage::new(voters);
    for record in records {
        match record {
            Record::Entries(entries) => storage.append(entries),
            Record::HardState(hard_state) => storage.hard_state = hard_state.clone(),
            Record::Snapshot(snapshot) => storage.apply_snapshot(snapshot.clone()),
        }
    }
    // raft-rs requires applied <= committed: the state machine restarts at the
    // snapshot, which holds only committed entries.
    let commit = storage.hard_state.commit.max(storage.snapshot_index());
    storage.hard_state.set_commit(commit);
    let store = if storage.snapshot_index() == 0 {
        Store::default()
    } else {
        Store::from_bytes(storage.snapshot.get_data())
            .expect("a snapshot's data is a store the adapter wrote")
    };
    Recovered { storage, store }
}
