//! The key-value state machine behind a replicated log, with client sessions.
//!
//! Commands are applied in log order. Each client has at most one operation in
//! flight, so a session is just the last sequence number applied and its output: a
//! command with that number again is a retry and gets the remembered output without
//! being applied twice; an older number is a stale duplicate and is ignored.

use crate::kv::op::{Command, KvOp, KvOutput};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct KvStore {
    data: BTreeMap<String, String>,
    sessions: BTreeMap<u64, (u64, KvOutput)>,
    /// Commands applied (not counting retries answered from a session).
    applied: u64,
}

/// What happened when a command reached a state machine with client sessions, with
/// the output `O` its client is answered with (the key-value store's by default).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApplyOutcome<O = KvOutput> {
    /// Applied now, for the first time.
    Applied(O),
    /// A retry of the session's last command: answered from the session, not re-applied.
    Retry(O),
    /// Older than the session's last command: the client has moved on; ignored.
    Stale,
}

impl<O: Clone> ApplyOutcome<O> {
    /// What a client session says of its command number `seq`, given the session's
    /// last command applied and its output: a retry of that one (answered with the
    /// same output), an older, stale one, or `None`, a new command to apply.
    pub fn from_session(last: Option<&(u64, O)>, seq: u64) -> Option<Self> {
        let (last_seq, output) = last?;
        match seq.cmp(last_seq) {
            std::cmp::Ordering::Equal => Some(ApplyOutcome::Retry(output.clone())),
            std::cmp::Ordering::Less => Some(ApplyOutcome::Stale),
            std::cmp::Ordering::Greater => None,
        }
    }
}

impl<O> ApplyOutcome<O> {
    /// The output to send the client, if any.
    pub fn output(&self) -> Option<&O> {
        match self {
            ApplyOutcome::Applied(out) | ApplyOutcome::Retry(out) => Some(out),
            ApplyOutcome::Stale => None,
        }
    }
}

impl KvStore {
    /// Applies `command` at most once per (client, seq).
    pub fn apply(&mut self, command: &Command) -> ApplyOutcome {
        let session = self.sessions.get(&command.client);
        if let Some(outcome) = ApplyOutcome::from_session(session, command.seq) {
            return outcome;
        }
        let output = self.apply_op(&command.op);
        self.sessions
            .insert(command.client, (command.seq, output.clone()));
        self.applied += 1;
        ApplyOutcome::Applied(output)
    }

    /// Applies without session bookkeeping; a protocol's "non-idempotent" bug path.
    pub fn apply_unchecked(&mut self, command: &Command) -> KvOutput {
        let output = self.apply_op(&command.op);
        self.sessions
            .insert(command.client, (command.seq, output.clone()));
        self.applied += 1;
        output
    }

    fn apply_op(&mut self, op: &KvOp) -> KvOutput {
        match op {
            KvOp::Get { key } => KvOutput::Value(self.get(key).to_string()),
            KvOp::Put { key, value } => {
                self.data.insert(key.to_string(), value.to_string());
                KvOutput::Done
            }
            KvOp::Append { key, value } => {
                self.data
                    .entry(key.to_string())
                    .or_default()
                    .push_str(value);
                KvOutput::Done
            }
        }
    }

    /// Reads a key without going through the log ("" when missing).
    pub fn get(&self, key: &str) -> &str {
        self.data.get(key).map_or("", String::as_str)
    }

    pub fn applied_count(&self) -> u64 {
        self.applied
    }

    /// The last sequence number applied for `client`, if any.
    pub fn last_seq(&self, client: u64) -> Option<u64> {
        self.sessions.get(&client).map(|(seq, _)| *seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(client: u64, seq: u64, key: &str, value: &str) -> Command {
        Command {
            client,
            seq,
            op: KvOp::Put {
                key: key.into(),
                value: value.into(),
            },
        }
    }

    #[test]
    fn a_retried_command_applies_once() {
        let mut store = KvStore::default();
        let append = Command {
            client: 1,
            seq: 1,
            op: KvOp::Append {
                key: "k".into(),
                value: "a".into(),
            },
        };
        assert_eq!(store.apply(&append), ApplyOutcome::Applied(KvOutput::Done));
        assert_eq!(store.apply(&append), ApplyOutcome::Retry(KvOutput::Done));
        assert_eq!(store.get("k"), "a");
        assert_eq!(store.applied_count(), 1);
    }

    #[test]
    fn stale_commands_are_ignored() {
        let mut store = KvStore::default();
        store.apply(&put(1, 2, "k", "new"));
        assert_eq!(store.apply(&put(1, 1, "k", "old")), ApplyOutcome::Stale);
        assert_eq!(store.get("k"), "new");
    }

    #[test]
    fn unchecked_apply_duplicates() {
        let mut store = KvStore::default();
        let append = Command {
            client: 1,
            seq: 1,
            op: KvOp::Append {
                key: "k".into(),
                value: "a".into(),
            },
        };
        store.apply_unchecked(&append);
        store.apply_unchecked(&append);
        assert_eq!(store.get("k"), "aa");
    }
}
