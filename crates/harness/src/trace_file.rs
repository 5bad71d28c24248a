//! The trace file (README, "Replaying and reading a failure"): JSON Lines with a header, one line
//! per event, and a summary.
//!
//! The header carries everything needed to run again: format version, faultline
//! version, the whole effective scenario inline (seed, bugs and swarm folded in) and
//! the fault timeline actually applied. A trace of a failing run is the bug report.
//! This module renders and parses trace text; the CLI reads and writes the files.

use crate::duration::Duration;
use crate::error::InputError;
use crate::outcome::Outcome;
use crate::scenario::{entry_from_applied, ScenarioFile};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

pub const TRACE_FORMAT: &str = "faultline-trace";
pub const TRACE_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceHeader {
    pub format: String,
    pub version: u32,
    /// The faultline version that wrote the trace.
    pub faultline: String,
    /// The scenario as run: seed, bugs and swarm are those of this run.
    pub scenario: ScenarioFile,
    pub seed: u64,
    /// The faults that were applied, targets resolved, in schedule-entry form; a
    /// `skipped` field says why a fault could not apply.
    pub timeline: Vec<Value>,
}

/// A parsed trace file.
#[derive(Clone, Debug)]
pub struct Trace {
    pub header: TraceHeader,
    pub events: Vec<Value>,
    pub summary: Option<Value>,
}

impl TraceHeader {
    pub fn new(scenario: &ScenarioFile, outcome: &Outcome) -> Self {
        let timeline = outcome
            .faults
            .iter()
            .map(|applied| {
                let mut entry = match entry_from_applied(applied) {
                    Some(entry) => serde_json::to_value(entry).expect("serialisable"),
                    // A halt or a corrupt record: the run's own doing, not an entry.
                    None => json!({
                        "at": Duration(applied.at_ns),
                        applied.action.kind_name(): applied.action.to_string(),
                    }),
                };
                if let Some(why) = &applied.skipped {
                    entry["skipped"] = json!(why);
                }
                entry
            })
            .collect();
        TraceHeader {
            format: TRACE_FORMAT.into(),
            version: TRACE_VERSION,
            faultline: env!("CARGO_PKG_VERSION").into(),
            scenario: scenario.clone(),
            seed: outcome.seed,
            timeline,
        }
    }
}

/// The summary line's object.
pub fn summary_of(outcome: &Outcome) -> Value {
    json!({
        "summary": {
            "verdict": outcome.verdict,
            "property": outcome.property,
            "detail": outcome.detail,
            "counterexample": outcome.counterexample,
            "events": outcome.events,
            "sim_time_ns": outcome.sim_time_ns,
            "trace_hash": outcome.trace_hash_hex(),
        }
    })
}

/// Renders a whole trace file. `outcome.trace` must hold the events.
pub fn render(scenario: &ScenarioFile, outcome: &Outcome) -> String {
    let header = TraceHeader::new(scenario, outcome);
    let mut text = serde_json::to_string(&header).expect("serialisable");
    text.push('\n');
    for event in outcome.trace.as_deref().unwrap_or_default() {
        text.push_str(&event.to_string());
        text.push('\n');
    }
    text.push_str(&summary_of(outcome).to_string());
    text.push('\n');
    text
}

/// Parses trace text; errors name the line and what was expected. A trace cut
/// short (its last line incomplete, or no summary line at its end) is reported as
/// truncated, never handed on to be replayed as if it were whole.
pub fn parse(text: &str, file_name: &str) -> Result<Trace, InputError> {
    let last_line = text.lines().count();
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, first) = lines.next().ok_or_else(|| {
        InputError::whole_file(file_name, "empty file; expected a faultline trace")
    })?;
    let header = parse_header(first, text, last_line, file_name)?;
    let mut events = Vec::new();
    let mut summary = None;
    for (index, line) in lines {
        let line_number = index + 1;
        if summary.is_some() {
            return Err(at_line(
                file_name,
                line_number,
                "a line after the summary line; expected the summary to end the trace",
            ));
        }
        let value: Value = serde_json::from_str(line).map_err(|e| {
            if e.is_eof() && line_number == last_line {
                return truncated(file_name, line_number);
            }
            InputError {
                file: file_name.into(),
                line: line_number,
                column: e.column(),
                path: String::new(),
                message: format!("{e}; expected one JSON object per line"),
            }
        })?;
        if value.get("summary").is_some() {
            summary = Some(value);
        } else {
            events.push(value);
        }
    }
    if summary.is_none() {
        return Err(truncated(file_name, last_line));
    }
    Ok(Trace {
        header,
        events,
        summary,
    })
}

