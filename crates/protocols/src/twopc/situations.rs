//! The situations a two-phase commit run should reach: interesting paths its nodes
//! mark with `ctx.sometimes(..)`. A fuzz campaign names those no seed reached, a hole
//! in its scenario. Call sites use these constants, so a misspelt name does not
//! compile.

pub const COORDINATOR_RECOVERED_DECISION: &str =
    "a restarted coordinator recovered a decision from disk";
pub const COORDINATOR_PRESUMED_ABORT: &str =
    "a restarted coordinator aborted an attempt begun but undecided";
pub const VOTE_TIMEOUT_ABORT: &str = "the coordinator aborted an attempt on the vote timeout";
pub const VOTED_NO: &str = "a participant voted no";
pub const VOTE_AFTER_DECISION: &str = "a vote arrived after its attempt was decided";
pub const RETRIED_BEGIN_ANSWERED: &str =
    "the coordinator answered a retried begin from its decision";
pub const RESENT_DECISION: &str = "the coordinator resent a decision not yet acknowledged";
pub const PARTICIPANT_ASKED: &str = "a prepared participant asked the coordinator for the decision";
pub const QUERY_ANSWERED: &str = "a participant's question was answered with the decision";
pub const PARTICIPANT_RECOVERED_PREPARED: &str =
    "a restarted participant re-locked an attempt it had prepared";
pub const DUPLICATE_PREPARE: &str = "a participant voted again on a duplicate prepare";
pub const SUPERSEDED_PREPARED: &str =
    "a participant aborted a prepared attempt superseded by a newer one";
pub const CLIENT_RETRIED: &str = "a client retried an aborted transfer as a new attempt";
pub const COORDINATOR_COMPACTED: &str = "the coordinator compacted its log";
pub const PARTICIPANT_COMPACTED: &str = "a participant compacted its log";
pub const FORGOTTEN_ATTEMPT_MESSAGE: &str =
    "a participant was sent a message about an attempt it had forgotten";
pub const PREPARED_FOR_FORGOTTEN: &str =
    "a participant prepared on a late PREPARE aborted an attempt the coordinator forgot";

pub const SITUATIONS: &[&str] = &[
    COORDINATOR_RECOVERED_DECISION,
    COORDINATOR_PRESUMED_ABORT,
    VOTE_TIMEOUT_ABORT,
    VOTED_NO,
    VOTE_AFTER_DECISION,
    RETRIED_BEGIN_ANSWERED,
    RESENT_DECISION,
    PARTICIPANT_ASKED,
    QUERY_ANSWERED,
    PARTICIPANT_RECOVERED_PREPARED,
    DUPLICATE_PREPARE,
    SUPERSEDED_PREPARED,
    CLIENT_RETRIED,
    COORDINATOR_COMPACTED,
    PARTICIPANT_COMPACTED,
    FORGOTTEN_ATTEMPT_MESSAGE,
    PREPARED_FOR_FORGOTTEN,
];
