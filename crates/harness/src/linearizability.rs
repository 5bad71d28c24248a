//! Checks a run's client history against the protocol's sequential model, using the
//! `faultline-check` crate (which knows nothing of the simulator).
//!
//! Client events become a `faultline_check::History` in memory (no text round trip)
//! for the whole-history check; written values are unique, so crashed writes nobody
//! observed are pruned. `feed` passes them one at a time to the streaming check a run
//! keeps as it goes (`live_history`).

use faultline_api::harness_properties::KNOWN_OPERATIONS;
use faultline_api::{ClientEvent, ClientEventKind, Violation};
use faultline_check::{
    CheckOptions, Func, History, HistoryError, HistoryModel, HistoryStream, Status, StreamLimits,
    Val, STEPS_PER_PARTITION_MAX,
};
use serde_json::Value;

/// What the history checker concluded.
#[derive(Clone, Debug, PartialEq)]
pub enum HistoryVerdict {
    Linearizable,
    NotLinearizable {
        detail: String,
        counterexample: Value,
    },
    Unknown {
        detail: String,
    },
}

/// A violation if `event` names an operation `model` does not know: a mismatch
/// between a protocol's clients and its model, reported at the first such event
/// rather than as a history nobody can judge at the end.
pub fn unknown_operation(model: &dyn HistoryModel, event: &ClientEvent) -> Option<Violation> {
    let f = Func::named(event.f);
    if model.knows(f) {
        return None;
    }
    let known: Vec<&str> = model.operations().iter().map(|f| f.name()).collect();
    Some(Violation::of(
        &KNOWN_OPERATIONS,
        format!(
            "client {} invoked or completed `{}`, which the `{}` model does not know; expected one \
                of {}",
            event.process,
            event.f,
            model.name(),
            known.join(", ")
        ),
    ))
}

/// The streaming check's frontier limit in a run: above what a few clients per key
/// need (the Raft hour's three clients: 10), low enough that a hot key's history
/// (ten clients on one key) gives up early and falls back to the whole-history
/// search: `scenarios/raft/hot_key.json` costs 3% more instructions than checking
/// whole alone (9% with a limit of 1,000).
const STREAM_CONFIGURATIONS_MAX: usize = 128;

/// The streaming check's limits in a run.
pub(crate) fn stream_limits() -> StreamLimits {
    StreamLimits {
        steps_max: STEPS_PER_PARTITION_MAX,
        configurations_max: STREAM_CONFIGURATIONS_MAX,
    }
}

/// Passes one client event to a streaming check; `line` (its place in the history,
/// from 1) is quoted in errors.
pub(crate) fn feed(
    stream: &mut dyn HistoryStream,
    event: &ClientEvent,
    line: usize,
) -> Result<(), HistoryError> {
    let f = Func::named(event.f);
    let value = event.value.clone().map_or(Val::Nil, Val::Str);
    match status_of(event.kind) {
        None => stream.invoke(event.process, f, event.key.clone(), value, line),
        Some(status) => stream.complete(event.process, f, status, value, line),
    }
}

/// Checks `events` against `model` as one history: the whole-history search, the
/// reference for every other way of checking (a run streams its history as it goes,
/// `live_history`, and checks whole what the stream did not pass).
pub fn check_history<'a>(
    model: &dyn HistoryModel,
    events: impl IntoIterator<Item = &'a ClientEvent>,
) -> HistoryVerdict {
    let history = match to_history(events) {
        Ok(history) => history,
        Err(message) => {
            return HistoryVerdict::Unknown {
                detail: format!("malformed client history: {message}"),
            }
        }
    };
    // The checker's one budget (`faultline_check::STEPS_PER_PARTITION_MAX`), the
    // same `faultline check` uses, so `check` never judges a history a run could not.
    let options = CheckOptions {
        prune_unobserved_writes: true,
        ..CheckOptions::default()
    };
    let report = model.check(&history, &options);
    match report.verdict {
        faultline_check::Verdict::Linearizable => HistoryVerdict::Linearizable,
        faultline_check::Verdict::NotLinearizable => {
            let counterexample = report.counterexample.as_ref();
            let detail = counterexample.map_or_else(
                || "the client history is not linearizable".to_string(),
                |c| {
                    format!(
                        "no linearization reaches {} (longest partial linearization: {} ops; state \
                            just before: {})",
                        c.op,
                        c.longest_linearization.len(),
                        c.states_before.join(" or ")
                    )
                },
            );
            let counterexample = serde_json::to_value(counterexample).unwrap_or(Value::Null);
            HistoryVerdict::NotLinearizable {
                detail,
                counterexample,
            }
        }
        faultline_check::Verdict::Unknown => HistoryVerdict::Unknown {
            detail: unknown_detail(&report, options.steps_max),
        },
    }
}

