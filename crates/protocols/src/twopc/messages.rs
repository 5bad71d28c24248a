//! Transaction ids, the bank's operations, and the messages, timers and disk records
//! of two-phase commit.

use serde::Serialize;
use std::fmt;

/// A client's transaction: the client's node id and its sequence number. A transfer
/// the coordinator aborted is retried under the same id with the next `attempt`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TxId {
    pub client: u32,
    pub seq: u64,
}

/// One attempt at a transaction: what votes and decisions are about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Attempt {
    pub tx: TxId,
    pub number: u32,
}

impl fmt::Display for TxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tx {}.{}", self.client, self.seq)
    }
}

impl fmt::Display for Attempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} attempt {}", self.tx, self.number)
    }
}

/// A client's request: move `amount` from account `from` to account `to`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Transfer {
    pub from: u32,
    pub to: u32,
    pub amount: i64,
}

/// What one participant must do to its accounts if the transaction commits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct AccountChange {
    pub account: u32,
    pub delta: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Msg {
    /// Client → coordinator: run this transfer (sent again on a timeout).
    Begin {
        attempt: Attempt,
        transfer: Transfer,
    },
    /// Coordinator → client: how the attempt ended.
    Outcome { attempt: Attempt, committed: bool },
    /// Coordinator → participant: phase one, with that participant's changes.
    Prepare {
        attempt: Attempt,
        changes: Vec<AccountChange>,
    },
    /// Participant → coordinator: its vote.
    Vote { attempt: Attempt, yes: bool },
    /// Coordinator → participant: phase two.
    Decision { attempt: Attempt, commit: bool },
    /// Participant → coordinator: the decision is recorded.
    Ack { attempt: Attempt },
    /// Prepared participant → coordinator: what was decided? (termination protocol)
    Query { attempt: Attempt },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timer {
    /// Coordinator: the votes for this attempt are overdue; abort it.
    VoteTimeout { attempt: Attempt },
    /// Coordinator: resend decisions not yet acknowledged. Participant: ask about
    /// prepared transactions still undecided.
    Resend,
    /// Flush writes made without an fsync (only the lazily-syncing bug paths do that).
    GroupCommit,
    /// Participant: it has waited this long for a decision (only the
    /// `participant_timeout_abort` bug acts on it).
    DecisionOverdue { attempt: Attempt },
    /// Client: time for the next transfer.
    NextOp,
    /// Client: no outcome yet for this attempt; ask again.
    Retry { attempt: Attempt },
}

/// What the coordinator and the participants write to their disks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    /// Coordinator, before any PREPARE is sent: the attempt and who takes part.
    Begun {
        attempt: Attempt,
        transfer: Transfer,
    },
    /// Coordinator: the decision, forced to disk before it is sent.
    Decided { attempt: Attempt, commit: bool },
    /// Participant, before it votes yes: the changes it promises to make.
    Prepared {
        attempt: Attempt,
        changes: Vec<AccountChange>,
    },
    /// Participant: the decision it applied (or a unilateral abort before voting yes).
    Outcome { attempt: Attempt, commit: bool },
}
