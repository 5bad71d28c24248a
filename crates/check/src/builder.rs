//! Building a history in memory, as a test harness observes its clients, while keeping
//! the events so the same history can be written out as JSON Lines and checked again
//! later with `faultline check history.jsonl --model kv`.
//!
//! ```
//! use faultline_check::{check_kind, CheckOptions, EventKind, Func, HistoryBuilder, ModelKind};
//! use serde_json::json;
//!
//! let mut b = HistoryBuilder::new();
//! b.invoke(3, Func::Put, Some("k1"), json!("v-3-7")).unwrap();
//! b.complete(3, EventKind::Ok, json!("v-3-7")).unwrap();
//! b.invoke(4, Func::Get, Some("k1"), json!(null)).unwrap();
//! b.complete(4, EventKind::Ok, json!("v-3-7")).unwrap();
//! let report = check_kind(b.history(), ModelKind::Kv, &CheckOptions::default());
//! assert_eq!(report.verdict.exit_code(), 0);
//! assert!(b.to_jsonl().starts_with(r#"{"process":3,"type":"invoke","f":"put","key":"k1""#));
//! ```

use crate::event::{EventKind, HistoryEvent};
use crate::history::{Func, History, HistoryError};
use crate::import::jsonl;
use std::collections::BTreeMap;

/// Records events and pairs them into a [`History`] as they come.
#[derive(Clone, Debug, Default)]
pub struct HistoryBuilder {
    events: Vec<HistoryEvent>,
    history: History,
    /// Each open invocation's operation and key, to fill in its completion event.
    open: BTreeMap<u64, (Func, Option<String>)>,
}

impl HistoryBuilder {
    pub fn new() -> Self {
        HistoryBuilder::default()
    }

    /// `process` invokes `f` on `key` with input `value` (`null` for a read).
    pub fn invoke(
        &mut self,
        process: u64,
        f: Func,
        key: Option<&str>,
        value: serde_json::Value,
    ) -> Result<(), HistoryError> {
        self.push(HistoryEvent::invoke(process, f, key, value))
    }

    /// `process`'s open operation completes: `Ok` with what it returned (a get's
    /// string), `Fail` (it did not happen) or `Info` (unknown).
    pub fn complete(
        &mut self,
        process: u64,
        kind: EventKind,
        value: serde_json::Value,
    ) -> Result<(), HistoryError> {
        let line = self.events.len() + 1;
        let (f, key) = self
            .open
            .get(&process)
            .cloned()
            .ok_or_else(|| HistoryError {
                line,
                message: format!("process {process} completes an operation it never invoked"),
            })?;
        self.push(HistoryEvent {
            process,
            kind,
            f,
            key,
            value,
        })
    }

    /// Adds any event (its position is its line number in errors).
    pub fn push(&mut self, event: HistoryEvent) -> Result<(), HistoryError> {
        self.history.record(&event, self.events.len() + 1)?;
        if event.kind == EventKind::Invoke {
            self.open
                .insert(event.process, (event.f, event.key.clone()));
        } else {
            self.open.remove(&event.process);
        }
        self.events.push(event);
        Ok(())
    }

    pub fn events(&self) -> &[HistoryEvent] {
        &self.events
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    pub fn into_history(self) -> History {
        self.history
    }

    /// The events as JSON Lines, one per line, each line ending in `\n`.
    pub fn to_jsonl(&self) -> String {
        jsonl::write(&self.events)
    }
}
