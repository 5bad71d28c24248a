//! The list-append workload (`"workload": "list_append"`): instead of bank transfers,
//! clients run transactions of appends and reads over keys `0, 1, ...` spread over
//! the participants as accounts are (`Bank::home_of`), each key holding a list.
//!
//! A participant reads at PREPARE, under a shared lock, what its committed list holds
//! plus the transaction's own earlier appends; appends take the key to themselves and
//! are applied when the commit arrives. Locks are held until the decision (strict
//! two-phase locking across the participants), so a committed history is strict
//! serializable: each transaction holds every lock it took when it is decided, so the
//! decision order is a serial order, and one invoked after another completed is
//! decided after it. The harness checks exactly that (`TwoPc::isolation`).
//!
//! In the client history a transaction is `f: "txn"` with its micro-operations in
//! Jepsen's notation (`[[:append 3 4000001] [:r 2 [4000001 5000002]]]`), which is
//! also how a `workload.script` names one.

use crate::list_append::{KeyOp, Reads};
use crate::twopc::bank::Bank;
use crate::twopc::messages::Change;
use std::collections::BTreeMap;

/// A participant's committed lists, by key.
pub type Lists = BTreeMap<u32, Vec<u64>>;

/// Each participant a transaction involves, with its changes there, by node.
pub fn txn_changes(bank: &Bank, ops: &[KeyOp]) -> Vec<(u32, Vec<Change>)> {
    let mut by_node: BTreeMap<u32, Vec<Change>> = BTreeMap::new();
    for (index, op) in ops.iter().enumerate() {
        let change = match op.append {
            Some(value) => Change::Append { key: op.key, value },
            None => Change::Read {
                index: index as u32,
                key: op.key,
            },
        };
        by_node
            .entry(bank.home_of(op.key))
            .or_default()
            .push(change);
    }
    by_node.into_iter().collect()
}

/// What `changes`' reads see: each key's list as `base` gives it, then the
/// transaction's own appends before the read.
pub fn read_all<'a>(changes: &[Change], base: impl Fn(u32) -> Vec<u64> + 'a) -> Reads {
    let mut own: Lists = BTreeMap::new();
    let mut reads = Vec::new();
    for change in changes {
        match change {
            Change::Append { key, value } => own.entry(*key).or_default().push(*value),
            Change::Read { index, key } => {
                let mut seen = base(*key);
                seen.extend(own.get(key).into_iter().flatten());
                reads.push((*index, seen));
            }
            Change::Account(_) => {}
        }
    }
    Reads(reads)
}

/// The reads of several participants, in the transaction's order.
pub fn merge<'a>(parts: impl IntoIterator<Item = &'a Reads>) -> Reads {
    let mut all: Vec<(u32, Vec<u64>)> = parts.into_iter().flat_map(|r| r.0.clone()).collect();
    all.sort_by_key(|(index, _)| *index);
    all.dedup_by_key(|(index, _)| *index);
    Reads(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::list_append::txn_text;

    fn op(key: u32, append: Option<u64>) -> KeyOp {
        KeyOp { key, append }
    }

    #[test]
    fn a_transaction_splits_by_home_and_reads_see_its_own_appends() {
        let bank = Bank {
            accounts: 8,
            participants: 2,
            initial_balance: 100,
        };
        let ops = [op(1, Some(7)), op(1, None), op(2, None)];
        let changes = txn_changes(&bank, &ops);
        assert_eq!(changes.iter().map(|(n, _)| *n).collect::<Vec<_>>(), [1, 2]);
        let node2 = &changes[1].1;
        let reads = read_all(node2, |key| if key == 1 { vec![3] } else { vec![] });
        assert_eq!(reads, Reads(vec![(1, vec![3, 7])]));
        let all = merge([&read_all(&changes[0].1, |_| vec![]), &reads]);
        assert_eq!(all.0.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(
            txn_text(&ops, Some(&all)),
            "[[:append 1 7] [:r 1 [3 7]] [:r 2 []]]"
        );
        assert_eq!(
            txn_text(&ops, None),
            "[[:append 1 7] [:r 1 nil] [:r 2 nil]]"
        );
    }
}
