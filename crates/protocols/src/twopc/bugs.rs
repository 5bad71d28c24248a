//! Two-phase commit's named bugs (docs/bugs.md), each a switch on a real code path,
//! resolved once.

use crate::bugs::{BugInfo, Bugs};
use crate::harness_properties::ISOLATION;
use crate::twopc::properties::{
    ABORT_WITHOUT_CAUSE, AGREEMENT, DECISION_DURABLE, NO_REVERSAL, PREPARED_DURABLE,
};

pub const BUGS: &[BugInfo] = &[
    BugInfo {
        name: "twopc.participant_timeout_abort",
        mechanism: "a prepared participant that waits too long for the decision aborts on its own",
        violates: &[AGREEMENT.name],
        scenario: "nemesis",
    },
    BugInfo {
        name: "twopc.decision_not_logged",
        mechanism: "the coordinator sends its decision before forcing it to disk (flushed lazily)",
        violates: &[DECISION_DURABLE.name],
        scenario: "nemesis",
    },
    BugInfo {
        name: "twopc.vote_before_prepare_logged",
        mechanism: "a participant votes yes before forcing its PREPARED record to disk (flushed \
            lazily)",
        violates: &[PREPARED_DURABLE.name],
        scenario: "nemesis",
    },
    BugInfo {
        name: "twopc.late_decision_overwrites",
        mechanism: "a participant applies a decision for an earlier attempt of a transaction over \
            the outcome it recorded for a later one",
        violates: &[NO_REVERSAL.name, AGREEMENT.name, ABORT_WITHOUT_CAUSE.name],
        scenario: "nemesis",
    },
    BugInfo {
        name: "twopc.release_read_locks_at_prepare",
        mechanism: "a participant releases its read locks when it votes yes, before the \
            decision: another transaction can then change what it read while it is still \
            taking locks elsewhere (two-phase locking broken across participants)",
        violates: &[ISOLATION.name],
        scenario: "list_append",
    },
    BugInfo {
        name: "twopc.read_uncommitted",
        mechanism: "a read takes no lock and is served from the participant's uncommitted \
            state: it sees the appends of attempts prepared there but not yet decided",
        violates: &[ISOLATION.name],
        scenario: "list_append",
    },
];

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TwoPcBugs {
    pub participant_timeout_abort: bool,
    pub decision_not_logged: bool,
    pub vote_before_prepare_logged: bool,
    pub late_decision_overwrites: bool,
    pub release_read_locks_at_prepare: bool,
    pub read_uncommitted: bool,
}

impl TwoPcBugs {
    /// Whether any bug is on: the code's own safety assertions hold only without bugs.
    pub fn any(&self) -> bool {
        self.participant_timeout_abort
            || self.decision_not_logged
            || self.vote_before_prepare_logged
            || self.late_decision_overwrites
            || self.release_read_locks_at_prepare
            || self.read_uncommitted
    }
}

impl From<&Bugs> for TwoPcBugs {
    fn from(bugs: &Bugs) -> Self {
        TwoPcBugs {
            participant_timeout_abort: bugs.is_on("twopc.participant_timeout_abort"),
            decision_not_logged: bugs.is_on("twopc.decision_not_logged"),
            vote_before_prepare_logged: bugs.is_on("twopc.vote_before_prepare_logged"),
            late_decision_overwrites: bugs.is_on("twopc.late_decision_overwrites"),
            release_read_locks_at_prepare: bugs.is_on("twopc.release_read_locks_at_prepare"),
            read_uncommitted: bugs.is_on("twopc.read_uncommitted"),
        }
    }
}
