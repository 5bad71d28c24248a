//! The adapter's named bugs: integration mistakes a system built on raft-rs can make
//! around the `Ready` contract, each a switch on the adapter's real code path, off by
//! default. raft-rs itself is never changed.
//!
//! - `raftrs.send_before_persist`: the adapter sends a Ready's persisted messages
//!   (vote grants, append acks) at once and leaves the Ready's entries and hard state
//!   to a background writer that fsyncs them a little later: an ack leaves before
//!   what it acknowledges is durable, so a crash loses a committed entry or a vote.
//! - `raftrs.apply_uncommitted`: the state machine is fed the Ready's `entries` (just
//!   appended, not yet committed) instead of its `committed_entries`: clients hear
//!   results of entries a new leader may still overwrite.
//! - `raftrs.no_fsync_hardstate`: entries are fsynced, the hard state (term, vote,
//!   commit) is only written: a vote sent after it can be forgotten in a crash, and
//!   the server may vote again in the same term.

use crate::api::{BugInfo, Bugs, LINEARIZABILITY};
use crate::properties::{
    APPLIED_COMMITTED, COMMITTED_DURABLE, ELECTION_SAFETY, TERM_MONOTONIC, VOTE_DURABLE,
};

pub const BUGS: &[BugInfo] = &[
    BugInfo {
        name: "raftrs.send_before_persist",
        mechanism: "a Ready's persisted messages are sent at once while its entries and hard \
            state go to a background writer that fsyncs them every flush_ms",
        violates: &[
            COMMITTED_DURABLE.name,
            TERM_MONOTONIC.name,
            LINEARIZABILITY.name,
        ],
        scenario: "nemesis",
    },
    BugInfo {
        name: "raftrs.apply_uncommitted",
        mechanism: "the state machine applies a Ready's entries (appended, uncommitted) instead \
            of its committed_entries",
        violates: &[APPLIED_COMMITTED.name, LINEARIZABILITY.name],
        scenario: "nemesis",
    },
    BugInfo {
        name: "raftrs.no_fsync_hardstate",
        mechanism: "a Ready's hard state (term, vote, commit) is written after the entries' fsync \
            and not fsynced itself",
        violates: &[TERM_MONOTONIC.name, VOTE_DURABLE.name, ELECTION_SAFETY.name],
        scenario: "nemesis",
    },
];

/// The switches, resolved once at build time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AdapterBugs {
    pub send_before_persist: bool,
    pub apply_uncommitted: bool,
    pub no_fsync_hardstate: bool,
}

impl AdapterBugs {
    pub fn from(bugs: &Bugs) -> Self {
        AdapterBugs {
            send_before_persist: bugs.is_on("raftrs.send_before_persist"),
            apply_uncommitted: bugs.is_on("raftrs.apply_uncommitted"),
            no_fsync_hardstate: bugs.is_on("raftrs.no_fsync_hardstate"),
        }
    }
}
