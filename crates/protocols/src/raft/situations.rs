//! The situations a Raft run should reach: interesting paths its servers mark with
//! `ctx.sometimes(..)`. A fuzz campaign names those no seed reached, a hole in its
//! scenario. Call sites use these constants, so a misspelt name does not compile.

pub const RECOVERED_FROM_DISK: &str = "a restarted server recovered its term and log from disk";
pub const RECOVERED_SNAPSHOT: &str = "a restarted server recovered a snapshot from disk";
pub const COMPACTED_LOG: &str = "a server compacted its log into a snapshot";
pub const SENT_SNAPSHOT: &str = "a leader sent a snapshot to a follower behind its log";
pub const INSTALLED_SNAPSHOT: &str = "a follower installed a snapshot from the leader";
pub const REJECTED_STALE_LEADER: &str = "a follower rejected an append from a stale leader";
pub const REJECTED_MISMATCHED_APPEND: &str =
    "a follower rejected an append that did not match its log";
pub const TRUNCATED_CONFLICTING_SUFFIX: &str = "a follower truncated a conflicting suffix";
/// Figure 8 of the Raft paper: an uncommitted entry of a later term gives way to one
/// of an earlier term, so the earlier-term entry must not count as committed on a
/// majority of replicas alone.
pub const OVERWROTE_LATER_TERM: &str =
    "a follower replaced an entry of a later term with the leader's of an earlier term";
pub const BACKED_UP_A_TERM: &str = "a leader skipped back over a whole conflicting term";
pub const PRE_VOTE_REFUSED: &str = "a pre-vote was refused";
pub const PRE_VOTE_WON: &str = "a pre-candidate won its pre-vote and stood for election";
pub const ELECTED_WITH_UNCOMMITTED: &str =
    "a leader was elected with uncommitted entries of earlier terms";
pub const LEADER_STEPPED_DOWN: &str = "a leader stepped down";
pub const CHECK_QUORUM_STEP_DOWN: &str = "a leader that could not hear a majority stepped down";
pub const RETRY_ANSWERED_FROM_SESSION: &str = "a retried command was answered from its session";

pub const SITUATIONS: &[&str] = &[
    RECOVERED_FROM_DISK,
    RECOVERED_SNAPSHOT,
    COMPACTED_LOG,
    SENT_SNAPSHOT,
    INSTALLED_SNAPSHOT,
    REJECTED_STALE_LEADER,
    REJECTED_MISMATCHED_APPEND,
    TRUNCATED_CONFLICTING_SUFFIX,
    OVERWROTE_LATER_TERM,
    BACKED_UP_A_TERM,
    PRE_VOTE_REFUSED,
    PRE_VOTE_WON,
    ELECTED_WITH_UNCOMMITTED,
    LEADER_STEPPED_DOWN,
    CHECK_QUORUM_STEP_DOWN,
    RETRY_ANSWERED_FROM_SESSION,
];
