//! A readable, per-event timeline of a trace that explains a failure: one line per
//! event with the message's type and every field (never raw JSON cut short), faults
//! marked `!!`, client operations inline, each node's state (role, term, commit
//! index: the protocol's `Actor::summary`) shown when it changes, and a `>>>
//! VIOLATION` marker at the event after which the checker found the property broken,
//! with the checker's words. Timers are hidden unless asked for; a [`Filter`] keeps
//! only some nodes or a time window. Rendered from the trace's JSON events, so it
//! reads the same whether the events came from a file or a fresh run.

use crate::node_states::StateChange;
use serde_json::{Map, Value};
use std::fmt::Write;

/// The broken property, and the event after which it was found.
#[derive(Clone, Copy, Debug)]
pub struct ViolationMark<'a> {
    /// 0-based index into the events; `None` when found only at the end of the run
    /// (a history check, a stuck run).
    pub event: Option<u64>,
    pub property: &'a str,
    pub detail: &'a str,
}

/// What a timeline is drawn from.
#[derive(Clone, Copy, Debug, Default)]
pub struct Timeline<'a> {
    pub events: &'a [Value],
    pub states: &'a [StateChange],
    pub violation: Option<ViolationMark<'a>>,
}

/// Which events to show.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Only events on (or messages from) these nodes; empty: every node.
    pub nodes: Vec<u32>,
    /// Only events at or after this simulated time.
    pub from_ns: Option<u64>,
    /// Only events at or before this simulated time.
    pub to_ns: Option<u64>,
    /// Show timer events (hidden by default: mostly heartbeats and checks).
    pub timers: bool,
}

impl Filter {
    fn in_window(&self, time_ns: u64) -> bool {
        self.from_ns.is_none_or(|from| time_ns >= from) && self.to_ns.is_none_or(|to| time_ns <= to)
    }

    fn on_nodes(&self, nodes: &[Option<u64>]) -> bool {
        self.nodes.is_empty()
            || nodes
                .iter()
                .flatten()
                .any(|n| self.nodes.iter().any(|&keep| u64::from(keep) == *n))
    }

    fn with_timers(&self) -> Filter {
        Filter {
            timers: true,
            ..self.clone()
        }
    }

    fn shows(&self, event: &Value) -> bool {
        if event["kind"] == "timer" && !self.timers {
            return false;
        }
        let network_wide = event["node"].is_null();
        self.in_window(time_of(event))
            && (network_wide || self.on_nodes(&[event["node"].as_u64(), event["from"].as_u64()]))
    }
}

/// The simulated time of the event at `index`, if there is one.
pub fn event_time_ns(events: &[Value], index: u64) -> Option<u64> {
    events.get(usize::try_from(index).ok()?).map(time_of)
}

/// Renders the timeline under `filter`, ending with a line saying what was hidden.
pub fn render_explained(timeline: &Timeline<'_>, filter: &Filter) -> String {
    let mut out = String::new();
    let mut states = timeline.states.iter().peekable();
    let mut timers_hidden = 0usize;
    for (index, event) in timeline.events.iter().enumerate() {
        let index = index as u64;
        if filter.shows(event) {
            let _ = writeln!(out, "{}", line(event));
        } else if event["kind"] == "timer" && filter.with_timers().shows(event) {
            timers_hidden += 1;
        }
        while let Some(change) = states.next_if(|c| c.event <= index) {
            if filter.in_window(change.t) && filter.on_nodes(&[Some(u64::from(change.node))]) {
                let _ = writeln!(out, "{}", state_line(change));
            }
        }
        if let Some(mark) = timeline.violation.filter(|v| v.event == Some(index)) {
            if filter.in_window(time_of(event)) {
                let _ = writeln!(out, "{}", violation_line(&mark));
            }
        }
    }
    if let Some(mark) = timeline.violation.filter(|v| v.event.is_none()) {
        let _ = writeln!(
            out,
            "{} (found at the end of the run)",
            violation_line(&mark)
        );
    }
    if timers_hidden > 0 {
        let _ = writeln!(
            out,
            "({timers_hidden} timer events hidden; --timers shows them)"
        );
    }
    out
}

