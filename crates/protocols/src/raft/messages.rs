//! What Raft nodes send, the timers they set, and the records they write to disk.

use crate::kv::{ClientTimer, KvRequest, KvStore};
use crate::raft::machine::Machine;
use serde::Serialize;

/// A log entry: the term it was created in and what it carries.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Entry<M: Machine = KvStore> {
    pub term: u64,
    pub payload: Payload<M>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Payload<M: Machine = KvStore> {
    /// A new leader's first entry, so entries of earlier terms can commit.
    Noop,
    Command(M::Command),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Msg<M: Machine = KvStore> {
    Request(M::Request),
    Response(M::Response),
    /// `pre_vote`: asks whether the voter *would* vote, without anyone changing term.
    RequestVote {
        term: u64,
        last_log_index: u64,
        last_log_term: u64,
        pre_vote: bool,
    },
    Vote {
        term: u64,
        granted: bool,
        pre_vote: bool,
    },
    AppendEntries {
        term: u64,
        prev_index: u64,
        prev_term: u64,
        entries: Vec<Entry<M>>,
        leader_commit: u64,
    },
    /// `conflict_*`: where the follower's log first disagrees, for fast backup.
    /// `heartbeat`: it answers an AppendEntries that carried no entries.
    AppendReply {
        term: u64,
        success: bool,
        heartbeat: bool,
        match_index: u64,
        conflict_term: Option<u64>,
        conflict_index: u64,
    },
    InstallSnapshot {
        term: u64,
        index: u64,
        snapshot_term: u64,
        /// Boxed: a store is larger than any other message, and every message in
        /// flight takes the size of the largest (the queue's slots, a thousand
        /// nodes' election bursts).
        store: Box<M>,
    },
    SnapshotReply {
        term: u64,
        index: u64,
    },
}

impl From<KvRequest> for Msg {
    fn from(request: KvRequest) -> Self {
        Msg::Request(request)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timer<M: Machine = KvStore> {
    Election,
    Heartbeat,
    CheckQuorum,
    /// A follower's deferred fsync (only with `raft.ack_before_fsync`).
    LazyFsync,
    Client(M::ClientTimer),
}

impl From<ClientTimer> for Timer {
    fn from(timer: ClientTimer) -> Self {
        Timer::Client(timer)
    }
}

/// What a Raft server writes to its disk, replayed in order on restart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record<M: Machine = KvStore> {
    HardState {
        term: u64,
        voted_for: Option<u32>,
    },
    /// An entry at a log index (overwrites anything at or after it was truncated first).
    Append {
        index: u64,
        entry: Entry<M>,
    },
    TruncateFrom(u64),
    Snapshot {
        index: u64,
        term: u64,
        store: M,
    },
    /// Written by the node that hosts the server, not by Raft (recovery skips it).
    Host(M::HostRecord),
}
