//! Raft's named bugs (docs/bugs.md), each a switch on a real code path, resolved once.

use crate::bugs::{BugInfo, Bugs};
use crate::harness_properties::LINEARIZABILITY;
use crate::raft::properties::{
    COMMITTED_DURABLE, ELECTABLE_COMPLETENESS, ELECTION_SAFETY, LEADER_COMPLETENESS, LOG_MATCHING,
    RECOVERED_AS_DURABLE, STATE_MACHINE_SAFETY, VOTE_DURABLE,
};

pub const BUGS: &[BugInfo] = &[
    BugInfo {
        name: "raft.commit_previous_term",
        mechanism: "leader advances commitIndex over an entry of an earlier term by counting \
            replicas (Raft §5.4.2, Figure 8)",
        violates: &[
            ELECTABLE_COMPLETENESS.name,
            STATE_MACHINE_SAFETY.name,
            LEADER_COMPLETENESS.name,
            LINEARIZABILITY.name,
        ],
        scenario: "nemesis",
    },
    BugInfo {
        name: "raft.vote_not_persisted",
        mechanism: "votedFor is written but not fsynced before the vote is granted",
        violates: &[VOTE_DURABLE.name, ELECTION_SAFETY.name],
        scenario: "nemesis",
    },
    BugInfo {
        name: "raft.no_up_to_date_check",
        mechanism: "votes are granted without the §5.4.1 log comparison",
        violates: &[
            LEADER_COMPLETENESS.name,
            ELECTABLE_COMPLETENESS.name,
            COMMITTED_DURABLE.name,
            STATE_MACHINE_SAFETY.name,
            LINEARIZABILITY.name,
        ],
        scenario: "nemesis",
    },
    BugInfo {
        name: "raft.no_prev_term_check",
        mechanism: "a follower checks that prevLogIndex exists but not its term",
        violates: &[
            LOG_MATCHING.name,
            STATE_MACHINE_SAFETY.name,
            ELECTABLE_COMPLETENESS.name,
            LEADER_COMPLETENESS.name,
            LINEARIZABILITY.name,
        ],
        scenario: "nemesis",
    },
    BugInfo {
        name: "raft.truncate_on_every_append",
        mechanism: "a follower truncates its log after prevLogIndex on every AppendEntries, not \
            only on conflict",
        violates: &[
            COMMITTED_DURABLE.name,
            ELECTABLE_COMPLETENESS.name,
            STATE_MACHINE_SAFETY.name,
            LEADER_COMPLETENESS.name,
            LINEARIZABILITY.name,
        ],
        scenario: "nemesis",
    },
    BugInfo {
        name: "raft.commit_index_unbounded",
        mechanism: "a follower sets commitIndex = leaderCommit without min(index of last new \
            entry)",
        violates: &[
            STATE_MACHINE_SAFETY.name,
            ELECTABLE_COMPLETENESS.name,
            LINEARIZABILITY.name,
        ],
        scenario: "nemesis",
    },
    BugInfo {
        name: "raft.stale_read",
        mechanism: "the leader answers reads from its local state with no quorum round",
        violates: &[LINEARIZABILITY.name],
        scenario: "nemesis",
    },
    BugInfo {
        name: "raft.ack_before_fsync",
        mechanism: "AppendEntries is acknowledged before the entries are fsynced",
        violates: &[
            COMMITTED_DURABLE.name,
            ELECTABLE_COMPLETENESS.name,
            STATE_MACHINE_SAFETY.name,
            LINEARIZABILITY.name,
        ],
        scenario: "nemesis",
    },
    BugInfo {
        name: "raft.ignore_fsync_error",
        mechanism: "a server carries on after an fsync fails, acknowledging entries and \
            granting votes the disk lost (PostgreSQL's fsyncgate: a later fsync succeeds \
            without saving them)",
        violates: &[
            RECOVERED_AS_DURABLE.name,
            COMMITTED_DURABLE.name,
            ELECTABLE_COMPLETENESS.name,
            STATE_MACHINE_SAFETY.name,
            LEADER_COMPLETENESS.name,
            VOTE_DURABLE.name,
            ELECTION_SAFETY.name,
            LINEARIZABILITY.name,
        ],
        scenario: "fsync_errors",
    },
];

/// The switches, as plain booleans for the hot path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RaftBugs {
    pub commit_previous_term: bool,
    pub vote_not_persisted: bool,
    pub no_up_to_date_check: bool,
    pub no_prev_term_check: bool,
    pub truncate_on_every_append: bool,
    pub commit_index_unbounded: bool,
    pub stale_read: bool,
    pub ack_before_fsync: bool,
    pub ignore_fsync_error: bool,
}

impl RaftBugs {
    pub fn from(bugs: &Bugs) -> Self {
        RaftBugs {
            commit_previous_term: bugs.is_on("raft.commit_previous_term"),
            vote_not_persisted: bugs.is_on("raft.vote_not_persisted"),
            no_up_to_date_check: bugs.is_on("raft.no_up_to_date_check"),
            no_prev_term_check: bugs.is_on("raft.no_prev_term_check"),
            truncate_on_every_append: bugs.is_on("raft.truncate_on_every_append"),
            commit_index_unbounded: bugs.is_on("raft.commit_index_unbounded"),
            stale_read: bugs.is_on("raft.stale_read"),
            ack_before_fsync: bugs.is_on("raft.ack_before_fsync"),
            ignore_fsync_error: bugs.is_on("raft.ignore_fsync_error"),
        }
    }
}
