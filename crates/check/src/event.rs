//! History events as clients record them: one invocation or completion, in real-time
//! order. This is the in-memory form of a faultline JSON Lines history, one event per
//! line, e.g. `{"process":3,"type":"invoke","f":"put","key":"k1","value":"v-3-7"}`.
//!
//! A completion is `ok` (it happened; `value` is what it returned, e.g. a get's
//! string), `fail` (it did not happen) or `info` (unknown: crashed or timed out).
//! [`History::record`] pairs events into operations.

use crate::history::{Func, History, HistoryError, Status};
use crate::stream::HistoryStream;
use crate::value::Val;
use serde::{Deserialize, Serialize};

/// Whether an event starts an operation or how it ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Invoke,
    Ok,
    Fail,
    Info,
}

impl EventKind {
    /// The completion status, or `None` for an invocation.
    pub fn status(self) -> Option<Status> {
        match self {
            EventKind::Invoke => None,
            EventKind::Ok => Some(Status::Ok),
            EventKind::Fail => Some(Status::Fail),
            EventKind::Info => Some(Status::Info),
        }
    }
}

/// One line of a history.
/// Other fields (a timestamp, an index) are ignored when reading.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryEvent {
    pub process: u64,
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub f: Func,
    /// The key, for partitioned models; an integer key is read as its decimal text.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "key_text"
    )]
    pub key: Option<String>,
    /// What was written, the CAS's `[from, to]`, or what a read returned; `null` when
    /// there is nothing to say (an invoked read, a crashed operation).
    #[serde(default)]
    pub value: serde_json::Value,
}

/// Reads a key given as a string, an integer or null.
fn key_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Key {
        Text(String),
        Number(i64),
    }
    Ok(match Option::<Key>::deserialize(d)? {
        None => None,
        Some(Key::Text(text)) => Some(text),
        Some(Key::Number(n)) => Some(n.to_string()),
    })
}

impl HistoryEvent {
    /// An invocation by `process` of `f` on `key` with input `value`.
    pub fn invoke(process: u64, f: Func, key: Option<&str>, value: serde_json::Value) -> Self {
        HistoryEvent {
            process,
            kind: EventKind::Invoke,
            f,
            key: key.map(str::to_string),
            value,
        }
    }
}

impl HistoryEvent {
    /// The event's value as the checker holds it (a transaction for `txn`), or why it
    /// is not one; `line` is quoted in the error.
    pub fn val(&self, line: usize) -> Result<Val, HistoryError> {
        let event = self;
        if event.f == Func::Txn {
            Val::txn_from_json(&event.value).ok_or_else(|| HistoryError {
                line,
                message: format!(
                    "`value`: expected a transaction such as [[\"r\", \"x\", 1], [\"w\", \"y\", \
                        2]], found {}",
                    event.value
                ),
            })
        } else {
            Val::from_json(&event.value).ok_or_else(|| HistoryError {
                line,
                message: format!(
                    "`value`: expected null, an integer, a string or a two-element array, found \
                        {}",
                    event.value
                ),
            })
        }
    }

    /// Passes this event to a streaming check.
    pub fn feed(&self, stream: &mut dyn HistoryStream, line: usize) -> Result<(), HistoryError> {
        let value = self.val(line)?;
        match self.kind.status() {
            None => stream.invoke(self.process, self.f, self.key.clone(), value, line),
            Some(status) => stream.complete(self.process, self.f, status, value, line),
        }
    }
}

impl History {
    /// Adds one event; `line` (1-based, or 0 in memory) is quoted in errors.
    pub fn record(&mut self, event: &HistoryEvent, line: usize) -> Result<(), HistoryError> {
        let value = event.val(line)?;
        match event.kind.status() {
            None => self.invoke(event.process, event.f, event.key.clone(), value, line),
            Some(status) => self.complete_matching(event.process, event.f, status, value, line),
        }
    }

    /// Pairs `events` (in real-time order) into a history; errors name the event's
    /// 1-based position.
    pub fn from_events(events: &[HistoryEvent]) -> Result<History, HistoryError> {
        let mut history = History::new();
        for (index, event) in events.iter().enumerate() {
            history.record(event, index + 1)?;
        }
        Ok(history)
    }
}
