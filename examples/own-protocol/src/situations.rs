//! The situations an ABD run should reach: paths worth covering, which replicas and
//! clients mark with `ctx.sometimes(..)`. `faultline fuzz` reports how many seeds
//! reached each and names those none did, a hole in the scenario. Call sites use
//! these consts, so a misspelt situation does not compile; `Abd::situations()`
//! declares the list, so a mark left out of it fails a debug build.

pub const REPLICA_RECOVERED: &str = "a restarted replica recovered its registers from disk";
pub const STORE_NOT_NEWER: &str = "a replica ignored a store no newer than what it had";
pub const QUORUM_DISAGREED: &str = "a query quorum disagreed on the newest value";
pub const RESENT_PHASE: &str = "a client resent a phase to replicas that had not answered";
pub const LATE_REPLY: &str = "a reply arrived for an operation already finished";
pub const GAVE_UP: &str = "a client gave up on an operation without a quorum";

pub const SITUATIONS: &[&str] = &[
    REPLICA_RECOVERED,
    STORE_NOT_NEWER,
    QUORUM_DISAGREED,
    RESENT_PHASE,
    LATE_REPLY,
    GAVE_UP,
];
