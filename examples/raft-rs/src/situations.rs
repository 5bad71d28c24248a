//! The situations a raft-rs run should reach, marked with `ctx.sometimes(..)` where
//! the adapter takes the path; `faultline fuzz` reports the ones no seed reached.

pub const RECOVERED: &str = "a restarted server rebuilt its raft-rs log from disk";
pub const SNAPSHOT_TAKEN: &str = "a server compacted its log into a snapshot";
pub const SNAPSHOT_SENT: &str = "a leader sent a snapshot to a follower behind its log";
pub const SNAPSHOT_INSTALLED: &str = "a follower installed a leader's snapshot";
pub const TAIL_OVERWRITTEN: &str = "a new leader overwrote a follower's log tail";
pub const REDIRECTED: &str = "a server sent a client to the leader it knows";

pub const SITUATIONS: &[&str] = &[
    RECOVERED,
    SNAPSHOT_TAKEN,
    SNAPSHOT_SENT,
    SNAPSHOT_INSTALLED,
    TAIL_OVERWRITTEN,
    REDIRECTED,
];
