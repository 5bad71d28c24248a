//! Key-value operations and the messages that carry them between clients and servers.
//!
//! Every command carries its client's session (client id, sequence number) so the
//! state machine can recognise a retry and answer it without applying it twice.

use serde::Serialize;
use std::rc::Rc;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KvOp {
    Get { key: Rc<str> },
    Put { key: Rc<str>, value: Rc<str> },
    Append { key: Rc<str>, value: Rc<str> },
}

impl KvOp {
    pub fn key(&self) -> &str {
        match self {
            KvOp::Get { key } | KvOp::Put { key, .. } | KvOp::Append { key, .. } => key,
        }
    }

    /// The history name of the operation.
    pub fn name(&self) -> &'static str {
        match self {
            KvOp::Get { .. } => "get",
            KvOp::Put { .. } => "put",
            KvOp::Append { .. } => "append",
        }
    }

    /// The value written, for writes.
    pub fn written(&self) -> Option<&str> {
        match self {
            KvOp::Get { .. } => None,
            KvOp::Put { value, .. } | KvOp::Append { value, .. } => Some(value),
        }
    }

    pub fn is_read(&self) -> bool {
        matches!(self, KvOp::Get { .. })
    }
}

/// An operation inside a client session: what a replicated log carries.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Command {
    /// The client's id (its node id).
    pub client: u64,
    /// The client's sequence number, increasing by one per operation.
    pub seq: u64,
    pub op: KvOp,
}

/// What applying an operation returned.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KvOutput {
    /// A get's value ("" for a missing key).
    Value(String),
    /// A put or append took effect.
    Done,
}

/// Client → server.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct KvRequest {
    pub command: Command,
}

/// Server → client.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KvResponse {
    /// The command with this sequence number was applied with this output.
    Applied { seq: u64, output: KvOutput },
    /// This server cannot serve it; try `leader_hint` if given, else another server.
    NotLeader { seq: u64, leader_hint: Option<u32> },
}
