//! The Porcupine view inside a run's report: when the client history is not
//! linearizable, the operations of the longest linearization the checker found are
//! numbered in its order on the clients' lanes, and the operation it could not place
//! after them is marked, with the model states it could have seen.
//!
//! The checker names operations by their position in the history it was given (the
//! run's client history); a report names them by client and invocation time, which is
//! what both share.

use faultline_harness::Outcome;
use serde_json::{json, Value};

/// `ops` with `order` (1-based place in the longest linearization) and `stuck` set on
/// the operations the counterexample names; unchanged when there is none.
pub fn mark(mut ops: Vec<Value>, outcome: &Outcome) -> Vec<Value> {
    let Some(counterexample) = &outcome.counterexample else {
        return ops;
    };
    let linearized = counterexample["longest_linearization"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    for (place, op) in linearized.iter().enumerate() {
        if let Some(index) = page_op(&ops, outcome, op) {
            ops[index]["order"] = json!(place + 1);
        }
    }
    if let Some(index) = page_op(&ops, outcome, &counterexample["op"]) {
        ops[index]["stuck"] = json!(true);
    }
    ops
}

/// What the page says under the chart: the key, the operations in order, the one that
/// cannot be placed and the states before it.
pub fn summary(outcome: &Outcome) -> Value {
    let Some(counterexample) = &outcome.counterexample else {
        return Value::Null;
    };
    json!({
        "key": counterexample["key"],
        "order": counterexample["longest_linearization"]
            .as_array()
            .map(|ops| ops.iter().map(describe).collect::<Vec<_>>())
            .unwrap_or_default(),
        "stuck": describe(&counterexample["op"]),
        "states_before": counterexample["states_before"],
    })
}

/// The page's operation that the checker's operation `op` is: same client, invoked at
/// the same time.
fn page_op(ops: &[Value], outcome: &Outcome, op: &Value) -> Option<usize> {
    let call = usize::try_from(op["call"].as_u64()?).ok()?;
    let invoked = outcome.history.get(call)?;
    ops.iter().position(|page| {
        page["client"].as_u64() == Some(invoked.node.0 as u64)
            && page["from"].as_u64() == Some(invoked.time_ns)
    })
}

/// `client 5 get k1 -> ""`: one operation in words.
fn describe(op: &Value) -> String {
    let text = |v: &Value| match v {
        Value::Null => None,
        Value::String(s) => Some(format!("{s:?}")),
        other => Some(other.to_string()),
    };
    let mut words = format!(
        "client {} {}",
        op["process"],
        op["f"].as_str().unwrap_or("?")
    );
    if let Some(key) = op["key"].as_str() {
        words += &format!(" {key}");
    }
    if let Some(input) = text(&op["input"]) {
        words += &format!(" {input}");
    }
    match op["status"].as_str() {
        Some("ok") => words += &format!(" -> {}", text(&op["output"]).unwrap_or("ok".into())),
        Some(status) => words += &format!(" -> {status}"),
        None => {}
    }
    words
}
