//! The key-value state machine the committed entries drive, with client sessions so
//! a retried command applies once. It behaves as the built-in protocols' store (same
//! operations, same session rule, same outputs); it is the adapter's own because a
//! raft-rs snapshot carries the state machine as bytes, so the store must be able to
//! write itself out and read itself back (`to_bytes`, `from_bytes`).

use crate::api::{ApplyOutcome, Command, KvOp, KvOutput};
use crate::codec::{read_output, write_output, Reader, Writer};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Store {
    data: BTreeMap<String, String>,
    /// Client → its last sequence number applied and what that returned.
    sessions: BTreeMap<u64, (u64, KvOutput)>,
    /// Commands applied (retries answered from a session not counted).
    applied: u64,
}

impl Store {
    /// Applies `command` at most once per (client, seq).
    pub fn apply(&mut self, command: &Command) -> ApplyOutcome {
        if let Some((last_seq, output)) = self.sessions.get(&command.client) {
            if command.seq == *last_seq {
                return ApplyOutcome::Retry(output.clone());
            }
            if command.seq < *last_seq {
                return ApplyOutcome::Stale;
            }
        }
        let output = match &command.op {
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
        };
        self.sessions
            .insert(command.client, (command.seq, output.clone()));
        self.applied += 1;
        ApplyOutcome::Applied(output)
    }

    pub fn get(&self, key: &str) -> &str {
        self.data.get(key).map_or("", String::as_str)
    }

    pub fn applied_count(&self) -> u64 {
        self.applied
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.u64(self.data.len() as u64);
        for (key, value) in &self.data {
            w.str(key);
            w.str(value);
        }
        w.u64(self.sessions.len() as u64);
        for (client, (seq, output)) in &self.sessions {
            w.u64(*client);
            w.u64(*seq);
            write_output(&mut w, output);
        }
        w.u64(self.applied);
        w.0
    }

    /// The store `to_bytes` wrote; `None` if `bytes` is not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<Store> {
        let mut r = Reader(bytes);
        let mut store = Store::default();
        for _ in 0..r.u64()? {
            let key = r.str()?;
            store.data.insert(key, r.str()?);
        }
        for _ in 0..r.u64()? {
            let client = r.u64()?;
            let seq = r.u64()?;
            store.sessions.insert(client, (seq, read_output(&mut r)?));
        }
        store.applied = r.u64()?;
        r.is_empty().then_some(store)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(client: u64, seq: u64, op: KvOp) -> Command {
        Command { client, seq, op }
    }

    #[test]
    fn sessions_apply_once_and_the_store_round_trips() {
        let mut store = Store::default();
        let append = command(
            1,
            1,
            KvOp::Append {
                key: "k".into(),
                value: "a".into(),
            },
        );
        assert_eq!(store.apply(&append), ApplyOutcome::Applied(KvOutput::Done));
        assert_eq!(store.apply(&append), ApplyOutcome::Retry(KvOutput::Done));
        let get = command(2, 4, KvOp::Get { key: "k".into() });
        assert_eq!(
            store.apply(&get),
            ApplyOutcome::Applied(KvOutput::Value("a".into()))
        );
        assert_eq!(
            store.apply(&command(2, 3, KvOp::Get { key: "k".into() })),
            ApplyOutcome::Stale
        );
        assert_eq!(Store::from_bytes(&store.to_bytes()), Some(store.clone()));
        assert_eq!(Store::from_bytes(&store.to_bytes()[1..]), None);
        assert_eq!(store.applied_count(), 2);
    }
}
