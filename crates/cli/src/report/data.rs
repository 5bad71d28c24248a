//! The data a report page draws, built from a run kept with its trace: every event
//! with a readable label and text, an estimated send time for each message (sends
//! are not trace events), node states, fault bands, client operations and the
//! violation. Serialised as one JSON object inlined in the page.

use super::{columns, linearization};
use faultline_harness::node_states::StateChange;
use faultline_harness::timeline::{self, event_time_ns};
use faultline_harness::Outcome;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

/// Everything the page needs about one run.
pub fn report_data(title: &str, protocol: &str, servers: usize, outcome: &Outcome) -> Value {
    let events = outcome.trace.as_deref().unwrap_or_default();
    let nodes = servers + outcome.clients;
    let violation = outcome.property.as_ref().map(|property| {
        let at_ns = outcome
            .violation_event
            .and_then(|index| event_time_ns(events, index))
            .unwrap_or(outcome.sim_time_ns);
        json!({
            "property": property,
            "detail": outcome.detail,
            "event": outcome.violation_event,
            "t": at_ns,
            "at_end": outcome.violation_event.is_none(),
        })
    });
    let (latency_ns_min, latency_ns_max) = (
        outcome.network.latency_ns_min,
        outcome.network.latency_ns_max,
    );
    json!({
        "format": "faultline-report",
        "title": title,
        "protocol": protocol,
        "seed": outcome.seed,
        "verdict": outcome.verdict.label(),
        "servers": servers,
        "nodes": nodes,
        "end_ns": outcome.sim_time_ns,
        "latency_ns": [latency_ns_min, latency_ns_max],
        "events": columns::encode(page_events(events, nodes, latency_ns_min, latency_ns_max)),
        "states": states(&outcome.states),
        "faults": fault_bands(events, nodes, outcome.sim_time_ns),
        "ops": linearization::mark(client_ops(events, outcome.sim_time_ns), outcome),
        "linearization": linearization::summary(outcome),
        "violation": violation,
    })
}

/// Each event as `{i, t, node, kind, from, sent, label, text, dup}`.
fn page_events(
    events: &[Value],
    nodes: usize,
    latency_min_ns: u64,
    latency_max_ns: u64,
) -> Vec<Value> {
    let mut handled_at: Vec<Vec<u64>> = vec![Vec::new(); nodes];
    let mut last_delivery: HashMap<(u64, u64, String), u64> = HashMap::new();
    let mut page = Vec::with_capacity(events.len());
    for (index, event) in events.iter().enumerate() {
        let t = event["t"].as_u64().unwrap_or(0);
        let kind = event["kind"].as_str().unwrap_or("?");
        let node = event["node"].as_u64();
        let mut item =
            json!({ "i": index, "t": t, "node": node, "kind": kind, "label": label(event) });
        item["text"] = json!(timeline::what(event));
        if let (Some(from), Some(to)) = (event["from"].as_u64(), node) {
            // A drop is recorded when it is decided, often at the send itself.
            let latency_ns = if kind == "drop" { 0 } else { latency_min_ns };
            let sent = estimated_send_ns(&handled_at, from, t, latency_ns);
            item["from"] = json!(from);
            item["sent"] = json!(sent);
            if kind == "deliver" {
                let key = (from, to, event["msg"].to_string());
                let earlier = last_delivery.insert(key, t);
                let duplicate = earlier.is_some_and(|before| t - before <= latency_max_ns);
                item["dup"] = json!(duplicate);
            }
        }
        if kind != "drop" {
            if let Some(times) = node.and_then(|n| handled_at.get_mut(n as usize)) {
                times.push(t);
            }
        }
        page.push(item);
    }
    page
}

/// When a message arriving at `t` from `from` was most likely sent: the sender's
/// last handled event at least the minimum latency earlier (or that long before).
fn estimated_send_ns(handled_at: &[Vec<u64>], from: u64, t: u64, latency_min_ns: u64) -> u64 {
    let latest = t.saturating_sub(latency_min_ns);
    let times = handled_at
        .get(from as usize)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let before = times.partition_point(|&at| at <= latest);
    before.checked_sub(1).map_or(latest, |index| times[index])
}

/// A short name for the event: the message's or timer's type, the fault's kind.
fn label(event: &Value) -> String {
    let variant = |value: &Value| match value {
        Value::Object(fields) if fields.len() == 1 => fields.keys().next().cloned(),
        Value::String(text) => Some(text.clone()),
        _ => None,
    };
    let field = match event["kind"].as_str() {
        Some("deliver" | "drop") => &event["msg"],
        Some("timer") => &event["timer"],
        Some("fault") => &event["fault"],
        Some("observe") => &event["observe"]["type"],
        _ => &Value::Null,
    };
    variant(field).unwrap_or_else(|| event["kind"].as_str().unwrap_or("?").to_string())
}

fn states(changes: &[StateChange]) -> Vec<Value> {
    changes
        .iter()
        .map(|c| json!({ "t": c.t, "node": c.node, "state": c.state }))
        .collect()
}

