//! The trace file (README, "Traces"): JSON Lines with a header, one line per event,
//! and a summary.
//!
//! The header carries everything needed to run again: format version, faultline
//! version, the whole effective scenario inline (seed, bugs and swarm folded in) and
//! the fault timeline actually applied. A trace of a failing run is the bug report.
//! This module renders and parses trace text; the CLI reads and writes the files.

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
                let mut entry =
                    serde_json::to_value(entry_from_applied(applied)).expect("serialisable");
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

/// Parses trace text; errors name the line and what was expected.
pub fn parse(text: &str, file_name: &str) -> Result<Trace, InputError> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, first) = lines.next().ok_or_else(|| {
        InputError::whole_file(file_name, "empty file; expected a faultline trace")
    })?;
    let header: TraceHeader = serde_json::from_str(first).map_err(|e| InputError {
        file: file_name.into(),
        line: 1,
        column: e.column(),
        path: "header".into(),
        message: format!("{e}; expected a faultline trace header (is this a trace file?)"),
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
    let mut events = Vec::new();
    let mut summary = None;
    for (index, line) in lines {
        let value: Value = serde_json::from_str(line).map_err(|e| InputError {
            file: file_name.into(),
            line: index + 1,
            column: e.column(),
            path: String::new(),
            message: format!("{e}; expected one JSON object per line"),
        })?;
        if value.get("summary").is_some() {
            summary = Some(value);
        } else {
            events.push(value);
        }
    }
    Ok(Trace {
        header,
        events,
        summary,
    })
}
