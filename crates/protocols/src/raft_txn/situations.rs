//! The situations a raft_txn run should reach: interesting paths its servers mark
//! with `ctx.sometimes(..)`. A fuzz campaign names those no seed reached, a hole in its
//! scenario. The Raft servers underneath mark Raft's own, declared here too.

use crate::raft::situations as raft;

pub const RETRY_ANSWERED_FROM_SESSION: &str =
    "a retried transaction was answered from its client's session";

pub const SITUATIONS: &[&str] = &[
    RETRY_ANSWERED_FROM_SESSION,
    raft::RECOVERED_FROM_DISK,
    raft::RECOVERED_SNAPSHOT,
    raft::COMPACTED_LOG,
    raft::SENT_SNAPSHOT,
    raft::INSTALLED_SNAPSHOT,
    raft::REJECTED_STALE_LEADER,
    raft::REJECTED_MISMATCHED_APPEND,
    raft::TRUNCATED_CONFLICTING_SUFFIX,
    raft::OVERWROTE_LATER_TERM,
    raft::BACKED_UP_A_TERM,
    raft::PRE_VOTE_REFUSED,
    raft::PRE_VOTE_WON,
    raft::ELECTED_WITH_UNCOMMITTED,
    raft::LEADER_STEPPED_DOWN,
    raft::CHECK_QUORUM_STEP_DOWN,
];
