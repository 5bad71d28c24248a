//! What the nodes of a raft-rs run send each other, the timers they set, and what
//! servers write to disk.
//!
//! raft-rs's messages are protobuf structs without `Hash` or `Serialize`, which
//! faultline needs to hash a run into its trace hash and to write readable traces.
//! [`RaftMsg`] wraps one and supplies both from the fields raft-rs's peers act on
//! (type, terms, indices, entries, commit, rejection, snapshot metadata); entries
//! are hashed with their data, and a trace shows each entry as `index/term`.

use crate::api::{ClientTimer, KvRequest, KvResponse, TraceHasher};
use raft::eraftpb::{Entry, HardState, Message, Snapshot};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use std::hash::{Hash, Hasher};

#[derive(Clone, Debug, PartialEq)]
pub struct RaftMsg(pub Message);

impl Hash for RaftMsg {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let m = &self.0;
        (m.get_msg_type() as i32).hash(state);
        (
            m.to,
            m.from,
            m.term,
            m.log_term,
            m.index,
            m.commit,
            m.commit_term,
        )
            .hash(state);
        (m.reject, m.reject_hint, m.request_snapshot, m.priority).hash(state);
        for entry in m.get_entries() {
            hash_entry(entry, state);
        }
        let snapshot = m.get_snapshot().get_metadata();
        (snapshot.index, snapshot.term).hash(state);
        m.get_snapshot().get_data().hash(state);
    }
}

fn hash_entry<H: Hasher>(entry: &Entry, state: &mut H) {
    (entry.get_entry_type() as i32, entry.index, entry.term).hash(state);
    entry.get_data().hash(state);
}

/// A short digest of an entry's data, for tests comparing logs.
pub fn entry_digest(entry: &Entry) -> u64 {
    let mut h = TraceHasher::new();
    hash_entry(entry, &mut h);
    h.finish()
}

impl Serialize for RaftMsg {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let m = &self.0;
        let mut s = serializer.serialize_struct("RaftMsg", 9)?;
        s.serialize_field("type", &format!("{:?}", m.get_msg_type()))?;
        s.serialize_field("term", &m.term)?;
        s.serialize_field("log_term", &m.log_term)?;
        s.serialize_field("index", &m.index)?;
        s.serialize_field("commit", &m.commit)?;
        let entries: Vec<String> = m
            .get_entries()
            .iter()
            .map(|e| format!("{}/{}", e.index, e.term))
            .collect();
        s.serialize_field("entries", &entries)?;
        s.serialize_field("reject", &m.reject)?;
        s.serialize_field("reject_hint", &m.reject_hint)?;
        s.serialize_field("snapshot_index", &m.get_snapshot().get_metadata().index)?;
        s.end()
    }
}

#[derive(Clone, Debug, PartialEq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Msg {
    /// Client → server.
    Request(KvRequest),
    /// Server → client.
    Response(KvResponse),
    /// Server → server: a raft-rs message.
    Raft(RaftMsg),
}

impl From<KvRequest> for Msg {
    fn from(request: KvRequest) -> Self {
        Msg::Request(request)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timer {
    /// Server: one raft-rs logical clock tick (`RawNode::tick`).
    Tick,
    /// Server (`raftrs.send_before_persist` only): the background writer makes what
    /// the Readys wrote durable.
    Flush,
    Client(ClientTimer),
}

impl From<ClientTimer> for Timer {
    fn from(timer: ClientTimer) -> Self {
        Timer::Client(timer)
    }
}

/// What a server writes to its disk; `recovery` replays the synced ones in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Record {
    /// A Ready's entries; they replace anything at or after the first one's index.
    Entries(Vec<Entry>),
    /// A Ready's hard state (term, vote, commit).
    HardState(HardState),
    /// A snapshot taken locally or received from a leader, with the store as data.
    Snapshot(Snapshot),
}