/// Renders every event, one line each, with no state, marker or filter.
pub fn render(events: &[Value]) -> String {
    let mut out = String::new();
    for event in events {
        let _ = writeln!(out, "{}", line(event));
    }
    out
}

/// One event as `  time  node  what`; faults start with `!!`.
pub fn line(event: &Value) -> String {
    let node = event["node"]
        .as_u64()
        .map_or_else(|| "--".to_string(), |n| format!("n{n}"));
    let marker = if event["kind"] == "fault" { "!!" } else { "  " };
    format!(
        "{marker} {:>12}  {node:<4} {}",
        seconds(time_of(event)),
        what(event)
    )
}

fn state_line(change: &StateChange) -> String {
    let state = change.state.as_deref().unwrap_or("down");
    format!(
        "   {:>12}  n{:<3} == {state}",
        seconds(change.t),
        change.node
    )
}

fn violation_line(mark: &ViolationMark<'_>) -> String {
    format!(">>> VIOLATION {}: {}", mark.property, mark.detail)
}

fn time_of(event: &Value) -> u64 {
    event["t"].as_u64().unwrap_or(0)
}

fn seconds(time_ns: u64) -> String {
    format!(
        "{}.{:06}s",
        time_ns / 1_000_000_000,
        (time_ns % 1_000_000_000) / 1_000
    )
}

/// What happened at `event`, without its time and node: `<- n2  append_entries …`.
pub fn what(event: &Value) -> String {
    let from = event["from"]
        .as_u64()
        .map(|n| format!("n{n}"))
        .unwrap_or_default();
    match event["kind"].as_str().unwrap_or("?") {
        "start" => "start".into(),
        "deliver" => format!("<- {from}  {}", message(&event["msg"])),
        "drop" => format!(
            "DROPPED from {from} ({})  {}",
            event["reason"].as_str().unwrap_or("?"),
            message(&event["msg"])
        ),
        "timer" => format!("timer {}", message(&event["timer"])),
        "fault" => {
            let skipped = event["skipped"]
                .as_str()
                .map(|why| format!("  (skipped: {why})"))
                .unwrap_or_default();
            let text = event["text"]
                .as_str()
                .map_or_else(|| message(&event["fault"]), str::to_string);
            format!("FAULT {text}{skipped}")
        }
        "observe" => format!("client {}", observation(&event["observe"])),
        other => format!("{other} {}", readable(event)),
    }
}

/// A client observation: `invoke put k0 <7.31>`, `ok get k0 3`, then other fields.
fn observation(o: &Value) -> String {
    let Some(object) = o.as_object() else {
        return message(o);
    };
    let leading = ["type", "f", "key", "value"];
    let mut words: Vec<String> = leading
        .iter()
        .filter_map(|name| object.get(*name))
        .map(readable)
        .collect();
    let rest = object
        .iter()
        .filter(|(name, _)| !leading.contains(&name.as_str()) && name.as_str() != "process");
    words.extend(rest.map(|(name, value)| format!("{name}={}", readable(value))));
    words.join(" ")
}

/// A message (or timer): an enum variant `{"name": {fields}}` as `name k=v k=v`,
/// `term` first; anything else as [`readable`].
pub fn message(value: &Value) -> String {
    match single_entry(value) {
        Some((name, Value::Object(fields))) => format!("{name} {}", fields_text(fields)),
        Some((name, Value::Null)) => name.to_string(),
        Some((name, inner)) => format!("{name} {}", readable(inner)),
        None => readable(value),
    }
}

fn single_entry(value: &Value) -> Option<(&String, &Value)> {
    let object = value.as_object()?;
    (object.len() == 1).then(|| object.iter().next())?
}

