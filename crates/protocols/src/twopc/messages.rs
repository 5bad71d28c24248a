//! Transaction ids, the operations (bank transfers, or list-append transactions), and
//! the messages, timers and disk records of two-phase commit.
//!
//! The list-append workload added what its transactions need (a request's micro-
//! operations, the changes they make per participant, what reads saw) in types whose
//! hash and JSON are, for a bank transfer, exactly those of the fields they replaced:
//! the bank's runs keep their trace hashes.

pub use crate::list_append::{KeyOp, Reads};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::hash::{Hash, Hasher};

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

/// What a client asks the coordinator to run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Request {
    Transfer(Transfer),
    /// The list-append workload: micro-operations in order.
    Txn(Vec<KeyOp>),
}

/// A transfer hashes as the bare `Transfer` it replaced.
impl Hash for Request {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            Request::Transfer(transfer) => transfer.hash(state),
            Request::Txn(ops) => {
                state.write_u8(u8::MAX);
                ops.hash(state);
            }
        }
    }
}

/// What a participant does for an attempt: change an account's balance (bank), or
/// append to a key's list or read it (list-append; `index` is the read's place in
/// its transaction, so the client can put what it saw back in order).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Change {
    Account(AccountChange),
    Append { key: u32, value: u64 },
    Read { index: u32, key: u32 },
}

/// An account change hashes as the bare `AccountChange` it replaced.
impl Hash for Change {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            Change::Account(change) => change.hash(state),
            Change::Append { key, value } => (u8::MAX, key, value).hash(state),
            Change::Read { index, key } => (u8::MAX - 1, index, key).hash(state),
        }
    }
}

impl Change {
    /// The account or key it works on: what it locks.
    pub fn key(&self) -> u32 {
        match self {
            Change::Account(c) => c.account,
            Change::Append { key, .. } | Change::Read { key, .. } => *key,
        }
    }

    /// Whether it needs the key to itself (a write lock); a read shares it.
    pub fn writes(&self) -> bool {
        !matches!(self, Change::Read { .. })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Msg {
    /// Client → coordinator: run this transfer (sent again on a timeout).
    Begin {
        attempt: Attempt,
        /// What to run: a transfer, or a list-append transaction.
        transfer: Request,
    },
    /// Coordinator → client: how the attempt ended (and, committed, what the
    /// transaction's reads saw).
    Outcome {
        attempt: Attempt,
        committed: bool,
        #[serde(skip_serializing_if = "Reads::is_empty")]
        reads: Reads,
    },
    /// Coordinator → participant: phase one, with that participant's changes.
    Prepare {
        attempt: Attempt,
        changes: Vec<Change>,
    },
    /// Participant → coordinator: its vote (a yes with what its reads saw).
    Vote {
        attempt: Attempt,
        yes: bool,
        #[serde(skip_serializing_if = "Reads::is_empty")]
        reads: Reads,
    },
    /// Coordinator → participant: phase two.
    Decision { attempt: Attempt, commit: bool },
    /// Participant → coordinator: the decision is recorded.
    Ack { attempt: Attempt },
    /// Prepared participant → coordinator: what was decided? (termination protocol)
    Query { attempt: Attempt },
    /// Coordinator → participant, the answer to a query about an attempt compacted
    /// away (`log_compaction.rs`): it was settled and every participant acknowledged
    /// its decision. A participant still prepared for it can only have prepared on a
    /// late PREPARE after acknowledging an abort (a commit is acknowledged only once
    /// recorded), so it aborts; any other asker already knows the outcome.
    Forgotten { attempt: Attempt },
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
    Begun { attempt: Attempt, transfer: Request },
    /// Coordinator: the decision, forced to disk before it is sent (with what the
    /// reads saw, so a retried request is answered in full after a restart).
    Decided {
        attempt: Attempt,
        commit: bool,
        reads: Reads,
    },
    /// Participant, before it votes yes: the changes it promises to make, and what
    /// its reads saw (a duplicate PREPARE is answered with the same).
    Prepared {
        attempt: Attempt,
        changes: Vec<Change>,
        reads: Reads,
    },
    /// Participant: the decision it applied (or a unilateral abort before voting yes).
    Outcome { attempt: Attempt, commit: bool },
    /// Coordinator: every participant acknowledged the decision, so a restart need
    /// not send it again (the end record of presumed-abort 2PC). Not forced: if it
    /// is lost, the restarted coordinator resends the decision once more and the
    /// participants acknowledge it again. Without it every restart resent every
    /// decision ever made, and a long run's traffic grew with its history.
    Ended { attempt: Attempt },
    /// Participant, first record of a compacted log (`participant_compaction.rs`):
    /// the balances and lists every settled attempt left, and per client the latest
    /// attempt it settled and then forgot.
    Checkpoint {
        balances: BTreeMap<u32, i64>,
        lists: crate::twopc::lists::Lists,
        forgotten: BTreeMap<u32, Attempt>,
    },
}
