//! The safety properties checked on a raft-rs run, each readable through raft-rs's
//! public state (`RawNode::raft`: role, term, vote, commit index, log) or the
//! simulated disks, declared once: `invariants` raises violations only through these
//! and the named bugs cite them.

use crate::api::{Property, AT_MOST_ONCE};

pub const ELECTION_SAFETY: Property =
    Property::new("election_safety", "at most one leader per term");
pub const TERM_MONOTONIC: Property = Property::new(
    "term_monotonic",
    "a server's term never goes back, not even across a restart",
);
pub const VOTE_DURABLE: Property = Property::new(
    "vote_durable",
    "a server's vote in a term never changes, not even across a restart",
);
pub const COMMIT_MONOTONIC: Property = Property::new(
    "commit_monotonic",
    "a live server's commit index never decreases",
);
pub const LOG_MATCHING: Property = Property::new(
    "log_matching",
    "two persisted entries with the same index and term hold the same data",
);
pub const STATE_MACHINE_SAFETY: Property = Property::new(
    "state_machine_safety",
    "no two servers commit different entries at one index, and none changes later",
);
pub const COMMITTED_DURABLE: Property = Property::new(
    "committed_durable",
    "the entry at a leader's commit index is on the synced disks of a majority",
);
pub const APPLIED_COMMITTED: Property = Property::new(
    "applied_committed",
    "a server's state machine applies only entries its log has committed",
);

pub const PROPERTIES: &[Property] = &[
    ELECTION_SAFETY,
    TERM_MONOTONIC,
    VOTE_DURABLE,
    COMMIT_MONOTONIC,
    LOG_MATCHING,
    STATE_MACHINE_SAFETY,
    COMMITTED_DURABLE,
    APPLIED_COMMITTED,
    AT_MOST_ONCE,
];
