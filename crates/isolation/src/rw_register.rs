//! Dependencies in a read-write register history. Writes are unique per key, so a read
//! names the transaction it read from (wr). The order of versions is not visible in
//! reads; what is visible is a transaction that read a key and then wrote it: its
//! write came after the version it read. That gives ww (from the version's writer) and
//! rw (from every other reader of that version) edges. The initial state is nil.

use crate::anomaly::{Anomaly, AnomalyKind};
use crate::graph::{EdgeKind, Graph, Why};
use crate::txn::{Mop, Status, TxnHistory};
use crate::writers::{writers, Writer};
use std::collections::{BTreeMap, HashMap};

/// A key's version: `None` is the initial nil.
type Version<'h> = (&'h str, Option<&'h str>);

#[derive(Default)]
struct Facts<'h> {
    readers: BTreeMap<Version<'h>, Vec<usize>>,
    /// A transaction that read a version and then wrote `next` to the same key.
    overwrites: BTreeMap<Version<'h>, Vec<(usize, &'h str)>>,
}

pub fn analyze<'h>(history: &'h TxnHistory, graph: &mut Graph<'h>, anomalies: &mut Vec<Anomaly>) {
    let (writes, aborted) = writers(history);
    let mut facts = Facts::default();
    for txn in history.txns.iter().filter(|t| t.status == Status::Ok) {
        read_facts(txn.id, &txn.mops, &writes, &aborted, &mut facts, anomalies);
    }
    for ((key, value), readers) in &facts.readers {
        let Some(value) = value else { continue };
        if let Some(w) = writes.get(&(*key, *value)) {
            for reader in readers {
                let why = Why::Wr { key, value };
                graph.add(w.txn, *reader, EdgeKind::Wr, why);
            }
        }
    }
    for ((key, value), successors) in &facts.overwrites {
        if successors.len() > 1 {
            anomalies.push(lost_update(key, *value, successors));
        }
    }
    for (version @ (key, value), successors) in &facts.overwrites {
        let writer = value.and_then(|v| writes.get(&(*key, v))).map(|w| w.txn);
        let readers = facts
            .readers
            .get(version)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for (txn, next) in successors {
            if let (Some(w), Some(v)) = (writer, value) {
                let why = Why::Ww {
                    key,
                    value: v,
                    next,
                };
                graph.add(w, *txn, EdgeKind::Ww, why);
            }
            for reader in readers {
                let why = Why::Rw {
                    key,
                    seen: *value,
                    next,
                };
                graph.add(*reader, *txn, EdgeKind::Rw, why);
            }
        }
    }
}

type Writes<'h> = HashMap<(&'h str, &'h str), Writer>;

/// What one committed transaction's reads and writes say: its external reads (each
/// checked for G1a, G1b and values nobody wrote), reads that disagree with its own
/// writes (internal), and which versions it overwrote.
fn read_facts<'h>(
    txn: usize,
    mops: &'h [Mop],
    writes: &Writes<'h>,
    aborted: &HashMap<(&'h str, &'h str), usize>,
    facts: &mut Facts<'h>,
    anomalies: &mut Vec<Anomaly>,
) {
    // Per key: what the transaction knows the key holds (its own write or first read),
    // and the version it read before writing, if it did.
    let mut known: HashMap<&str, Option<&str>> = HashMap::new();
    let mut read_before_write: HashMap<&str, Option<&str>> = HashMap::new();
    let mut last_write: BTreeMap<&str, &str> = BTreeMap::new();
    for mop in mops {
        match mop {
            Mop::Write { key, value } => {
                known.insert(key, Some(value));
                last_write.insert(key, value);
            }
            Mop::ReadRegister {
                key,
                value: Some(value),
            } => {
                let value = value.as_deref();
                if let Some(expected) = known.get(key.as_str()) {
                    if *expected != value {
                        anomalies.push(internal(txn, key, *expected, value));
                    }
                    continue;
                }
                known.insert(key, value);
                read_before_write.insert(key, value);
                facts.readers.entry((key, value)).or_default().push(txn);
                if let Some(v) = value {
                    check_read(txn, key, v, writes, aborted, anomalies);
                }
            }
            _ => {}
        }
    }
    for (key, value) in last_write {
        if let Some(read) = read_before_write.get(key) {
            facts
                .overwrites
                .entry((key, *read))
                .or_default()
                .push((txn, value));
        }
    }
}

fn lost_update(key: &str, value: Option<&str>, successors: &[(usize, &str)]) -> Anomaly {
    let writers: Vec<String> = successors
        .iter()
        .map(|(t, next)| format!("T{t} wrote {next}"))
        .collect();
    Anomaly {
        kind: AnomalyKind::LostUpdate,
        txns: successors.iter().map(|(t, _)| *t).collect(),
        explanation: vec![format!(
            "each read {key} = {} and then {}: one of the updates was lost",
            value.unwrap_or("nil"),
            writers.join(", ")
        )],
    }
}

fn internal(txn: usize, key: &str, expected: Option<&str>, found: Option<&str>) -> Anomaly {
    Anomaly {
        kind: AnomalyKind::Internal,
        txns: vec![txn],
        explanation: vec![format!(
            "T{txn} read {key} = {} where its own earlier operations leave {}",
            found.unwrap_or("nil"),
            expected.unwrap_or("nil")
        )],
    }
}

fn check_read(
    txn: usize,
    key: &str,
    value: &str,
    writes: &Writes<'_>,
    aborted: &HashMap<(&str, &str), usize>,
    anomalies: &mut Vec<Anomaly>,
) {
    let (kind, involved, words) = match (writes.get(&(key, value)), aborted.get(&(key, value))) {
        (Some(w), _) if !w.last_in_txn && w.txn != txn => (
            AnomalyKind::G1b,
            vec![w.txn, txn],
            format!(
                "T{txn} read {key} = {value}, an intermediate write of T{}, which wrote {key} \
                again",
                w.txn
            ),
        ),
        (Some(_), _) => return,
        (None, Some(writer)) => (
            AnomalyKind::G1a,
            vec![*writer, txn],
            format!("T{txn} read {key} = {value}, written by T{writer}, which aborted"),
        ),
        (None, None) => (
            AnomalyKind::GarbageRead,
            vec![txn],
            format!("T{txn} read {key} = {value}, which no transaction wrote"),
        ),
    };
    anomalies.push(Anomaly {
        kind,
        txns: involved,
        explanation: vec![words],
    });
}