fn fields_text(fields: &Map<String, Value>) -> String {
    let term = fields.get_key_value("term");
    let rest = fields.iter().filter(|(name, _)| name.as_str() != "term");
    term.into_iter()
        .chain(rest)
        .map(|(name, value)| format!("{name}={}", readable(value)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Any JSON value, compact and without quotes: `{k=v k=v}`, `[a, b]`, `variant{..}`.
pub fn readable(value: &Value) -> String {
    match value {
        Value::Null => "-".into(),
        Value::String(text) => text.clone(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(readable).collect();
            format!("[{}]", items.join(","))
        }
        Value::Object(fields) => match single_entry(value) {
            Some((name, inner @ Value::Object(_))) => format!("{name}{}", readable(inner)),
            _ => format!("{{{}}}", fields_text(fields)),
        },
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_message_shows_every_field_with_term_first() {
        let msg = json!({"append_entries": {"entries": [{"payload": "noop", "term": 1}],
            "leader_commit": 4, "prev_index": 0, "prev_term": 0, "term": 2}});
        assert_eq!(
            message(&msg),
            "append_entries term=2 entries=[{term=1 payload=noop}] leader_commit=4 prev_index=0 \
                prev_term=0"
        );
    }

    #[test]
    fn a_long_message_is_not_cut() {
        let entries: Vec<Value> = (0..50).map(|i| json!({"term": i})).collect();
        let msg = json!({"append_entries": {"entries": entries, "leader_commit": 7}});
        assert!(message(&msg).ends_with("leader_commit=7"));
    }

    fn events() -> Vec<Value> {
        vec![
            json!({"t": 0, "node": 0, "kind": "start"}),
            json!({"t": 5, "node": 0, "kind": "timer", "timer": "heartbeat"}),
            json!({"t": 9, "node": 1, "from": 0, "kind": "deliver", "msg": {"ping": {"term": 1}}}),
            json!({"t": 12, "node": 2, "from": 1, "kind": "deliver", "msg": {"ping": {"term": 1}}}),
        ]
    }

    #[test]
    fn timers_are_hidden_unless_asked_for() {
        let events = events();
        let timeline = Timeline {
            events: &events,
            ..Timeline::default()
        };
        let hidden = render_explained(&timeline, &Filter::default());
        assert!(!hidden.contains("heartbeat"));
        assert!(hidden.contains("1 timer events hidden"));
        let shown = render_explained(
            &timeline,
            &Filter {
                timers: true,
                ..Filter::default()
            },
        );
        assert!(shown.contains("timer heartbeat"));
    }

    #[test]
    fn states_and_the_violation_appear_after_their_event() {
        let events = events();
        let states = [StateChange {
            event: 2,
            t: 9,
            node: 1,
            state: Some("leader term 1".into()),
        }];
        let timeline = Timeline {
            events: &events,
            states: &states,
            violation: Some(ViolationMark {
                event: Some(2),
                property: "safety",
                detail: "two leaders",
            }),
        };
        let text = render_explained(&timeline, &Filter::default());
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[1].contains("<- n0  ping term=1"), "{text}");
        assert!(lines[2].ends_with("n1   == leader term 1"), "{text}");
        assert_eq!(lines[3], ">>> VIOLATION safety: two leaders");
    }

    #[test]
    fn node_and_time_filters_keep_only_what_was_asked() {
        let events = events();
        let timeline = Timeline {
            events: &events,
            ..Timeline::default()
        };
        let node_two = Filter {
            nodes: vec![2],
            ..Filter::default()
        };
        let text = render_explained(&timeline, &node_two);
        assert_eq!(text.lines().filter(|l| l.contains("<-")).count(), 1);
        let window = Filter {
            from_ns: Some(6),
            to_ns: Some(10),
            ..Filter::default()
        };
        let text = render_explained(&timeline, &window);
        assert!(text.contains("n1") && !text.contains("n2 ") && !text.contains("start"));
    }
}
