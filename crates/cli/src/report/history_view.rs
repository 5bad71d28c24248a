//! `faultline check HISTORY --html FILE`: the Porcupine view of a checked history.
//!
//! A history that is not linearizable is understood from a picture: every operation
//! on the key in question as a bar from invocation to completion, one row per client
//! process, the longest linearization the search found numbered in its order, and the
//! operation that cannot be placed after it marked. The page is self-contained like
//! the run report (data inlined, no network) and starts with the same mark, so the
//! same rule decides whether faultline may replace it.

use faultline_check::{CheckReport, History, Op, Status, Verdict};
use serde_json::{json, Value};

const PAGE: &str = include_str!("history.html");
const DATA_SLOT: &str = "/*FAULTLINE_DATA*/null";

/// Operations drawn at most; past this the page says how many it left out.
pub const OPS_DRAWN_MAX: usize = 5_000;

/// The whole page for `history` checked as `report` (`name`: the file it came from).
pub fn page(name: &str, history: &History, report: &CheckReport) -> String {
    let data = view_data(name, history, report);
    PAGE.replacen(DATA_SLOT, &super::inline_json(&data), 1)
}

/// What the page draws: the partition in question (the counterexample's key, or every
/// operation when the history passed), with each operation's place in the longest
/// linearization.
fn view_data(name: &str, history: &History, report: &CheckReport) -> Value {
    let counterexample = report.counterexample.as_ref();
    let key = counterexample.and_then(|c| c.key.clone());
    let order: Vec<usize> = counterexample
        .map(|c| c.longest_linearization.iter().map(|op| op.id).collect())
        .unwrap_or_default();
    let stuck = counterexample.map(|c| c.op.id);
    let in_view: Vec<&Op> = history
        .ops
        .iter()
        .filter(|op| counterexample.is_none() || op.key == key)
        .collect();
    let events_end = history.event_count();
    let ops: Vec<Value> = in_view
        .iter()
        .take(OPS_DRAWN_MAX)
        .map(|op| op_data(op, &order, stuck, events_end))
        .collect();
    json!({
        "format": "faultline-history-report",
        "title": name,
        "verdict": verdict_label(report.verdict),
        "model": report.model,
        "operations": report.operations,
        "key": key,
        "events_end": events_end,
        "ops": ops,
        "ops_left_out": in_view.len().saturating_sub(OPS_DRAWN_MAX),
        "stuck": counterexample.map(|c| c.op.to_string()),
        "linearization": counterexample
            .map(|c| c.longest_linearization.iter().map(Op::to_string).collect::<Vec<_>>()),
        "states_before": counterexample.map(|c| c.states_before.clone()),
    })
}

/// One bar: where it starts and ends (event positions; an operation that never
/// returned runs to the end), its text, and its place in the linearization.
fn op_data(op: &Op, order: &[usize], stuck: Option<usize>, events_end: usize) -> Value {
    json!({
        "id": op.id,
        "process": op.process,
        "call": op.call,
        "ret": op.ret.unwrap_or(events_end),
        "returned": op.ret.is_some(),
        "status": status_name(op.status),
        "text": op.to_string(),
        "order": order.iter().position(|id| *id == op.id).map(|i| i + 1),
        "stuck": stuck == Some(op.id),
    })
}

fn status_name(status: Status) -> &'static str {
    match status {
        Status::Ok => "ok",
        Status::Fail => "fail",
        Status::Info => "info",
    }
}

fn verdict_label(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Linearizable => "LINEARIZABLE",
        Verdict::NotLinearizable => "NOT LINEARIZABLE",
        Verdict::Unknown => "UNKNOWN",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_starts_with_the_report_mark_and_has_one_data_slot() {
        assert!(PAGE.starts_with(super::super::REPORT_HEAD));
        assert_eq!(PAGE.matches(DATA_SLOT).count(), 1);
    }
}
