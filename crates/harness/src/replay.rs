//! Replay: run a trace's scenario again from its header alone and compare the new run
//! with the recorded one, event by event. Any difference is a determinism bug (or a
//! change in the code since the trace was recorded); the first one is reported.

use crate::error::InputError;
use crate::outcome::Outcome;
use crate::registry::Registry;
use crate::run::{run, RunOptions};
use crate::scenario::Scenario;
use crate::trace_file::Trace;
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
    let divergence = first_divergence(&trace.events, events);
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
}