/// Ends the open band `key` at `t`, if there is one.
fn close(open: &mut OpenBands, bands: &mut Vec<Value>, key: (Option<u64>, &'static str), t: u64) {
    if let Some(mut band) = open.remove(&key) {
        band["to"] = json!(t);
        bands.push(band);
    }
}

/// Bands not closed yet, by node (`None`: the network) and kind.
type OpenBands = HashMap<(Option<u64>, &'static str), Value>;

/// Faults as bands `{node, kind, from, to, text}`: a crash until the node starts
/// again, a pause until it resumes, a partition until it heals (node `null`); clock
/// faults as points (`to` equal to `from`).
fn fault_bands(events: &[Value], nodes: usize, end_ns: u64) -> Vec<Value> {
    let mut open: OpenBands = HashMap::new();
    let mut bands = Vec::new();
    for event in events {
        let t = event["t"].as_u64().unwrap_or(0);
        let node = event["node"].as_u64();
        let text = event["text"].as_str().unwrap_or("").to_string();
        let band =
            |kind: &str| json!({ "node": node, "kind": kind, "from": t, "to": t, "text": text });
        match (event["kind"].as_str(), label(event).to_lowercase().as_str()) {
            (Some("start"), _) => close(&mut open, &mut bands, (node, "crash"), t),
            (Some("fault"), "crash") => {
                open.insert((node, "crash"), band("crash"));
            }
            (Some("fault"), "pause") => {
                open.insert((node, "pause"), band("pause"));
            }
            (Some("fault"), "resume") => close(&mut open, &mut bands, (node, "pause"), t),
            (Some("fault"), "partition") => {
                close(&mut open, &mut bands, (None, "partition"), t);
                open.insert((None, "partition"), band("partition"));
            }
            (Some("fault"), "heal") => close(&mut open, &mut bands, (None, "partition"), t),
            (Some("fault"), "recoverall") => {
                close(&mut open, &mut bands, (None, "partition"), t);
                for n in 0..nodes as u64 {
                    close(&mut open, &mut bands, (Some(n), "pause"), t);
                }
            }
            (Some("fault"), kind @ ("clockjump" | "clockdrift")) => {
                let kind = if kind == "clockjump" {
                    "clock jump"
                } else {
                    "clock drift"
                };
                bands.push(band(kind));
            }
            _ => {}
        }
    }
    let mut still_open: Vec<Value> = open.into_values().collect();
    still_open.sort_by_key(|band| band["from"].as_u64());
    for mut band in still_open {
        band["to"] = json!(end_ns);
        bands.push(band);
    }
    bands
}

/// Client operations, invoke to completion: `{client, f, key, value, from, to, type}`;
/// `type` is `ok`, `fail`, `info`, or `open` for one still pending at the end.
fn client_ops(events: &[Value], end_ns: u64) -> Vec<Value> {
    // Ordered by client, so the unfinished operations come out in the same order on
    // every run of the report.
    let mut pending: BTreeMap<u64, Value> = BTreeMap::new();
    let mut ops = Vec::new();
    for event in events.iter().filter(|e| e["kind"] == "observe") {
        let (Some(client), observed) = (event["node"].as_u64(), &event["observe"]) else {
            continue;
        };
        let t = event["t"].as_u64().unwrap_or(0);
        let kind = observed["type"].as_str().unwrap_or("");
        if kind == "invoke" {
            let op = json!({ "client": client, "f": observed["f"], "key": observed["key"],
                "value": observed["value"], "from": t, "to": end_ns, "type": "open" });
            if let Some(unfinished) = pending.insert(client, op) {
                ops.push(unfinished);
            }
        } else if let Some(mut op) = pending.remove(&client) {
            op["to"] = json!(t);
            op["type"] = json!(kind);
            if !observed["value"].is_null() {
                op["result"] = observed["value"].clone();
            }
            ops.push(op);
        }
    }
    ops.extend(pending.into_values());
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_send_is_placed_at_the_senders_last_event_before_the_arrival() {
        let handled = vec![vec![10, 50, 95]];
        assert_eq!(estimated_send_ns(&handled, 0, 100, 10), 50);
        assert_eq!(estimated_send_ns(&handled, 0, 15, 10), 5);
    }

    #[test]
    fn a_crash_band_lasts_until_the_node_starts_again() {
        let events = vec![
            json!({"t": 5, "node": 1, "kind": "fault", "fault": {"Crash": {}}, "text": "crash n1"}),
            json!({"t": 9, "node": 1, "kind": "start"}),
            json!({"t": 12, "kind": "fault", "fault": {"Partition": {}}, "text": "partition"}),
        ];
        let bands = fault_bands(&events, 2, 20);
        assert_eq!(bands[0]["kind"], "crash");
        assert_eq!(
            (bands[0]["from"].as_u64(), bands[0]["to"].as_u64()),
            (Some(5), Some(9))
        );
        assert_eq!(bands[1]["kind"], "partition");
        assert_eq!(bands[1]["to"], 20);
    }

    #[test]
    fn an_operation_spans_its_invoke_and_completion() {
        let events = vec![
            json!({"t": 3, "node": 5, "kind": "observe",
                   "observe": {"type": "invoke", "f": "get", "key": "k"}}),
            json!({"t": 8, "node": 5, "kind": "observe",
                   "observe": {"type": "ok", "f": "get", "key": "k", "value": 4}}),
        ];
        let ops = client_ops(&events, 20);
        assert_eq!(ops.len(), 1);
        assert_eq!(
            (ops[0]["from"].as_u64(), ops[0]["to"].as_u64()),
            (Some(3), Some(8))
        );
        assert_eq!(ops[0]["type"], "ok");
        assert_eq!(ops[0]["result"], 4);
    }
}
