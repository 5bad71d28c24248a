//! The transactional store: lists by key, with client sessions, as a pure state
//! machine that applies one list-append transaction at a time, atomically, in log
//! order.
//!
//! Applying a transaction runs its micro-operations in order against the lists: an
//! append adds its value to the key's list, a read sees the list as it is then (the
//! transaction's own earlier appends included). Log order is a serial order, so the
//! history is serializable, and since a transaction is answered only after its entry
//! committed and applied, strictly so. Each client has one transaction in flight, so
//! its session is the last sequence number applied and what its reads saw: the same
//! number again is a retry, answered from the session without applying it twice; an
//! older one is a stale duplicate, ignored (as the key-value store's sessions do).

use crate::kv::ApplyOutcome;
use crate::list_append::{KeyOp, Reads};
use crate::raft_txn::ops::TxnCommand;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct TxnStore {
    lists: BTreeMap<u32, Vec<u64>>,
    /// Client → (its last sequence number applied, what that transaction's reads saw).
    sessions: BTreeMap<u64, (u64, Reads)>,
    /// Transactions applied (not counting retries answered from a session).
    applied: u64,
}

impl TxnStore {
    /// Applies `command` at most once per (client, seq).
    pub fn apply(&mut self, command: &TxnCommand) -> ApplyOutcome<Reads> {
        let session = self.sessions.get(&command.client);
        if let Some(outcome) = ApplyOutcome::from_session(session, command.seq) {
            return outcome;
        }
        let reads = self.run(&command.ops);
        self.sessions
            .insert(command.client, (command.seq, reads.clone()));
        self.applied += 1;
        ApplyOutcome::Applied(reads)
    }

    /// Runs `ops` in order, appends taking effect: what the reads saw.
    fn run(&mut self, ops: &[KeyOp]) -> Reads {
        let mut reads = Vec::new();
        for (index, op) in ops.iter().enumerate() {
            match op.append {
                Some(value) => self.lists.entry(op.key).or_default().push(value),
                None => reads.push((index as u32, self.list(op.key).to_vec())),
            }
        }
        Reads(reads)
    }

    /// What a read-only transaction's reads see in this replica's state now, without
    /// going through the log (only `raft_txn.local_read_only` asks).
    pub fn read_locally(&self, ops: &[KeyOp]) -> Reads {
        let reads = ops.iter().enumerate().filter(|(_, op)| op.append.is_none());
        Reads(
            reads
                .map(|(index, op)| (index as u32, self.list(op.key).to_vec()))
                .collect(),
        )
    }

    /// The list under `key` (empty when nothing was appended).
    pub fn list(&self, key: u32) -> &[u64] {
        self.lists.get(&key).map_or(&[], Vec::as_slice)
    }

    pub fn applied_count(&self) -> u64 {
        self.applied
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn txn(client: u64, seq: u64, ops: &[(u32, Option<u64>)]) -> TxnCommand {
        let ops = ops.iter().map(|&(key, append)| KeyOp { key, append });
        TxnCommand {
            client,
            seq,
            ops: ops.collect(),
        }
    }

    #[test]
    fn a_retried_transaction_applies_once_and_gets_its_first_answer() {
        let mut store = TxnStore::default();
        let first = txn(7, 1, &[(0, Some(10)), (0, None)]);
        let answer = Reads(vec![(1, vec![10])]);
        assert_eq!(store.apply(&first), ApplyOutcome::Applied(answer.clone()));
        store.apply(&txn(8, 1, &[(0, Some(20))]));
        assert_eq!(store.apply(&first), ApplyOutcome::Retry(answer));
        assert_eq!(store.list(0), [10, 20]);
        assert_eq!(store.applied_count(), 2);
    }

    #[test]
    fn an_older_transaction_of_a_session_is_ignored() {
        let mut store = TxnStore::default();
        store.apply(&txn(7, 2, &[(0, Some(10))]));
        assert_eq!(
            store.apply(&txn(7, 1, &[(0, Some(5))])),
            ApplyOutcome::Stale
        );
        assert_eq!(store.list(0), [10]);
    }

    #[test]
    fn reads_see_the_transactions_own_earlier_appends_only() {
        let mut store = TxnStore::default();
        let ops = [(1, None), (1, Some(3)), (1, None), (2, None)];
        let outcome = store.apply(&txn(7, 1, &ops));
        let reads = Reads(vec![(0, vec![]), (2, vec![3]), (3, vec![])]);
        assert_eq!(outcome, ApplyOutcome::Applied(reads));
        let local = store.read_locally(&txn(8, 1, &[(1, None)]).ops);
        assert_eq!(local, Reads(vec![(0, vec![3])]));
    }
}
