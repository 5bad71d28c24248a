//! The fence itself, apart from any node: what a resource that fences writes by token
//! remembers and decides (Kleppmann 2016). A write with a token lower than the highest
//! accepted is refused; a client's retry of its last write is answered as the first
//! copy was; an older write of a client that has moved on gets no answer. The lock
//! protocol's resource (`resource`) and the zk service's (`zk::resource`) both keep
//! one and hand it each write (`decide`), with how to make an accepted write durable
//! before it is applied.

use crate::lock::messages::Token;
use crate::protocol::Violation;
use crate::writes_as_told::{LoggedWrite, ToldWrites};
use serde::Serialize;
use std::collections::BTreeMap;

/// `writes_as_told` over a fenced resource's log (the clients' `write` operations,
/// read as they were observed): lock and zk call it from `check_end`.
pub fn writes_as_told(told: &ToldWrites, accepted: &[AcceptedWrite]) -> Result<(), Violation> {
    let log: Vec<LoggedWrite<'_>> = accepted
        .iter()
        .map(|write| LoggedWrite {
            client: write.client,
            op: write.op,
            value: &write.value,
        })
        .collect();
    told.check(&log)
}

/// A write the resource accepted, as logged.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct AcceptedWrite {
    pub client: u32,
    pub op: u64,
    pub token: Token,
    pub value: String,
}

/// What to do with a write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A retry of the client's last write: answer as before.
    Repeat(bool),
    /// Older than the client's last write: the client has moved on; no answer.
    Stale,
    /// Its token is lower than one accepted (recorded as the client's last answer).
    Refused,
    /// Accept it: make it durable, then `apply` it.
    Accept(AcceptedWrite),
}

/// What a resource answers a write, once `Fence::decide` carried its verdict out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answer {
    pub accepted: bool,
    /// Refused now for a token lower than one accepted (a situation worth marking).
    pub fenced_off: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Fence {
    /// Every write accepted, in order (recovered from disk after a restart).
    pub accepted: Vec<AcceptedWrite>,
    /// The highest token accepted.
    pub highest: Token,
    /// Per client: its last write operation and whether it was accepted.
    answered: BTreeMap<u32, (u64, bool)>,
}

impl Fence {
    /// Judges write `op` of `client`; with `fencing` off every new write is accepted.
    pub fn judge(
        &mut self,
        client: u32,
        (op, token): (u64, Token),
        value: String,
        fencing: bool,
    ) -> Verdict {
        match self.answered.get(&client) {
            Some(&(last, verdict)) if last == op => return Verdict::Repeat(verdict),
            Some(&(last, _)) if last > op => return Verdict::Stale,
            _ => {}
        }
        if token < self.highest && fencing {
            self.answered.insert(client, (op, false));
            return Verdict::Refused;
        }
        Verdict::Accept(AcceptedWrite {
            client,
            op,
            token,
            value,
        })
    }

    /// Judges write `op` of `client` and carries the verdict out: an accepted write is
    /// made durable by `persist` (which halts the node if it cannot: fail-stop, never
    /// acknowledged), then applied. `None` for a write older than the client's last,
    /// which gets no answer.
    pub fn decide(
        &mut self,
        client: u32,
        (op, token): (u64, Token),
        value: String,
        fencing: bool,
        persist: impl FnOnce(&AcceptedWrite),
    ) -> Option<Answer> {
        let answer = |accepted, fenced_off| {
            Some(Answer {
                accepted,
                fenced_off,
            })
        };
        match self.judge(client, (op, token), value, fencing) {
            Verdict::Repeat(accepted) => answer(accepted, false),
            Verdict::Stale => None,
            Verdict::Refused => answer(false, true),
            Verdict::Accept(write) => {
                persist(&write);
                debug_assert!(!fencing || token >= self.highest, "fenced writes rise");
                self.apply(write);
                answer(true, false)
            }
        }
    }

    /// Takes an accepted write (made durable, or replayed from the disk).
    pub fn apply(&mut self, write: AcceptedWrite) {
        self.highest = self.highest.max(write.token);
        self.answered.insert(write.client, (write.op, true));
        self.accepted.push(write);
    }
}
