//! Two-phase commit's named bugs (docs/bugs.md), each a switch on a real code path,
//! resolved once.

use crate::bugs::{BugInfo, Bugs};
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
];

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TwoPcBugs {
    pub participant_timeout_abort: bool,
    pub decision_not_logged: bool,
    pub vote_before_prepare_logged: bool,
    pub late_decision_overwrites: bool,
}

impl TwoPcBugs {
    /// Whether any bug is on: the code's own safety assertions hold only without bugs.
    pub fn any(&self) -> bool {
        self.participant_timeout_abort
            || self.decision_not_logged
            || self.vote_before_prepare_logged
            || self.late_decision_overwrites
    }
}

impl From<&Bugs> for TwoPcBugs {
    fn from(bugs: &Bugs) -> Self {
        TwoPcBugs {
            participant_timeout_abort: bugs.is_on("twopc.participant_timeout_abort"),
            decision_not_logged: bugs.is_on("twopc.decision_not_logged"),
            vote_before_prepare_logged: bugs.is_on("twopc.vote_before_prepare_logged"),
            late_decision_overwrites: bugs.is_on("twopc.late_decision_overwrites"),
        }
    }
}
