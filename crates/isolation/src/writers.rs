//! Who wrote each value: appends in a list-append history, writes in a register
//! history. Values are unique per key, so a value names its writer. Aborted
//! transactions' writes are kept apart: reading one is G1a.

use crate::txn::{Mop, Status, TxnHistory};
use std::collections::HashMap;

/// A key and a value written to it.
pub type Element<'h> = (&'h str, &'h str);

/// The transaction that wrote a value, its place among that transaction's writes to
/// the key, and whether it was the last of them (a read of an earlier one saw an
/// intermediate state: G1b).
pub struct Writer {
    pub txn: usize,
    pub seq: usize,
    pub last_in_txn: bool,
}

/// The writers of committed or possibly committed transactions, and of aborted ones.
pub type Writers<'h> = (HashMap<Element<'h>, Writer>, HashMap<Element<'h>, usize>);

pub fn writers(history: &TxnHistory) -> Writers<'_> {
    let mut written = HashMap::new();
    let mut aborted = HashMap::new();
    for txn in &history.txns {
        let mops: Vec<Element> = txn.mops.iter().filter_map(element).collect();
        for (i, (key, value)) in mops.iter().enumerate() {
            if txn.status == Status::Fail {
                aborted.entry((*key, *value)).or_insert(txn.id);
                continue;
            }
            let last_in_txn = !mops[i + 1..].iter().any(|(k, _)| k == key);
            let seq = mops[..i].iter().filter(|(k, _)| k == key).count();
            written.entry((*key, *value)).or_insert(Writer {
                txn: txn.id,
                seq,
                last_in_txn,
            });
        }
    }
    (written, aborted)
}

/// What a micro-operation wrote, if it wrote.
fn element(mop: &Mop) -> Option<Element<'_>> {
    match mop {
        Mop::Append { key, value } | Mop::Write { key, value } => {
            Some((key.as_str(), value.as_str()))
        }
        _ => None,
    }
}
