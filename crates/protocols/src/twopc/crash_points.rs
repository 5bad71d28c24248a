//! The places inside 2PC handlers where a crash is most telling, marked with
//! `ctx.crash_point(..)`: the coordinator part way through telling the participants
//! (some prepared, some not; some told the decision, some not), and a participant
//! with its prepare record durable but its vote unsent. Call sites use these
//! constants, so a misspelt name does not compile.

/// The coordinator has sent PREPARE to some participants, not yet all.
pub const BETWEEN_PREPARE_SENDS: &str = "between_prepare_sends";
/// The decision is recorded; some participants have been told it, not yet all.
pub const BETWEEN_DECISION_SENDS: &str = "between_decision_sends";
/// A participant's prepare record is durable; its yes vote not yet sent.
pub const AFTER_PREPARE_LOGGED_BEFORE_VOTE: &str = "after_prepare_logged_before_vote";

pub const CRASH_POINTS: &[&str] = &[
    BETWEEN_PREPARE_SENDS,
    BETWEEN_DECISION_SENDS,
    AFTER_PREPARE_LOGGED_BEFORE_VOTE,
];
