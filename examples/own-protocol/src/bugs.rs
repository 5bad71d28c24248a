//! ABD's named bugs, each a switch on the real code path, off by default.
//!
//! - `abd.no_write_back`: a read returns what its query phase found without writing
//!   it back to a majority. A value the reader saw on a minority may be missed by a
//!   later read's majority: a later read returns an older value (new/old inversion).
//! - `abd.small_quorum`: quorums of `N/2` replicas (rounded down) instead of `N/2 + 1`,
//!   so a read's quorum need not meet the last write's.
//! - `abd.no_fsync`: a replica acks a store once it is written, before it is fsynced
//!   (the fsync comes later, in the background); a crash in between loses an acked
//!   store.
//! - `abd.first_answer`: a read takes the first answer of its query phase instead of
//!   the newest of the quorum (and writes that back). Every quorum and durability
//!   property still holds, since what it returns is old, not lost: only the client
//!   history shows the stale read.

use crate::api::{BugInfo, Bugs, LINEARIZABILITY};
use crate::properties::{READ_QUORUM, REPLICA_TIMESTAMP_MONOTONIC, WRITE_QUORUM};

pub const BUGS: &[BugInfo] = &[
    BugInfo {
        name: "abd.no_write_back",
        mechanism: "a read returns the newest value of its query phase without writing it back to \
            a majority",
        violates: &[READ_QUORUM.name, LINEARIZABILITY.name],
        scenario: "nemesis",
    },
    BugInfo {
        name: "abd.small_quorum",
        mechanism: "reads and writes wait for N/2 replicas (rounded down) instead of a majority, \
            so two quorums need not intersect",
        violates: &[WRITE_QUORUM.name, READ_QUORUM.name, LINEARIZABILITY.name],
        scenario: "nemesis",
    },
    BugInfo {
        name: "abd.no_fsync",
        mechanism: "a replica acks a store before fsyncing it (it fsyncs in the background every \
            100ms), so a crash can lose an acked store",
        violates: &[
            WRITE_QUORUM.name,
            READ_QUORUM.name,
            REPLICA_TIMESTAMP_MONOTONIC.name,
            LINEARIZABILITY.name,
        ],
        scenario: "nemesis",
    },
    BugInfo {
        name: "abd.first_answer",
        mechanism: "a read returns (and writes back) the first answer of its query phase instead \
            of the newest of the quorum",
        violates: &[LINEARIZABILITY.name],
        scenario: "nemesis",
    },
];

/// The switches, resolved once at build time into plain booleans for the hot path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AbdBugs {
    pub no_write_back: bool,
    pub small_quorum: bool,
    pub no_fsync: bool,
    pub first_answer: bool,
}

impl AbdBugs {
    pub fn from(bugs: &Bugs) -> Self {
        AbdBugs {
            no_write_back: bugs.is_on("abd.no_write_back"),
            small_quorum: bugs.is_on("abd.small_quorum"),
            no_fsync: bugs.is_on("abd.no_fsync"),
            first_answer: bugs.is_on("abd.first_answer"),
        }
    }
}
