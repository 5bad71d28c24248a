//! The transactional store's named bugs (docs/bugs.md), each a switch on a real code
//! path, resolved once. Raft's own bugs are not offered here: the servers run with
//! every Raft bug off, so what fails is the store's.

use crate::bugs::{BugInfo, Bugs};
use crate::harness_properties::ISOLATION;

pub const BUGS: &[BugInfo] = &[BugInfo {
    name: "raft_txn.local_read_only",
    mechanism: "the leader answers a read-only transaction from its own applied state, with \
        no quorum round: a leader deposed by a partition, or one not yet caught up with what \
        its predecessor committed, serves a stale read",
    violates: &[ISOLATION.name],
    scenario: "nemesis",
}];

/// The switches, as plain booleans for the hot path (kept by each server as the
/// machine's local state).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TxnBugs {
    pub local_read_only: bool,
}

impl TxnBugs {
    pub fn from(bugs: &Bugs) -> Self {
        TxnBugs {
            local_read_only: bugs.is_on("raft_txn.local_read_only"),
        }
    }
}
