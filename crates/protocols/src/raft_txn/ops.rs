//! What a transactional key-value store on Raft replicates and its clients exchange:
//! a transaction inside its client's session (the log's command), the request that
//! carries it, the answers, and the client's timers.
//!
//! A transaction carries its client's session (client id, sequence number) so the
//! store can recognise a retry and answer it from the session instead of applying it
//! again.

use crate::list_append::{KeyOp, Reads};
use serde::Serialize;

/// A list-append transaction inside a client session: what a log entry carries.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct TxnCommand {
    /// The client's id (its node id).
    pub client: u64,
    /// The client's sequence number, increasing by one per transaction.
    pub seq: u64,
    /// The micro-operations, in order.
    pub ops: Vec<KeyOp>,
}

impl TxnCommand {
    /// Whether the transaction only reads.
    pub fn is_read_only(&self) -> bool {
        self.ops.iter().all(|op| op.append.is_none())
    }
}

/// Client → server: run this transaction (sent again, unchanged, on a timeout).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct TxnRequest {
    pub command: TxnCommand,
}

/// Server → client.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TxnResponse {
    /// The transaction with this sequence number committed; its reads saw `reads`.
    Committed { seq: u64, reads: Reads },
    /// This server cannot serve it; try `leader_hint` if given, else another server.
    NotLeader { seq: u64, leader_hint: Option<u32> },
}

/// A client's timers.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TxnTimer {
    /// Time to invoke the next transaction.
    NextTxn,
    /// No answer for the transaction with this sequence number: try again.
    Retry { seq: u64 },
}
