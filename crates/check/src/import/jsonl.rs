//! faultline's JSON Lines histories: one [`HistoryEvent`] per line,
//! `{"process":3,"type":"invoke","f":"put","key":"k1","value":"v-3-7"}`. Blank lines
//! are skipped. Errors name the line and column and what was expected.

use crate::event::HistoryEvent;
use crate::history::{History, HistoryError};

/// Reads the events, each with its 1-based line number.
pub fn parse_events(text: &str) -> Result<Vec<(usize, HistoryEvent)>, HistoryError> {
    let mut events = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        if let Some(event) = parse_line(raw, index + 1)? {
            events.push((index + 1, event));
        }
    }
    Ok(events)
}

/// Reads line number `line` (1-based), `raw`: its event, or `None` when it is blank.
/// For a history read line by line ([`crate::HistoryStream`]).
pub fn parse_line(raw: &str, line: usize) -> Result<Option<HistoryEvent>, HistoryError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_str(raw)
        .map(Some)
        .map_err(|e| HistoryError {
            line,
            message: format!(
                "column {}: {}; expected one event per line, such as {}",
                e.column(),
                without_position(&e),
                r#"{"process":3,"type":"invoke","f":"put","key":"k1","value":"v-3-7"}"#
            ),
        })
}

/// serde_json's message without its trailing " at line L column C" (we number lines
/// in the file, not in the one-line string it saw).
fn without_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// Reads a history.
pub fn parse(text: &str) -> Result<History, HistoryError> {
    let mut history = History::new();
    for (line, event) in parse_events(text)? {
        history.record(&event, line)?;
    }
    Ok(history)
}

/// Writes events as JSON Lines (each line ends in `\n`).
pub fn write(events: &[HistoryEvent]) -> String {
    let mut out = String::new();
    for event in events {
        // A HistoryEvent is plain data: serialising it cannot fail.
        out.push_str(&serde_json::to_string(event).unwrap_or_default());
        out.push('\n');
    }
    out
}
