//! What the coordination service's log carries and what its clients and servers say.
//!
//! A client talks to the service through its session: every operation carries the
//! session id and the client's sequence number for it, so a retried request (the same
//! number) is answered from the session and a stale one (a lower number) is ignored;
//! a `Touch` (the session's heartbeat) goes through the log too, so a session is kept
//! alive only by heartbeats the replicas agreed on. `Expire` is proposed by the
//! leader and carries the last touch it saw applied: a touch committed after the
//! decision voids it.

use serde::Serialize;

/// A session's id: the client node in the high bits, the client's session count in
/// the low ones.
pub type SessionId = u64;

/// A zxid: the log index at which a command was applied.
pub type Zxid = u64;

/// What a client can ask of the tree.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ZkOp {
    /// Creates `parent/name` (with a 10-digit sequence number appended if sequential).
    Create {
        parent: String,
        name: String,
        ephemeral: bool,
        sequential: bool,
    },
    Delete {
        path: String,
    },
    /// The children's names; `watch` registers a one-shot child watch.
    GetChildren {
        parent: String,
        watch: bool,
    },
    /// Whether `path` exists; `watch` registers a one-shot watch on it.
    Exists {
        path: String,
        watch: bool,
    },
}

/// A command of the replicated log.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ZkCommand {
    OpenSession {
        session: SessionId,
        client: u32,
    },
    /// The session's heartbeat, sent at `sent_ns` by the client's clock.
    Touch {
        session: SessionId,
        sent_ns: u64,
    },
    /// The leader saw no touch for the session timeout since `last_touch` applied.
    Expire {
        session: SessionId,
        last_touch: Zxid,
    },
    Op {
        session: SessionId,
        seq: u64,
        op: ZkOp,
    },
}

impl ZkCommand {
    pub fn session(&self) -> SessionId {
        match self {
            ZkCommand::OpenSession { session, .. }
            | ZkCommand::Touch { session, .. }
            | ZkCommand::Expire { session, .. }
            | ZkCommand::Op { session, .. } => *session,
        }
    }
}

/// What an operation returned.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ZkOutput {
    Created {
        path: String,
        czxid: Zxid,
    },
    Deleted,
    NoNode,
    NodeExists,
    /// Each child's name and creation zxid.
    Children(Vec<(String, Zxid)>),
    Stat {
        exists: bool,
    },
}

/// What a watch saw.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WatchEvent {
    Created,
    Deleted,
    ChildrenChanged,
}

/// Client → server (and client → resource).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ZkRequest {
    Submit(ZkCommand),
    /// To the fenced resource: write `value` with the lock node's creation zxid.
    Write {
        op: u64,
        token: Zxid,
        value: String,
    },
}

/// Server → client (and resource → client).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ZkResponse {
    Opened {
        session: SessionId,
    },
    Reply {
        session: SessionId,
        seq: u64,
        output: ZkOutput,
    },
    /// A touch was applied: the session lived at least until `sent_ns` (client clock).
    Pong {
        session: SessionId,
        sent_ns: u64,
    },
    /// The session has expired (or never existed here).
    Expired {
        session: SessionId,
    },
    Watch {
        session: SessionId,
        path: String,
        event: WatchEvent,
    },
    NotLeader {
        hint: Option<u32>,
    },
    WriteReply {
        op: u64,
        accepted: bool,
        highest: Zxid,
    },
}

/// The client's timers.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ZkTimer {
    NextOp,
    /// No answer to request `seq` yet.
    Retry {
        seq: u64,
    },
    /// Time for the session's next heartbeat.
    Ping,
    /// The session's validity (by the client's clock) ran out, if not extended since.
    SessionLapse {
        until_ns: u64,
    },
    /// A waiter looks again, in case a watch notification was lost.
    Recheck {
        attempt: u64,
    },
    /// An acquisition took too long: give up.
    AcquireTimeout {
        attempt: u64,
    },
    /// The write's value is ready.
    WorkDone {
        op: u64,
    },
}

/// The sequence number of a sequential node's name (its last 10 digits).
pub fn sequence_of(name: &str) -> Option<u64> {
    let digits = name.get(name.len().checked_sub(10)?..)?;
    digits.parse().ok()
}
