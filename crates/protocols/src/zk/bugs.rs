//! The coordination service's named bugs (docs/bugs.md), each a switch on a real code
//! path, resolved once.

use crate::bugs::{BugInfo, Bugs};
use crate::harness_properties::STUCK;
use crate::zk::properties::{FENCED_WRITES, LOCK_EXCLUSIVE, ONE_NODE_PER_SESSION, REPLICAS_AGREE};

pub const BUGS: &[BugInfo] = &[
    BugInfo {
        name: "zk.assume_acquired_on_watch",
        mechanism: "on its predecessor's deletion a waiter takes the lock without listing the \
            children again (the predecessor may have been a waiter that gave up)",
        violates: &[LOCK_EXCLUSIVE.name],
        scenario: "nemesis",
    },
    BugInfo {
        name: "zk.retry_create_orphan",
        mechanism: "after a lost reply to create, the client creates again without looking for \
            the node it may already have; the orphan blocks the queue for its session's life",
        violates: &[ONE_NODE_PER_SESSION.name, STUCK.name],
        scenario: "nemesis",
    },
    BugInfo {
        name: "zk.expiry_without_fencing",
        mechanism: "the holder keeps writing after its session lapsed, and the resource does \
            not compare the lock node's creation zxid",
        violates: &[FENCED_WRITES.name],
        scenario: "nemesis",
    },
    BugInfo {
        name: "zk.local_session_expiry",
        mechanism: "a leader expires a session by its own clock without going through the log \
            (and without the grace a new leader gives)",
        violates: &[LOCK_EXCLUSIVE.name, REPLICAS_AGREE.name],
        scenario: "nemesis",
    },
];

/// The switches, as plain booleans for the hot path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ZkBugs {
    pub assume_acquired_on_watch: bool,
    pub retry_create_orphan: bool,
    pub expiry_without_fencing: bool,
    pub local_session_expiry: bool,
}

impl ZkBugs {
    pub fn from(bugs: &Bugs) -> Self {
        ZkBugs {
            assume_acquired_on_watch: bugs.is_on("zk.assume_acquired_on_watch"),
            retry_create_orphan: bugs.is_on("zk.retry_create_orphan"),
            expiry_without_fencing: bugs.is_on("zk.expiry_without_fencing"),
            local_session_expiry: bugs.is_on("zk.local_session_expiry"),
        }
    }
}
