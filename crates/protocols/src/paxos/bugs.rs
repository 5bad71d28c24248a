//! Multi-Paxos's named bugs (docs/bugs.md), each a switch on a real code path.

use crate::bugs::{BugInfo, Bugs};
use crate::harness_properties::{CONVERGED, LINEARIZABILITY};
use crate::paxos::properties::{
    ACCEPTED_MONOTONIC, LEARN_ONLY_CHOSEN, ONE_VALUE_PER_SLOT, PROMISE_DURABLE,
};

pub const BUGS: &[BugInfo] = &[
    BugInfo {
        name: "paxos.promise_not_persisted",
        mechanism: "an acceptor replies to Prepare before fsyncing its promise",
        violates: &[
            PROMISE_DURABLE.name,
            ONE_VALUE_PER_SLOT.name,
            LEARN_ONLY_CHOSEN.name,
            LINEARIZABILITY.name,
        ],
        scenario: "nemesis",
    },
    BugInfo {
        name: "paxos.accept_lower_ballot",
        mechanism: "an acceptor accepts a ballot lower than one it promised",
        violates: &[
            ONE_VALUE_PER_SLOT.name,
            ACCEPTED_MONOTONIC.name,
            LEARN_ONLY_CHOSEN.name,
            LINEARIZABILITY.name,
        ],
        scenario: "nemesis",
    },
    BugInfo {
        name: "paxos.ignore_accepted_value",
        mechanism:
            "a new leader proposes its own value instead of the highest-ballot accepted one \
            from the promises",
        violates: &[
            ONE_VALUE_PER_SLOT.name,
            LEARN_ONLY_CHOSEN.name,
            LINEARIZABILITY.name,
        ],
        scenario: "nemesis",
    },
    BugInfo {
        name: "paxos.non_unique_ballots",
        mechanism: "ballots lack the proposer-id tiebreak, so two proposers can use the same one",
        violates: &[
            ONE_VALUE_PER_SLOT.name,
            LEARN_ONLY_CHOSEN.name,
            LINEARIZABILITY.name,
        ],
        scenario: "nemesis",
    },
    BugInfo {
        name: "paxos.count_duplicate_votes",
        mechanism: "duplicate promise/accepted messages count toward a quorum",
        violates: &[
            ONE_VALUE_PER_SLOT.name,
            LEARN_ONLY_CHOSEN.name,
            LINEARIZABILITY.name,
        ],
        scenario: "nemesis",
    },
    BugInfo {
        name: "paxos.learner_no_snapshot",
        mechanism: "a leader asked for decisions it no longer keeps (it restarted from a \
            snapshot past them) sends nothing instead of its store, so a learner that fell \
            behind it never catches up",
        violates: &[CONVERGED.name],
        scenario: "nemesis",
    },
];

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PaxosBugs {
    pub promise_not_persisted: bool,
    pub accept_lower_ballot: bool,
    pub ignore_accepted_value: bool,
    pub non_unique_ballots: bool,
    pub count_duplicate_votes: bool,
    pub learner_no_snapshot: bool,
}

impl PaxosBugs {
    /// Whether any bug is on: the code's own safety assertions hold only without bugs.
    pub fn any(&self) -> bool {
        self.promise_not_persisted
            || self.accept_lower_ballot
            || self.ignore_accepted_value
            || self.non_unique_ballots
            || self.count_duplicate_votes
            || self.learner_no_snapshot
    }

    pub fn from(bugs: &Bugs) -> Self {
        PaxosBugs {
            promise_not_persisted: bugs.is_on("paxos.promise_not_persisted"),
            accept_lower_ballot: bugs.is_on("paxos.accept_lower_ballot"),
            ignore_accepted_value: bugs.is_on("paxos.ignore_accepted_value"),
            non_unique_ballots: bugs.is_on("paxos.non_unique_ballots"),
            count_duplicate_votes: bugs.is_on("paxos.count_duplicate_votes"),
            learner_no_snapshot: bugs.is_on("paxos.learner_no_snapshot"),
        }
    }
}
