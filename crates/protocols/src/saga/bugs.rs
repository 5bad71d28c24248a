//! The saga's named bugs (docs/bugs.md), each a switch on a real code path.

use crate::bugs::{BugInfo, Bugs};
use crate::kv::properties::AT_MOST_ONCE;
use crate::saga::properties::{CANCELLED_NET_ZERO, SAGA_ATOMICITY};

pub const BUGS: &[BugInfo] = &[
    BugInfo {
        name: "saga.timeout_is_failure",
        mechanism: "a step whose reply is late is taken as refused: the saga is cancelled (the \
            steps before it compensated) while the step can still take effect, and when it does \
            nothing undoes it",
        violates: &[CANCELLED_NET_ZERO.name, SAGA_ATOMICITY.name],
        scenario: "nemesis",
    },
    BugInfo {
        name: "saga.non_idempotent_step",
        mechanism: "a service applies a redelivered command (a duplicate or a retry, same command \
            id) again instead of answering it from its table of applied commands",
        violates: &[AT_MOST_ONCE.name],
        scenario: "nemesis",
    },
    BugInfo {
        name: "saga.state_after_send",
        mechanism: "the orchestrator sends a command before its saga state is durable (written \
            after the send, synced by a background flush): a crash in between forgets the command, \
            and the saga redoes the step under a new command id",
        violates: &[AT_MOST_ONCE.name, SAGA_ATOMICITY.name],
        scenario: "nemesis",
    },
];

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SagaBugs {
    pub timeout_is_failure: bool,
    pub non_idempotent_step: bool,
    pub state_after_send: bool,
}

impl SagaBugs {
    /// Whether any bug is on: the code's own safety assertions hold only without bugs.
    pub fn any(&self) -> bool {
        self.timeout_is_failure || self.non_idempotent_step || self.state_after_send
    }

    pub fn from(bugs: &Bugs) -> Self {
        SagaBugs {
            timeout_is_failure: bugs.is_on("saga.timeout_is_failure"),
            non_idempotent_step: bugs.is_on("saga.non_idempotent_step"),
            state_after_send: bugs.is_on("saga.state_after_send"),
        }
    }
}
