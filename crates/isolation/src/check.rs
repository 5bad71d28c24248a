//! The isolation check: infer the dependency graph for the history's model, add real
//! time, find anomalies, and judge them against a consistency model.

use crate::anomaly::{Anomaly, AnomalyKind};
use crate::consistency::Consistency;
use crate::cycles::{self, Cycle};
use crate::graph::{Graph, Why};
use crate::txn::{Status, TxnHistory, TxnModel};
use crate::{list_append, realtime, rw_register};
use serde::Serialize;
use std::fmt;

/// Anomalies of one kind kept in a report; the count says how many there were.
const KEPT_PER_KIND_MAX: usize = 8;

/// The verdict and what it rests on.
#[derive(Clone, Debug, Serialize)]
pub struct IsolationReport {
    pub model: &'static str,
    pub consistency: &'static str,
    /// Whether the history can have the consistency: no anomaly it forbids was found.
    pub valid: bool,
    pub txns: usize,
    pub committed: usize,
    pub aborted: usize,
    pub unknown: usize,
    pub edges: usize,
    /// Every kind found, with how many, in order of kind.
    pub found: Vec<(AnomalyKind, usize)>,
    /// The kinds found that the consistency model forbids.
    pub forbidden: Vec<AnomalyKind>,
    /// Examples, at most a few of each kind.
    pub anomalies: Vec<Anomaly>,
}

/// Checks `history` of `model` transactions against `consistency`.
pub fn check(history: &TxnHistory, model: TxnModel, consistency: Consistency) -> IsolationReport {
    let mut graph = Graph::new(history.txns.len());
    let mut anomalies = Vec::new();
    match model {
        TxnModel::ListAppend => list_append::analyze(history, &mut graph, &mut anomalies),
        TxnModel::RwRegister => rw_register::analyze(history, &mut graph, &mut anomalies),
    }
    // Always: a cycle that needs real time is reported under every model (allowed
    // below strict serializability), so a user sees what a stronger model would say.
    realtime::add_edges(history, &mut graph);
    for (kind, cycle) in cycles::find(&graph) {
        anomalies.push(Anomaly {
            kind,
            txns: cycle.iter().map(|(txn, _)| *txn).collect(),
            explanation: explain(history, &graph, model, &cycle),
        });
    }
    report(history, model, consistency, graph.edge_count(), anomalies)
}

fn report(
    history: &TxnHistory,
    model: TxnModel,
    consistency: Consistency,
    edges: usize,
    mut anomalies: Vec<Anomaly>,
) -> IsolationReport {
    anomalies.sort_by_key(|a| a.kind);
    let mut found: Vec<(AnomalyKind, usize)> = Vec::new();
    for anomaly in &anomalies {
        match found.last_mut() {
            Some((kind, count)) if *kind == anomaly.kind => *count += 1,
            _ => found.push((anomaly.kind, 1)),
        }
    }
    let mut kept_of_kind = 0;
    let mut previous = None;
    anomalies.retain(|a| {
        kept_of_kind = if previous == Some(a.kind) {
            kept_of_kind + 1
        } else {
            1
        };
        previous = Some(a.kind);
        kept_of_kind <= KEPT_PER_KIND_MAX
    });
    let forbidden: Vec<AnomalyKind> = found
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| consistency.forbids(*k))
        .collect();
    let count = |status| history.txns.iter().filter(|t| t.status == status).count();
    IsolationReport {
        model: model.name(),
        consistency: consistency.name(),
        valid: forbidden.is_empty(),
        txns: history.txns.len(),
        committed: count(Status::Ok),
        aborted: count(Status::Fail),
        unknown: count(Status::Info),
        edges,
        found,
        forbidden,
        anomalies,
    }
}

/// A cycle in words, one line per edge: `T1 < T2 because T2 read the append of 3 to x
/// that T1 wrote`.
fn explain(history: &TxnHistory, graph: &Graph, model: TxnModel, cycle: &Cycle) -> Vec<String> {
    let mut lines = Vec::with_capacity(cycle.len() + 1);
    for (i, (from, kind)) in cycle.iter().enumerate() {
        let to = cycle[(i + 1) % cycle.len()].0;
        let because = graph.why(*from, to, *kind).map_or_else(
            || kind.name().to_string(),
            |why| reason(model, *from, to, why),
        );
        lines.push(format!("T{from} < T{to} because {because}"));
    }
    lines.push("so each of them would have to come before itself:".into());
    for (txn, _) in cycle {
        lines.push(format!("  {}", history.txns[*txn]));
    }
    lines
}

fn reason(model: TxnModel, from: usize, to: usize, why: &Why) -> String {
    let (wrote, write) = match model {
        TxnModel::ListAppend => ("appended", "append"),
        TxnModel::RwRegister => ("wrote", "write"),
    };
    match why {
        Why::Ww { key, value, next } => {
            format!("T{to} {wrote} {next} to {key} right after T{from}'s {value}")
        }
        Why::Wr { key, value } => {
            format!("T{to} read the {write} of {value} to {key} that T{from} made")
        }
        Why::Rw { key, seen, next } => match (model, seen) {
            (TxnModel::ListAppend, Some(seen)) => {
                format!(
                    "T{from} read {key} up to {seen} and T{to} appended the next element, \
                        {next}"
                )
            }
            (TxnModel::ListAppend, None) => {
                format!("T{from} read {key} empty and T{to} appended its first element, {next}")
            }
            (TxnModel::RwRegister, seen) => format!(
                "T{from} read {key} = {} and T{to} overwrote it with {next}",
                seen.as_deref().unwrap_or("nil")
            ),
        },
        Why::Rt => format!("T{from} completed before T{to} was invoked"),
    }
}

impl fmt::Display for IsolationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = if self.valid { "VALID" } else { "NOT VALID" };
        writeln!(
            f,
            "{verdict} for {}: {} transactions ({} committed, {} aborted, {} unknown), model {}, \
                {} dependency edges",
            self.consistency,
            self.txns,
            self.committed,
            self.aborted,
            self.unknown,
            self.model,
            self.edges
        )?;
        if self.found.is_empty() {
            return writeln!(f, "  no anomalies found");
        }
        for (kind, count) in &self.found {
            let forbidden = if self.forbidden.contains(kind) {
                " (forbidden)"
            } else {
                " (allowed)"
            };
            writeln!(f, "  {}: {count}{forbidden}", kind.name())?;
        }
        for anomaly in &self.anomalies {
            writeln!(f, "{}:", anomaly.kind.name())?;
            for line in &anomaly.explanation {
                writeln!(f, "    {line}")?;
            }
        }
        Ok(())
    }
}
