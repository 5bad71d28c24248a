//! The situations a zk run should reach: interesting paths its servers and clients
//! mark with `ctx.sometimes(..)`. A fuzz campaign names those no seed reached, a hole
//! in its scenario. Call sites use these constants, so a misspelt name does not
//! compile. The Raft servers underneath mark Raft's own, declared here too.

use crate::raft::situations as raft;

pub const SESSION_EXPIRED: &str = "the leader's expiry of a session was applied";
pub const EXPIRY_VOIDED: &str = "a heartbeat applied after the leader's decision voided an expiry";
pub const WATCH_FIRED: &str = "a watch fired and its notification was sent";
pub const RETRY_ANSWERED: &str = "a retried request was answered from its session";
pub const WAITED_ON_PREDECESSOR: &str = "a client waited on the node just below its own";
pub const RECHECKED_ON_WATCH: &str = "a waiter listed the children again after a watch event";
pub const WAITER_GAVE_UP: &str = "a waiter gave up and deleted its node";
pub const LOST_LOCK_WITH_SESSION: &str = "a holder lost the lock with its session";
pub const HOLD_LAPSED: &str = "a holder's session validity ran out by its own clock";
pub const FOUND_OWN_NODE: &str = "after a lost create reply a client found the node it had created";
pub const WRITE_FENCED_OFF: &str = "the resource refused a write with a stale token";
pub const WROTE_AFTER_LAPSE: &str = "a client sent a write after its session validity ran out";

pub const SITUATIONS: &[&str] = &[
    SESSION_EXPIRED,
    EXPIRY_VOIDED,
    WATCH_FIRED,
    RETRY_ANSWERED,
    WAITED_ON_PREDECESSOR,
    RECHECKED_ON_WATCH,
    WAITER_GAVE_UP,
    LOST_LOCK_WITH_SESSION,
    HOLD_LAPSED,
    FOUND_OWN_NODE,
    WRITE_FENCED_OFF,
    WROTE_AFTER_LAPSE,
    // Raft's, marked by the servers the service runs on (zk never compacts its log,
    // so the snapshot situations are not among them).
    raft::RECOVERED_FROM_DISK,
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