/// The header line (line 1), checked for the format and version this build reads.
fn parse_header(
    first: &str,
    text: &str,
    last_line: usize,
    file_name: &str,
) -> Result<TraceHeader, InputError> {
    let header: TraceHeader = serde_json::from_str(first).map_err(|e| {
        if e.is_eof() && last_line == 1 && first.starts_with(HEADER_START) {
            return truncated(file_name, 1);
        }
        let message = if looks_like_scenario(text) {
            "a scenario file, not a trace; run it with `run`".to_string()
        } else {
            format!("{e}; expected a faultline trace header (is this a trace file?)")
        };
        InputError {
            file: file_name.into(),
            line: 1,
            column: e.column(),
            path: "header".into(),
            message,
        }
    })?;
    if header.format != TRACE_FORMAT || header.version != TRACE_VERSION {
        return Err(InputError {
            file: file_name.into(),
            line: 1,
            column: 1,
            path: "header.version".into(),
            message: format!(
                "format `{}` version {}; expected `{TRACE_FORMAT}` version {TRACE_VERSION}",
                header.format, header.version
            ),
        });
    }
    Ok(header)
}

/// How every trace this build writes begins (its header's first field).
pub const HEADER_START: &str = "{\"format\":\"faultline-trace\"";

fn truncated(file_name: &str, line: usize) -> InputError {
    at_line(
        file_name,
        line,
        &format!(
            "truncated: the trace ends at line {line} without its final record \
             (the summary line); it was cut short while being written or copied"
        ),
    )
}

fn at_line(file_name: &str, line: usize, message: &str) -> InputError {
    InputError {
        file: file_name.into(),
        line,
        column: 1,
        path: String::new(),
        message: message.into(),
    }
}

/// Where the commands faultline suggests write the shrunk scenario of `trace`: the
/// trace's own name with `.min.json` (`raft-nemesis-seed9.min.json` for
/// `traces/failures/raft-nemesis-seed9.trace.jsonl`), in the working directory, so
/// shrinking two failures one after the other writes two files rather than
/// refusing to replace the first.
pub fn shrunk_file_name(trace: &std::path::Path) -> std::path::PathBuf {
    let name = trace.file_name().map(|n| n.to_string_lossy().into_owned());
    let name = name.unwrap_or_else(|| "minimal".into());
    let stem = name
        .strip_suffix(".trace.jsonl")
        .or_else(|| name.strip_suffix(".jsonl"))
        .unwrap_or(&name);
    format!("{stem}.min.json").into()
}

/// True when `text` is a trace: its first line is a trace header, as faultline
/// writes it or formatted otherwise (keys reordered, spaces added).
pub fn looks_like_trace(text: &str) -> bool {
    let text = text.trim_start();
    if text.starts_with(HEADER_START) {
        return true;
    }
    let first_line = text.lines().next().unwrap_or_default();
    serde_json::from_str::<Value>(first_line)
        .is_ok_and(|header| header.get("format") == Some(&Value::from("faultline-trace")))
}

/// True when `text` is a scenario file: one JSON object (on any number of lines)
/// with a `protocol` key.
pub fn looks_like_scenario(text: &str) -> bool {
    serde_json::from_str::<Value>(text).is_ok_and(|v| v.get("protocol").is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_and_trace_files_are_told_apart() {
        let scenario = "{\n  \"name\": \"x\",\n  \"protocol\": { \"kind\": \"broadcast\" }\n}\n";
        assert!(looks_like_scenario(scenario));
        assert!(!looks_like_trace(scenario));
        let trace = "{\"format\":\"faultline-trace\",\"version\":1}\n{\"t\":1}\n";
        assert!(looks_like_trace(trace));
        assert!(!looks_like_scenario(trace));
        let reformatted = "{\"version\": 1, \"format\": \"faultline-trace\"}\n{\"t\":1}\n";
        assert!(
            looks_like_trace(reformatted),
            "a header written by another tool"
        );
    }

    #[test]
    fn a_shrunk_scenario_is_named_after_its_trace() {
        let trace = std::path::Path::new("traces/failures/raft-nemesis-seed9.trace.jsonl");
        assert_eq!(
            shrunk_file_name(trace),
            std::path::Path::new("raft-nemesis-seed9.min.json")
        );
        let other = std::path::Path::new("/tmp/t.jsonl");
        assert_eq!(shrunk_file_name(other), std::path::Path::new("t.min.json"));
    }

    #[test]
    fn a_header_cut_short_is_truncated() {
        let error = parse("{\"format\":\"faultline-trace\",\"vers", "t.jsonl").unwrap_err();
        assert_eq!(error.line, 1);
        assert!(error
            .message
            .starts_with("truncated: the trace ends at line 1"));
    }
}
