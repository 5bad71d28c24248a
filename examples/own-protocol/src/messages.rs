//! What ABD's nodes send each other, the timers they set, and what replicas write to
//! disk.
//!
//! Both phases of an operation broadcast the same request to every replica; a reply
//! names the client's operation (`op`, the client's count of operations invoked), so a
//! client ignores replies to operations it finished or gave up on, and the message kind
//! (query reply or store ack) tells the phase. Requests are idempotent: a duplicated or
//! resent query is answered again, a duplicated store is acked again without effect.

use crate::timestamp::{Timestamp, Versioned};
use serde::Serialize;

/// A client's operation number: its first operation is 1.
pub type OpId = u64;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Msg {
    /// Client → replica, phase 1 of reads and writes: what do you store for `key`?
    Query { op: OpId, key: String },
    /// Replica → client: what it stores for the key of the query.
    QueryReply { op: OpId, current: Versioned },
    /// Client → replica, phase 2: store `versioned` under `key` unless you already
    /// store something newer (a write's new value, or a read's write-back).
    Store {
        op: OpId,
        key: String,
        versioned: Versioned,
    },
    /// Replica → client: it durably stores `ts` or something newer for the key.
    StoreAck { op: OpId, ts: Timestamp },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timer {
    /// Client: time to invoke the next operation.
    NextOp,
    /// Client: resend operation `op`'s current phase to the replicas that have not
    /// answered it.
    Resend { op: OpId },
    /// Client: operation `op` has run too long; report its outcome as unknown.
    GiveUp { op: OpId },
    /// Replica (`abd.no_fsync` only): make the stores written so far durable.
    Flush,
}

/// One register's new content, appended to a replica's disk each time it changes.
/// Recovery keeps the highest timestamp per key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub key: String,
    pub versioned: Versioned,
}
