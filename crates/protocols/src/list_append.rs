//! The list-append transaction workload, shared by the protocols whose clients run
//! transactions (`twopc` with `"workload": "list_append"`, `raft_txn`): keys `0, 1,
//! ...` each holding a list, and transactions of 1 to a few micro-operations, each an
//! append of a value no other append uses or a read of a whole list.
//!
//! What is shared is the workload, not how a protocol runs it: the micro-operation
//! ([`KeyOp`]), what a transaction's reads saw ([`Reads`]), how random transactions
//! are drawn ([`TxnShape::draw`]), how a transaction is written in the client history
//! (Jepsen's notation, `[[:append 3 4000001] [:r 2 [4000001 5000002]]]`, [`txn_text`])
//! and how a `workload.script` entry names one ([`parse_txn_ops`], [`check_txn_entry`]).
//! The harness checks the history for the isolation each protocol promises.

use crate::protocol::{ScriptProblem, ScriptedOp, Workload};
use crate::transactions::{txn_value, Mop, TxnModel};
use faultline_sim::{NodeId, SimRng};
use serde::Serialize;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

/// One micro-operation of a list-append transaction: append `append` to the list
/// under `key`, or (`None`) read the list.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct KeyOp {
    pub key: u32,
    pub append: Option<u64>,
}

/// What a transaction's reads saw: (the read's index in its transaction, the list).
/// Empty for a bank transfer, and then it hashes as nothing: 2PC messages that carry
/// it hash as they did before it existed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Reads(pub Vec<(u32, Vec<u64>)>);

impl Hash for Reads {
    fn hash<H: Hasher>(&self, state: &mut H) {
        if !self.0.is_empty() {
            self.0.hash(state);
        }
    }
}

impl Reads {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// How random transactions are drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TxnShape {
    /// Keys `0..keys` (the workload's `keys`).
    pub keys: u32,
    /// Micro-operations per transaction: 1 to this many.
    pub ops_max: u32,
    /// The chance each micro-operation is a read (the workload's `read_ratio`).
    pub read_ratio: f64,
}

impl TxnShape {
    /// The shape `workload` asks for (its keys, 1 to 2^20, and read ratio), with 1 to
    /// `ops_max` (at most 100) micro-operations per transaction.
    pub fn for_workload(workload: &Workload, ops_max: u64) -> Self {
        TxnShape {
            keys: workload.keys.clamp(1, 1 << 20) as u32,
            ops_max: ops_max.clamp(1, 100) as u32,
            read_ratio: workload.read_ratio,
        }
    }

    /// 1 to `ops_max` appends and reads over random keys, drawn from `rng`; each
    /// append's value is unique to `client` and counted in `appended`.
    pub fn draw(&self, rng: &mut SimRng, client: NodeId, appended: &mut u64) -> Vec<KeyOp> {
        let len = 1 + rng.below(u64::from(self.ops_max.max(1)));
        let mut ops = Vec::new();
        for _ in 0..len {
            let key = rng.below(u64::from(self.keys.max(1))) as u32;
            let append = if rng.chance(self.read_ratio) {
                None
            } else {
                *appended += 1;
                Some(unique_value(client, *appended))
            };
            ops.push(KeyOp { key, append });
        }
        ops
    }
}

/// A transaction's micro-operations for the history: reads as `reads` saw them
/// (`None`: not known yet, as at invocation).
pub fn mops(ops: &[KeyOp], reads: Option<&Reads>) -> Vec<Mop> {
    let seen = |index: usize| {
        let reads = reads?;
        let (_, list) = reads.0.iter().find(|(i, _)| *i as usize == index)?;
        Some(list.iter().map(u64::to_string).collect())
    };
    ops.iter()
        .enumerate()
        .map(|(index, op)| match op.append {
            Some(value) => Mop::Append {
                key: op.key.to_string(),
                value: value.to_string(),
            },
            None => Mop::ReadList {
                key: op.key.to_string(),
                values: seen(index),
            },
        })
        .collect()
}

/// A transaction as a client event's value.
pub fn txn_text(ops: &[KeyOp], reads: Option<&Reads>) -> String {
    txn_value(&mops(ops, reads))
}

