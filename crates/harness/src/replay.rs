//! Replay: run a trace's scenario again from its header alone and compare the new run
//! with the recorded one, event by event. Any difference is a determinism bug (or a
//! change in the code since the trace was recorded); the first one is reported.

use crate::error::InputError;
use crate::outcome::Outcome;
use crate::registry::Registry;
use crate::run::{run, RunOptions};
use crate::scenario::Scenario;
use crate::trace_file::{summary_of, Trace};
use serde_json::Value;

/// Where a replay first differed from the recording.
#[derive(Clone, Debug, PartialEq)]
pub struct Divergence {
    /// 0-based index among the events.
    pub index: usize,
    pub expected: Option<Value>,
    pub got: Option<Value>,
}

#[derive(Clone, Debug)]
pub struct ReplayReport {
    pub outcome: Outcome,
    pub divergence: Option<Divergence>,
    pub recorded_events: usize,
    pub recorded_hash: Option<String>,
}

/// Re-runs the scenario in `trace`'s header, as a protocol `registry` knows, and
/// compares.
pub fn replay(
    trace: &Trace,
    origin: &str,
    registry: &Registry,
) -> Result<ReplayReport, InputError> {
    let mut file = trace.header.scenario.clone();
    file.seed = trace.header.seed;
    let scenario = Scenario::from_file_named(file, origin, registry)?;
    let outcome = run(&scenario, &RunOptions::traced())?;
    let events = outcome.trace.as_deref().unwrap_or_default();
    let divergence = first_divergence(&trace.events, events).or_else(|| {
        let recorded = trace.summary.as_ref()?;
        summary_divergence(recorded, &summary_of(&outcome), events.len())
    });
    let recorded_hash = trace
        .summary
        .as_ref()
        .and_then(|s| s["summary"]["trace_hash"].as_str())
        .map(str::to_string);
    Ok(ReplayReport {
        divergence,
        recorded_events: trace.events.len(),
        recorded_hash,
        outcome,
    })
}

/// The first index where the two event lists differ, if any.
pub fn first_divergence(expected: &[Value], got: &[Value]) -> Option<Divergence> {
    let longest = expected.len().max(got.len());
    (0..longest)
        .find(|&i| expected.get(i) != got.get(i))
        .map(|index| Divergence {
            index,
            expected: expected.get(index).cloned(),
            got: got.get(index).cloned(),
        })
}

/// Where the recorded summary line says something other than the replay's, given
/// the same events: each field it records (the trace hash, the verdict, ...) must
/// come out the same, or the trace was edited after it was written. Reported as a
/// divergence at the summary line, after the last event.
fn summary_divergence(recorded: &Value, replayed: &Value, events: usize) -> Option<Divergence> {
    let differs = !summary_differences(recorded, replayed).is_empty();
    differs.then(|| Divergence {
        index: events,
        expected: Some(recorded.clone()),
        got: Some(replayed.clone()),
    })
}

/// The fields a recorded summary line holds with another value than the replayed
/// one: (field, recorded, replayed), in the recorded line's order. Fields the
/// recording lacks (a trace from before they were written) are not compared.
pub fn summary_differences(recorded: &Value, replayed: &Value) -> Vec<(String, Value, Value)> {
    let Some(fields) = recorded["summary"].as_object() else {
        return Vec::new();
    };
    let replayed_field = |key: &str| replayed["summary"].get(key).cloned().unwrap_or_default();
    fields
        .iter()
        .filter(|(key, value)| replayed["summary"].get(key.as_str()) != Some(value))
        .map(|(key, value)| (key.clone(), value.clone(), replayed_field(key)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_the_first_differing_event() {
        let a = vec![json!({"t": 1}), json!({"t": 2}), json!({"t": 3})];
        let b = vec![json!({"t": 1}), json!({"t": 5})];
        let d = first_divergence(&a, &b).unwrap();
        assert_eq!(d.index, 1);
        assert_eq!(d.expected, Some(json!({"t": 2})));
        assert_eq!(first_divergence(&a, &a), None);
        assert_eq!(first_divergence(&a, &a[..2]).unwrap().got, None);
    }

    #[test]
    fn a_summary_field_unlike_the_replay_is_a_divergence_at_the_summary() {
        let replayed = json!({"summary": {"trace_hash": "2e08", "verdict": "pass", "new": 1}});
        let older = json!({"summary": {"trace_hash": "2e08", "verdict": "pass"}});
        assert_eq!(
            summary_divergence(&older, &replayed, 7),
            None,
            "fields it lacks"
        );
        let edited = json!({"summary": {"trace_hash": "abc", "verdict": "pass"}});
        let divergence = summary_divergence(&edited, &replayed, 7).unwrap();
        assert_eq!(divergence.index, 7);
        assert_eq!(divergence.expected, Some(edited));
    }
}
