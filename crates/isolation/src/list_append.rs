//! Dependencies in a list-append history. Appends are unique per key, so a read of a
//! list names, in order, every append it saw: the longest read of a key gives the
//! order of its versions, every other read must be a prefix of it, and each read sits
//! at a known place in that order. From there: ww between consecutive appends, wr from
//! the append a read ended on, rw from a read to the append just after what it saw.

use crate::anomaly::{Anomaly, AnomalyKind};
use crate::graph::{EdgeKind, Graph, Why};
use crate::txn::{Mop, Status, TxnHistory};
use crate::writers::{writers, Element, Writer};
use std::collections::{BTreeMap, HashMap};

/// A committed read of a key, after the reader's own appends are taken off its end.
struct Read<'h> {
    txn: usize,
    seen: &'h [String],
}

pub fn analyze<'h>(history: &'h TxnHistory, graph: &mut Graph<'h>, anomalies: &mut Vec<Anomaly>) {
    let (appends, aborted) = writers(history);
    let mut reads: BTreeMap<&str, Vec<Read>> = BTreeMap::new();
    for txn in history.txns.iter().filter(|t| t.status == Status::Ok) {
        let mut own: HashMap<&str, Vec<&str>> = HashMap::new();
        for mop in &txn.mops {
            match mop {
                Mop::Append { key, value } => own.entry(key).or_default().push(value),
                Mop::ReadList {
                    key,
                    values: Some(values),
                } => {
                    let mine = own.get(key.as_str()).map(Vec::as_slice).unwrap_or_default();
                    let Some(seen) = external_part(txn.id, key, values, mine, anomalies) else {
                        continue;
                    };
                    check_read(txn.id, key, seen, &appends, &aborted, anomalies);
                    reads
                        .entry(key)
                        .or_default()
                        .push(Read { txn: txn.id, seen });
                }
                _ => {}
            }
        }
    }
    let unobserved = unobserved_appends(history, &reads);
    for (key, key_reads) in &reads {
        let later = unobserved.get(key).map(Vec::as_slice).unwrap_or_default();
        add_key_edges(key, key_reads, later, &appends, graph, anomalies);
    }
}

/// The part of a read that others wrote: the read without the reader's own appends
/// at its end. A read that does not end with them, or holds an element twice, is an
/// anomaly and gives no order.
fn external_part<'h>(
    txn: usize,
    key: &str,
    values: &'h [String],
    own: &[&str],
    anomalies: &mut Vec<Anomaly>,
) -> Option<&'h [String]> {
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = values.iter().find(|v| !seen.insert(v.as_str())) {
        anomalies.push(Anomaly {
            kind: AnomalyKind::DuplicateElements,
            txns: vec![txn],
            explanation: vec![format!("T{txn} read {key} holding {twice} twice")],
        });
        return None;
    }
    let ends_with_own = values.len() >= own.len()
        && values[values.len() - own.len()..]
            .iter()
            .zip(own)
            .all(|(a, b)| a == b);
    if !ends_with_own {
        anomalies.push(Anomaly {
            kind: AnomalyKind::Internal,
            txns: vec![txn],
            explanation: vec![format!(
                "T{txn} appended [{}] to {key} but then read [{}], which does not end with them",
                own.join(" "),
                values.join(" ")
            )],
        });
        return None;
    }
    Some(&values[..values.len() - own.len()])
}

/// Anomalies one read shows by itself: elements of aborted appends (G1a), of appends
/// nobody made, and ending on an append its transaction later followed (G1b).
fn check_read(
    txn: usize,
    key: &str,
    seen: &[String],
    appends: &HashMap<Element<'_>, Writer>,
    aborted: &HashMap<Element<'_>, usize>,
    anomalies: &mut Vec<Anomaly>,
) {
    for value in seen {
        if let Some(writer) = aborted.get(&(key, value.as_str())) {
            anomalies.push(Anomaly {
                kind: AnomalyKind::G1a,
                txns: vec![*writer, txn],
                explanation: vec![format!(
                    "T{txn} read {value} in {key}, appended by T{writer}, which aborted"
                )],
            });
        } else if appends
            .get(&(key, value.as_str()))
            .is_some_and(|a| a.txn == txn)
        {
            anomalies.push(Anomaly {
                kind: AnomalyKind::Internal,
                txns: vec![txn],
                explanation: vec![format!(
                    "T{txn} read {value} in {key} before it appended it"
                )],
            });
        } else if !appends.contains_key(&(key, value.as_str())) {
            anomalies.push(Anomaly {
                kind: AnomalyKind::GarbageRead,
                txns: vec![txn],
                explanation: vec![format!(
                    "T{txn} read {value} in {key}, which no transaction appended"
                )],
            });
        }
    }
    let Some(last) = seen.last() else { return };
    if let Some(append) = appends.get(&(key, last.as_str())) {
        if !append.last_in_txn && append.txn != txn {
            anomalies.push(Anomaly {
                kind: AnomalyKind::G1b,
                txns: vec![append.txn, txn],
                explanation: vec![format!(
                    "T{txn} read {key} ending in {last}, an intermediate append of T{}, which \
                        appended to {key} again",
                    append.txn
                )],
            });
        }
    }
}

