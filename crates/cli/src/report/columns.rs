//! The compact form of a report's events: one array per field instead of one object
//! per event, and every string (a label, an event's text) written once in a table and
//! referred to by its index. A heartbeat's text repeats thousands of times in a long
//! run; with the field names it made up most of a page. The page turns the columns
//! back into objects when it opens (`decodeEvents` in `page.html`).

use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// The fields every event has a column for; a missing value is `null`.
const FIELDS: [&str; 6] = ["t", "node", "from", "sent", "dup", "i"];
/// The string fields, written as indexes into the table.
const INTERNED: [&str; 3] = ["kind", "label", "text"];

/// `{count, strings, columns: {field: [..]}}` for events given as objects.
pub fn encode(events: Vec<Value>) -> Value {
    let mut table = StringTable::default();
    let mut columns: Map<String, Value> = Map::new();
    for field in FIELDS.iter().chain(INTERNED.iter()) {
        columns.insert(
            field.to_string(),
            Value::Array(Vec::with_capacity(events.len())),
        );
    }
    for event in &events {
        for field in FIELDS {
            push(
                &mut columns,
                field,
                event.get(field).cloned().unwrap_or(Value::Null),
            );
        }
        for field in INTERNED {
            let text = event.get(field).and_then(Value::as_str).unwrap_or("");
            push(&mut columns, field, json!(table.index(text)));
        }
    }
    json!({ "count": events.len(), "strings": table.strings, "columns": columns })
}

fn push(columns: &mut Map<String, Value>, field: &str, value: Value) {
    if let Some(Value::Array(column)) = columns.get_mut(field) {
        column.push(value);
    }
}

/// Strings in first-seen order, each once.
#[derive(Default)]
struct StringTable {
    strings: Vec<String>,
    index_of: HashMap<String, usize>,
}

impl StringTable {
    fn index(&mut self, text: &str) -> usize {
        if let Some(index) = self.index_of.get(text) {
            return *index;
        }
        self.strings.push(text.to_string());
        self.index_of
            .insert(text.to_string(), self.strings.len() - 1);
        self.strings.len() - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_strings_are_written_once_and_every_event_keeps_its_fields() {
        let events = vec![
            json!({"i": 0, "t": 5, "node": 1, "kind": "deliver", "label": "ping", "text": "<- n0 \
                ping", "from": 0, "sent": 2, "dup": false}),
            json!({"i": 1, "t": 9, "node": 0, "kind": "timer", "label": "tick", "text": "timer \
                tick"}),
            json!({"i": 2, "t": 12, "node": 1, "kind": "deliver", "label": "ping", "text": "<- n0 \
                ping", "from": 0, "sent": 9, "dup": true}),
        ];
        let encoded = encode(events);
        assert_eq!(encoded["count"], 3);
        assert_eq!(
            encoded["strings"],
            json!([
                "deliver",
                "ping",
                "<- n0 ping",
                "timer",
                "tick",
                "timer tick"
            ])
        );
        let columns = &encoded["columns"];
        assert_eq!(columns["t"], json!([5, 9, 12]));
        assert_eq!(columns["from"], json!([0, null, 0]));
        assert_eq!(columns["dup"], json!([false, null, true]));
        assert_eq!(columns["text"], json!([2, 5, 2]));
        assert_eq!(columns["kind"], json!([0, 3, 0]));
    }
}