/// Which keys ran out of the checker's budget, and what the budget is.
fn unknown_detail(report: &faultline_check::CheckReport, steps_max: u64) -> String {
    let keys: Vec<String> = report
        .partitions
        .iter()
        .filter(|p| p.verdict == faultline_check::Verdict::Unknown)
        .map(|p| format!("{:?}", p.key.as_deref().unwrap_or("(all)")))
        .collect();
    format!(
        "the linearizability checker's budget of {steps_max} search steps per key \
         (faultline_check::STEPS_PER_PARTITION_MAX, the same as `faultline check`'s) ran out \
         on key {}; `faultline check --budget STEPS` can search longer on the history \
         written with --history",
        keys.join(", ")
    )
}

fn to_history<'a>(events: impl IntoIterator<Item = &'a ClientEvent>) -> Result<History, String> {
    let mut history = History::new();
    for (index, event) in events.into_iter().enumerate() {
        let f = Func::named(event.f);
        let value = event.value.clone().map_or(Val::Nil, Val::Str);
        let line = index + 1;
        let result = match status_of(event.kind) {
            None => history.invoke(event.process, f, event.key.clone(), value, line),
            Some(status) => history.complete(event.process, status, value, line),
        };
        result.map_err(|e| e.to_string())?;
    }
    Ok(history)
}

/// How a client event completes its operation; `None` for an invocation.
fn status_of(kind: ClientEventKind) -> Option<Status> {
    match kind {
        ClientEventKind::Invoke => None,
        ClientEventKind::Ok => Some(Status::Ok),
        ClientEventKind::Fail => Some(Status::Fail),
        ClientEventKind::Info => Some(Status::Info),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_check::ModelKind;

    fn event(process: u64, kind: ClientEventKind, f: &'static str, value: &str) -> ClientEvent {
        ClientEvent {
            process,
            kind,
            f,
            key: Some("k0".into()),
            value: Some(value.into()),
        }
    }

    #[test]
    fn a_stale_read_in_a_run_history_is_not_linearizable() {
        use ClientEventKind::*;
        let events = vec![
            event(5, Invoke, "put", "<5.1>"),
            event(5, Ok, "put", "<5.1>"),
            event(5, Invoke, "put", "<5.2>"),
            event(5, Ok, "put", "<5.2>"),
            event(6, Invoke, "get", ""),
            event(6, Ok, "get", "<5.1>"),
        ];
        let kv = ModelKind::Kv.boxed();
        let verdict = check_history(kv.as_ref(), &events);
        assert!(
            matches!(verdict, HistoryVerdict::NotLinearizable { .. }),
            "{verdict:?}"
        );
        assert_eq!(
            check_history(kv.as_ref(), &events[..4]),
            HistoryVerdict::Linearizable
        );
    }

    #[test]
    fn an_unknown_verdict_names_the_keys_and_the_one_budget() {
        let report = faultline_check::CheckReport {
            verdict: faultline_check::Verdict::Unknown,
            model: "kv".into(),
            operations: 3,
            pruned: 0,
            partitions: vec![faultline_check::PartitionReport {
                key: Some("k0".into()),
                operations: 3,
                verdict: faultline_check::Verdict::Unknown,
                steps: 11,
            }],
            counterexample: None,
        };
        let detail = unknown_detail(&report, faultline_check::STEPS_PER_PARTITION_MAX);
        let budget = faultline_check::STEPS_PER_PARTITION_MAX.to_string();
        assert!(detail.contains(&budget), "{detail}");
        assert!(detail.contains("\"k0\""), "{detail}");
        assert!(detail.contains("faultline check --budget"), "{detail}");
    }
}
