//! The places inside a Raft server's handlers where a crash is most telling, marked
//! with `ctx.crash_point(..)`. A scenario crashes a node at one with `{"crash":
//! "leader", "at_point": "after_fsync_before_send"}`; `faults.random.crash_point_every`
//! draws among them. Call sites use these constants, so a misspelt name does not
//! compile.

/// Log or hard state just made durable; the reply or vote it allows not yet sent.
pub const AFTER_FSYNC_BEFORE_SEND: &str = "after_fsync_before_send";
/// A leader part way through sending appends or heartbeats: some peers have them.
pub const BETWEEN_APPEND_SENDS: &str = "between_append_sends";
/// A committed command applied to the store; its client not yet answered.
pub const AFTER_APPLY_BEFORE_REPLY: &str = "after_apply_before_reply";
/// The disk just rewritten with a snapshot (a compaction or an installed one).
pub const AFTER_SNAPSHOT_WRITE: &str = "after_snapshot_write";

pub const CRASH_POINTS: &[&str] = &[
    AFTER_FSYNC_BEFORE_SEND,
    BETWEEN_APPEND_SENDS,
    AFTER_APPLY_BEFORE_REPLY,
    AFTER_SNAPSHOT_WRITE,
];
