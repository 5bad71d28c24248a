//! The lock protocols' named bugs (docs/bugs.md), each a switch on a real code path.

use crate::bugs::{BugInfo, Bugs};
use crate::lock::properties::{FENCED_WRITES, LEASES_DISJOINT, TOKENS_INCREASE};

pub const BUGS: &[BugInfo] = &[
    BugInfo {
        name: "lock.no_fencing",
        mechanism: "the resource accepts every write, whatever its fencing token",
        violates: &[FENCED_WRITES.name],
        scenario: "nemesis",
    },
    BugInfo {
        name: "lock.unsafe_release",
        mechanism: "release deletes the lock without checking that the releaser owns it",
        violates: &[LEASES_DISJOINT.name],
        scenario: "nemesis",
    },
    BugInfo {
        name: "lock.redlock_no_drift",
        mechanism: "the Redlock client takes the whole ttl as its validity, from when it won, \
            ignoring the time acquiring took and clock drift",
        violates: &[LEASES_DISJOINT.name],
        scenario: "redlock",
    },
    BugInfo {
        name: "lock.failover_unreplicated",
        mechanism:
            "the primary answers a grant before its backup has it (replication rides on the \
            next heartbeat)",
        violates: &[LEASES_DISJOINT.name, TOKENS_INCREASE.name],
        scenario: "nemesis",
    },
];

/// The switches, as plain booleans for the hot path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LockBugs {
    pub no_fencing: bool,
    pub unsafe_release: bool,
    pub redlock_no_drift: bool,
    pub failover_unreplicated: bool,
}

impl LockBugs {
    pub fn from(bugs: &Bugs) -> Self {
        LockBugs {
            no_fencing: bugs.is_on("lock.no_fencing"),
            unsafe_release: bugs.is_on("lock.unsafe_release"),
            redlock_no_drift: bugs.is_on("lock.redlock_no_drift"),
            failover_unreplicated: bugs.is_on("lock.failover_unreplicated"),
        }
    }

    /// Whether any bug is on: the code's own safety assertions hold only without bugs.
    pub fn any(&self) -> bool {
        self.no_fencing
            || self.unsafe_release
            || self.redlock_no_drift
            || self.failover_unreplicated
    }
}
