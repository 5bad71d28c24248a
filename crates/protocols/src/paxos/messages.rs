//! Ballots, slot values, messages, timers and disk records of Multi-Paxos.

use crate::kv::{ClientTimer, Command, KvRequest, KvResponse, KvStore};
use serde::Serialize;

/// A ballot: ordered by round, then proposer id, so two proposers never share one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Ballot {
    pub round: u64,
    pub proposer: u32,
}

/// What a slot of the log holds once chosen.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    /// Fills a hole left by a failed proposer.
    Noop,
    Command(Command),
}

/// An acceptor's vote in one slot.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Vote {
    pub slot: u64,
    pub ballot: Ballot,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Msg {
    Request(KvRequest),
    Response(KvResponse),
    /// Phase 1a for every slot from `from_slot` on.
    Prepare {
        ballot: Ballot,
        from_slot: u64,
    },
    /// Phase 1b: the acceptor's votes from `from_slot` on.
    Promise {
        ballot: Ballot,
        votes: Vec<Vote>,
    },
    /// The acceptor has promised a higher ballot.
    Nack {
        ballot: Ballot,
        promised: Ballot,
    },
    /// Phase 2a.
    Accept {
        ballot: Ballot,
        slot: u64,
        value: Value,
    },
    /// Phase 2b.
    Accepted {
        ballot: Ballot,
        slot: u64,
        executed: u64,
    },
    /// A learner is told a slot's chosen value.
    Decide {
        slot: u64,
        value: Value,
    },
    /// The leader is alive; slots below `gc_below` are executed everywhere.
    Heartbeat {
        ballot: Ballot,
        chosen_through: u64,
        gc_below: u64,
    },
    /// A learner that missed decisions asks for them.
    Fetch {
        from_slot: u64,
    },
    /// The answer to a fetch the leader can no longer serve slot by slot (it
    /// restarted from a snapshot past them): its store as of slot `through`. Last,
    /// so the variants before it hash as they did before it was added.
    Snapshot {
        through: u64,
        store: KvStore,
    },
}

impl From<KvRequest> for Msg {
    fn from(request: KvRequest) -> Self {
        Msg::Request(request)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timer {
    Election,
    Heartbeat,
    Client(ClientTimer),
    /// A competing proposer that lost a ballot may compete again. Last, so the
    /// variants before it hash as they did before it was added.
    Backoff,
}

impl From<ClientTimer> for Timer {
    fn from(timer: ClientTimer) -> Self {
        Timer::Client(timer)
    }
}

/// What an acceptor writes to disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    Promised(Ballot),
    Accepted(Vote),
    /// The store after executing every slot through `through`: written before the
    /// votes of those slots are garbage-collected.
    Executed {
        through: u64,
        store: KvStore,
    },
}
