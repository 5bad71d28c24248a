//! A readable, per-event timeline of a trace: time, node, what happened, with faults
//! marked so they stand out. Rendered from the trace's JSON events, so it reads the
//! same whether the events came from a file or a fresh run.

use serde_json::Value;
use std::fmt::Write;

/// Longest message rendering before it is cut.
const MESSAGE_CHARS_MAX: usize = 160;

/// Renders events, one line each.
pub fn render(events: &[Value]) -> String {
    let mut out = String::new();
    for event in events {
        let _ = writeln!(out, "{}", line(event));
    }
    out
}

/// One event as `  time  node  what`; faults start with `!!`.
pub fn line(event: &Value) -> String {
    let time_ns = event["t"].as_u64().unwrap_or(0);
    let time = format!(
        "{}.{:06}s",
        time_ns / 1_000_000_000,
        (time_ns % 1_000_000_000) / 1_000
    );
    let node = event["node"]
        .as_u64()
        .map_or_else(|| "--".to_string(), |n| format!("n{n}"));
    let marker = if event["kind"] == "fault" { "!!" } else { "  " };
    format!("{marker} {time:>12}  {node:<4} {}", what(event))
}

fn what(event: &Value) -> String {
    let from = event["from"]
        .as_u64()
        .map(|n| format!("n{n}"))
        .unwrap_or_default();
    match event["kind"].as_str().unwrap_or("?") {
        "start" => "start".into(),
        "deliver" => format!("<- {from}  {}", compact(&event["msg"])),
        "drop" => format!(
            "drop from {from} ({})  {}",
            event["reason"].as_str().unwrap_or("?"),
            compact(&event["msg"])
        ),
        "timer" => format!("timer {}", compact(&event["timer"])),
        "fault" => {
            let skipped = event["skipped"]
                .as_str()
                .map(|why| format!("  (skipped: {why})"))
                .unwrap_or_default();
            let text = event["text"]
                .as_str()
                .map_or_else(|| compact(&event["fault"]), str::to_string);
            format!("FAULT {text}{skipped}")
        }
        "observe" => format!("client {}", observation(&event["observe"])),
        other => format!("{other} {}", compact(event)),
    }
}

fn observation(o: &Value) -> String {
    let field = |name: &str| o[name].as_str().unwrap_or("").to_string();
    let value = o
        .get("value")
        .map(|v| format!(" {}", compact(v)))
        .unwrap_or_default();
    format!("{} {} {}{value}", field("type"), field("f"), field("key"))
}

fn compact(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() <= MESSAGE_CHARS_MAX {
        return text;
    }
    let cut: String = text.chars().take(MESSAGE_CHARS_MAX).collect();
    format!("{cut}…")
}
