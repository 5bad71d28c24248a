//! Real-time order: a transaction that completed before another was invoked must come
//! first under strict serializability. Linking every such pair is quadratic; linking
//! each invocation only to the frontier (completed transactions no later completion
//! follows in real time) keeps the same order, transitively, in about as many edges
//! per transaction as there are concurrent processes.

use crate::graph::{EdgeKind, Graph, Why};
use crate::txn::{Status, TxnHistory};

pub fn add_edges(history: &TxnHistory, graph: &mut Graph) {
    // (event position, transaction, is the completion)
    let mut events: Vec<(usize, usize, bool)> = Vec::with_capacity(history.txns.len() * 2);
    for txn in &history.txns {
        if txn.status == Status::Fail {
            continue;
        }
        events.push((txn.invoke_index, txn.id, false));
        if let (Some(done), Status::Ok) = (txn.complete_index, txn.status) {
            events.push((done, txn.id, true));
        }
    }
    events.sort_unstable();
    let invoked_at = |txn: usize| history.txns[txn].invoke_index;
    // Completed transactions, each with its completion position.
    let mut frontier: Vec<(usize, usize)> = Vec::new();
    for (at, txn, completion) in events {
        if completion {
            // Whatever completed before this one was invoked now precedes it.
            frontier.retain(|(done, _)| *done > invoked_at(txn));
            frontier.push((at, txn));
        } else {
            for (_, before) in &frontier {
                graph.add(*before, txn, EdgeKind::Rt, Why::Rt);
            }
        }
    }
}
