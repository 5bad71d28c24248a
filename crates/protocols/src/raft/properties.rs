//! Raft's safety properties (Raft §5.2–5.4 and Figure 3, plus durability), declared
//! once: `invariants` and `check_end` raise violations only through these, named bugs
//! cite them, and `faultline list protocols` shows them.

use crate::kv::properties::AT_MOST_ONCE;
use crate::property::Property;

pub const ELECTION_SAFETY: Property =
    Property::new("election_safety", "at most one leader per term");
pub const LEADER_APPEND_ONLY: Property = Property::new(
    "leader_append_only",
    "a leader never overwrites or deletes entries in its log during its term",
);
pub const LOG_MATCHING: Property = Property::new(
    "log_matching",
    "two logs with an entry of the same index and term hold the same command there",
);
pub const LEADER_COMPLETENESS: Property = Property::new(
    "leader_completeness",
    "a new leader's log holds every entry committed in an earlier term",
);
pub const ELECTABLE_COMPLETENESS: Property = Property::new(
    "electable_completeness",
    "no server lacking a committed entry could win an election",
);
pub const STATE_MACHINE_SAFETY: Property = Property::new(
    "state_machine_safety",
    "no two servers commit different entries at one index",
);
pub const TERM_MONOTONIC: Property = Property::new(
    "term_monotonic",
    "a server's term never goes back, not even across a restart",
);
pub const VOTE_DURABLE: Property = Property::new(
    "vote_durable",
    "a server remembers its vote for the rest of the term, across restarts",
);
pub const COMMIT_MONOTONIC: Property = Property::new(
    "commit_monotonic",
    "a live server's commit index never decreases",
);
pub const COMMITTED_DURABLE: Property = Property::new(
    "committed_durable",
    "what a leader committed is on the disks of a majority",
);

pub const RECOVERED_AS_DURABLE: Property = Property::new(
    "recovered_as_durable",
    "a restarted server recovers exactly the term, vote, snapshot and log it had fsynced",
);
pub const SNAPSHOT_MATCHES_APPLIED: Property = Property::new(
    "snapshot_matches_applied",
    "a snapshot of index i is the state every replica reaches by applying entries 1..=i",
);

pub const PROPERTIES: &[Property] = &[
    ELECTION_SAFETY,
    LEADER_APPEND_ONLY,
    LOG_MATCHING,
    LEADER_COMPLETENESS,
    ELECTABLE_COMPLETENESS,
    STATE_MACHINE_SAFETY,
    TERM_MONOTONIC,
    VOTE_DURABLE,
    COMMIT_MONOTONIC,
    COMMITTED_DURABLE,
    RECOVERED_AS_DURABLE,
    SNAPSHOT_MATCHES_APPLIED,
    AT_MOST_ONCE,
];