/// The transaction a script's `value` names (`[[:append 0 7] [:r 1 nil]]`), or why not.
pub fn parse_txn_ops(value: Option<&str>) -> Result<Vec<KeyOp>, String> {
    let text = value.ok_or(
        "a transaction needs \"value\": its micro-operations, like \
        \"[[:append 0 7] [:r 1 nil]]\"",
    )?;
    let mops = crate::transactions::parse_txn(text, TxnModel::ListAppend)?;
    if mops.is_empty() {
        return Err("a transaction needs at least one micro-operation".into());
    }
    let number = |what: &str, text: &str| {
        text.parse::<u64>()
            .map_err(|_| format!("{what} `{text}`: expected a whole number"))
    };
    mops.iter()
        .map(|mop| match mop {
            Mop::Append { key, value } => Ok(KeyOp {
                key: u32::try_from(number("key", key)?).map_err(|e| e.to_string())?,
                append: Some(number("value", value)?),
            }),
            Mop::ReadList { key, .. } => Ok(KeyOp {
                key: u32::try_from(number("key", key)?).map_err(|e| e.to_string())?,
                append: None,
            }),
            other => Err(format!("{other} is not a list-append micro-operation")),
        })
        .collect()
}

/// Checks script entry number `entry`, a transaction: no `key` (a transaction names
/// its keys in its value), micro-operations that parse, and appended values no earlier
/// entry appends (`appended`: value → the entry that appends it, so far).
pub fn check_txn_entry(
    entry: usize,
    op: &ScriptedOp,
    appended: &mut BTreeMap<u64, usize>,
) -> Result<(), ScriptProblem> {
    let problem = |field, message| ScriptProblem {
        entry,
        field,
        message,
    };
    if !op.key.is_empty() {
        let message = "a transaction names its keys in its value; remove key";
        return Err(problem("key", message.into()));
    }
    let ops = parse_txn_ops(op.value.as_deref()).map_err(|m| problem("value", m))?;
    for value in ops.iter().filter_map(|o| o.append) {
        if let Some(first) = appended.insert(value, entry) {
            let message = format!(
                "appends {value}, which workload.script[{first}] appends too; \
                    expected values unique to each append"
            );
            return Err(problem("value", message));
        }
    }
    Ok(())
}

/// A value no other client's append has: the client's node id, then its count.
pub fn unique_value(client: NodeId, appended: u64) -> u64 {
    u64::from(client.0) * 1_000_000 + appended
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(key: u32, append: Option<u64>) -> KeyOp {
        KeyOp { key, append }
    }

    #[test]
    fn a_scripted_transaction_reads_back() {
        let ops = parse_txn_ops(Some("[[:append 0 7] [:r 1 nil]]")).expect("parses");
        assert_eq!(ops, [op(0, Some(7)), op(1, None)]);
        assert!(parse_txn_ops(Some("[[:append x 7]]")).is_err());
        assert!(parse_txn_ops(Some("[]")).is_err());
        assert!(parse_txn_ops(None).is_err());
    }

    #[test]
    fn a_transaction_is_written_with_what_its_reads_saw() {
        let ops = [op(1, Some(7)), op(1, None)];
        let reads = Reads(vec![(1, vec![3, 7])]);
        assert_eq!(txn_text(&ops, Some(&reads)), "[[:append 1 7] [:r 1 [3 7]]]");
        assert_eq!(txn_text(&ops, None), "[[:append 1 7] [:r 1 nil]]");
    }

    #[test]
    fn a_script_may_not_append_a_value_twice() {
        let entry = |value: &str| ScriptedOp {
            client: 0,
            at_ns: 0,
            f: "txn".into(),
            key: String::new(),
            value: Some(value.into()),
        };
        let mut appended = BTreeMap::new();
        assert!(check_txn_entry(0, &entry("[[:append 0 7]]"), &mut appended).is_ok());
        let problem = check_txn_entry(1, &entry("[[:append 1 7]]"), &mut appended).unwrap_err();
        assert_eq!(problem.field, "value");
        assert!(
            problem.message.contains("workload.script[0]"),
            "{}",
            problem.message
        );
    }
}