/// The version order of `key` from its longest read, the reads that disagree with it,
/// and the ww, wr and rw edges it gives.
fn add_key_edges<'h>(
    key: &'h str,
    reads: &[Read<'h>],
    later: &[(usize, &'h str)],
    appends: &HashMap<Element<'_>, Writer>,
    graph: &mut Graph<'h>,
    anomalies: &mut Vec<Anomaly>,
) {
    let Some(longest) = reads.iter().max_by_key(|r| r.seen.len()) else {
        return;
    };
    let order = longest.seen;
    if let Some(read) = reads.iter().find(|r| order[..r.seen.len()] != *r.seen) {
        anomalies.push(Anomaly {
            kind: AnomalyKind::IncompatibleOrder,
            txns: vec![longest.txn, read.txn],
            explanation: vec![format!(
                "T{} read {key} as [{}] and T{} as [{}]: neither extends the other",
                longest.txn,
                order.join(" "),
                read.txn,
                read.seen.join(" ")
            )],
        });
        return;
    }
    check_own_order(key, order, appends, anomalies);
    let writer = |value: &str| appends.get(&(key, value)).map(|a| a.txn);
    let mut versions = order
        .iter()
        .map(String::as_str)
        .chain(later.iter().map(|(_, v)| *v));
    // ww: each observed append after the one before it; appends nobody saw after the
    // last observed one (their order among themselves is unknown).
    if let Some(mut previous) = versions.next().filter(|_| !order.is_empty()) {
        for (i, next) in versions.enumerate() {
            if let (Some(a), Some(b)) = (writer(previous), writer(next)) {
                graph.add(
                    a,
                    b,
                    EdgeKind::Ww,
                    Why::Ww {
                        key,
                        value: previous,
                        next,
                    },
                );
            }
            if i + 1 < order.len() {
                previous = next;
            }
        }
    }
    for read in reads {
        add_read_edges(key, read, order, later, &writer, graph);
    }
}

/// wr from the append a read ended on; rw to the append just after what it saw (to
/// every append nobody saw, when it saw all that anyone did).
fn add_read_edges<'h>(
    key: &'h str,
    read: &Read<'h>,
    order: &'h [String],
    later: &[(usize, &'h str)],
    writer: &dyn Fn(&str) -> Option<usize>,
    graph: &mut Graph<'h>,
) {
    let seen = read.seen.last().map(String::as_str);
    if let Some(value) = seen {
        if let Some(w) = writer(value) {
            graph.add(w, read.txn, EdgeKind::Wr, Why::Wr { key, value });
        }
    }
    let next: Vec<(Option<usize>, &str)> = match order.get(read.seen.len()) {
        Some(next) => vec![(writer(next), next.as_str())],
        None => later.iter().map(|(w, v)| (Some(*w), *v)).collect(),
    };
    for (w, next) in next {
        if let Some(w) = w {
            graph.add(read.txn, w, EdgeKind::Rw, Why::Rw { key, seen, next });
        }
    }
}

/// A transaction's appends to a key must appear in the order it made them.
fn check_own_order(
    key: &str,
    order: &[String],
    appends: &HashMap<Element<'_>, Writer>,
    anomalies: &mut Vec<Anomaly>,
) {
    let mut last_seq: HashMap<usize, (usize, &str)> = HashMap::new();
    for value in order {
        let Some(append) = appends.get(&(key, value.as_str())) else {
            continue;
        };
        if let Some((seq, before)) = last_seq.insert(append.txn, (append.seq, value)) {
            if seq > append.seq {
                anomalies.push(Anomaly {
                    kind: AnomalyKind::Internal,
                    txns: vec![append.txn],
                    explanation: vec![format!(
                        "T{} appended {value} before {before} to {key}, but {key} reads {before} \
                            first",
                        append.txn
                    )],
                });
                return;
            }
        }
    }
}

/// Per key, at most this many committed appends no read saw are linked after every
/// read that saw the whole order (a bound on a product that is tiny in real histories).
const UNOBSERVED_LINKED_MAX: usize = 64;

/// Committed appends that no read saw, by key: they come after every observed one.
fn unobserved_appends<'h>(
    history: &'h TxnHistory,
    reads: &BTreeMap<&str, Vec<Read<'h>>>,
) -> HashMap<&'h str, Vec<(usize, &'h str)>> {
    let mut observed: std::collections::HashSet<(&str, &str)> = Default::default();
    for (key, key_reads) in reads {
        if let Some(longest) = key_reads.iter().max_by_key(|r| r.seen.len()) {
            observed.extend(longest.seen.iter().map(|v| (*key, v.as_str())));
        }
    }
    let mut later: HashMap<&str, Vec<(usize, &str)>> = HashMap::new();
    for txn in history.txns.iter().filter(|t| t.status == Status::Ok) {
        for mop in &txn.mops {
            if let Mop::Append { key, value } = mop {
                let list = later.entry(key.as_str()).or_default();
                if !observed.contains(&(key.as_str(), value.as_str()))
                    && list.len() < UNOBSERVED_LINKED_MAX
                {
                    list.push((txn.id, value.as_str()));
                }
            }
        }
    }
    later
}
