//! The situations a zk run should reach: interesting paths its servers and clients
//! mark with `ctx.sometimes(..)`. A fuzz campaign names those no seed reached, a hole
//! in its scenario. Call sites use these constants, so a misspelt name does not
//! compile.

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
];
