//! Multi-Paxos's named bugs (BUGS.md), each a switch on a real code path.

use crate::bugs::{BugInfo, Bugs};

pub const BUGS: &[BugInfo] = &[
    BugInfo {
        name: "paxos.promise_not_persisted",
        mechanism: "an acceptor replies to Prepare before fsyncing its promise",
        violates: &["promise_durable", "one_value_per_slot", "learn_only_chosen", "linearizability"],
        scenario: "nemesis",
    },
    BugInfo {
        name: "paxos.accept_lower_ballot",
        mechanism: "an acceptor accepts a ballot lower than one it promised",
        violates: &["one_value_per_slot", "accepted_monotonic", "learn_only_chosen", "linearizability"],
        scenario: "nemesis",
    },
    BugInfo {
        name: "paxos.ignore_accepted_value",
        mechanism: "a new leader proposes its own value instead of the highest-ballot accepted one from the promises",
        violates: &["one_value_per_slot", "learn_only_chosen", "linearizability"],
        scenario: "nemesis",
    },
    BugInfo {
        name: "paxos.non_unique_ballots",
        mechanism: "ballots lack the proposer-id tiebreak, so two proposers can use the same one",
        violates: &["one_value_per_slot", "learn_only_chosen", "linearizability"],
        scenario: "nemesis",
    },
    BugInfo {
        name: "paxos.count_duplicate_votes",
        mechanism: "duplicate promise/accepted messages count toward a quorum",
        violates: &["one_value_per_slot", "learn_only_chosen", "linearizability"],
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
}

impl PaxosBugs {
    /// Whether any bug is on: the code's own safety assertions hold only without bugs.
    pub fn any(&self) -> bool {
        self.promise_not_persisted
            || self.accept_lower_ballot
            || self.ignore_accepted_value
            || self.non_unique_ballots
            || self.count_duplicate_votes
    }

    pub fn from(bugs: &Bugs) -> Self {
        PaxosBugs {
            promise_not_persisted: bugs.is_on("paxos.promise_not_persisted"),
            accept_lower_ballot: bugs.is_on("paxos.accept_lower_ballot"),
            ignore_accepted_value: bugs.is_on("paxos.ignore_accepted_value"),
            non_unique_ballots: bugs.is_on("paxos.non_unique_ballots"),
            count_duplicate_votes: bugs.is_on("paxos.count_duplicate_votes"),
        }
    }
}
