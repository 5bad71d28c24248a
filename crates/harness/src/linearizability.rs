//! Checks a run's client history against the protocol's sequential model, using the
//! `faultline-check` crate (which knows nothing of the simulator).
//!
//! Client events become a `faultline_check::History` in memory (no text round trip).
//! Written values are unique, so crashed writes nobody observed are pruned.

use faultline_check::check::check_kind;
use faultline_check::{CheckOptions, Func, History, ModelKind, Status, Val};
use faultline_protocols::{ClientEvent, ClientEventKind};
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

/// Search steps per key: a run's history that needs more is reported as unknown.
const STEPS_PER_KEY_MAX: u64 = 5_000_000;

/// Checks `events` against `model` (`kv`, `register`, `cas-register`, `mutex`).
pub fn check_history<'a>(
    model: &str,
    events: impl IntoIterator<Item = &'a ClientEvent>,
) -> HistoryVerdict {
    let Some(kind) = ModelKind::parse(model) else {
        return HistoryVerdict::Unknown {
            detail: format!("no history model `{model}`"),
        };
    };
    let history = match to_history(events) {
        Ok(history) => history,
        Err(message) => {
            return HistoryVerdict::Unknown {
                detail: format!("malformed client history: {message}"),
            }
        }
    };
    let options = CheckOptions {
        steps_max: STEPS_PER_KEY_MAX,
        prune_unobserved_writes: true,
        ..CheckOptions::default()
    };
    let report = check_kind(&history, kind, &options);
    match report.verdict {
        faultline_check::Verdict::Linearizable => HistoryVerdict::Linearizable,
        faultline_check::Verdict::NotLinearizable => {
            let counterexample = report.counterexample.as_ref();
            let detail = counterexample.map_or_else(
                || "the client history is not linearizable".to_string(),
                |c| {
                    format!(
                        "no linearization reaches {} (longest partial linearization: {} ops; state just before: {})",
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
            detail: format!("the checker's budget of {STEPS_PER_KEY_MAX} steps per key ran out"),
        },
    }
}

fn to_history<'a>(events: impl IntoIterator<Item = &'a ClientEvent>) -> Result<History, String> {
    let mut history = History::new();
    for (index, event) in events.into_iter().enumerate() {
        let f = Func::parse(event.f).ok_or_else(|| format!("unknown operation `{}`", event.f))?;
        let value = event.value.clone().map_or(Val::Nil, Val::Str);
        let line = index + 1;
        let result = match event.kind {
            ClientEventKind::Invoke => {
                history.invoke(event.process, f, event.key.clone(), value, line)
            }
            ClientEventKind::Ok => history.complete(event.process, Status::Ok, value, line),
            ClientEventKind::Fail => history.complete(event.process, Status::Fail, value, line),
            ClientEventKind::Info => history.complete(event.process, Status::Info, value, line),
        };
        result.map_err(|e| e.to_string())?;
    }
    Ok(history)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let verdict = check_history("kv", &events);
        assert!(
            matches!(verdict, HistoryVerdict::NotLinearizable { .. }),
            "{verdict:?}"
        );
        assert_eq!(
            check_history("kv", &events[..4]),
            HistoryVerdict::Linearizable
        );
    }
}
