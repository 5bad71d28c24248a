//! JSON laid out for people: indented like `to_string_pretty`, but every array or
//! object that fits on one line stays on one line, the way scenario files are written
//! by hand (`{"at": "2s", "crash": 1, "for": "300ms"}`).
//!
//! It works on serde_json's compact text rather than on a `serde_json::Value`, so
//! fields keep the order of the Rust types (a `Value` map would sort them).

use serde::Serialize;

/// Lines are kept within this many columns where the nesting allows.
const WIDTH_MAX: usize = 88;

/// `value` as readable JSON, ending with a newline.
pub fn to_readable_json<T: Serialize>(value: &T) -> String {
    let compact = serde_json::to_string(value).expect("serialisable");
    let mut parser = Parser {
        text: compact.as_bytes(),
        at: 0,
    };
    let tree = parser.value();
    let mut out = String::new();
    layout(&tree, 0, 0, &mut out);
    out.push('\n');
    out
}

/// A JSON value with its scalars and keys kept as serde_json wrote them.
enum Node {
    Scalar(String),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

/// Reads serde_json's own compact output, which is known to be valid JSON.
struct Parser<'a> {
    text: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn value(&mut self) -> Node {
        match self.text[self.at] {
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                while !self.closes(b']') {
                    items.push(self.value());
                }
                Node::Array(items)
            }
            b'{' => {
                self.at += 1;
                let mut fields = Vec::new();
                while !self.closes(b'}') {
                    let key = self.scalar();
                    self.at += 1; // ':'
                    fields.push((key, self.value()));
                }
                Node::Object(fields)
            }
            _ => Node::Scalar(self.scalar()),
        }
    }

    /// Consumes a separating comma; true (and consumes it) at the closing bracket.
    fn closes(&mut self, close: u8) -> bool {
        if self.text[self.at] == b',' {
            self.at += 1;
        }
        let closed = self.text[self.at] == close;
        if closed {
            self.at += 1;
        }
        closed
    }

    fn scalar(&mut self) -> String {
        let start = self.at;
        if self.text[self.at] == b'"' {
            self.at += 1;
            while self.text[self.at] != b'"' {
                self.at += if self.text[self.at] == b'\\' { 2 } else { 1 };
            }
            self.at += 1;
        } else {
            while !matches!(self.text[self.at], b',' | b']' | b'}') {
                self.at += 1;
            }
        }
        String::from_utf8_lossy(&self.text[start..self.at]).into_owned()
    }
}

/// `node` on one line, with a space after each colon and comma.
fn one_line(node: &Node) -> String {
    match node {
        Node::Scalar(text) => text.clone(),
        Node::Array(items) => {
            let items: Vec<String> = items.iter().map(one_line).collect();
            format!("[{}]", items.join(", "))
        }
        Node::Object(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|(key, value)| format!("{key}: {}", one_line(value)))
                .collect();
            format!("{{{}}}", fields.join(", "))
        }
    }
}

/// Writes `node` at `indent`, where `column` characters of its line are already used.
fn layout(node: &Node, indent: usize, column: usize, out: &mut String) {
    let flat = one_line(node);
    let is_empty = matches!(node, Node::Array(v) if v.is_empty())
        || matches!(node, Node::Object(v) if v.is_empty());
    if column + flat.len() <= WIDTH_MAX || is_empty || matches!(node, Node::Scalar(_)) {
        out.push_str(&flat);
        return;
    }
    let inner = " ".repeat(indent + 2);
    match node {
        Node::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push('\n');
                out.push_str(&inner);
                layout(item, indent + 2, indent + 2, out);
                if i + 1 < items.len() {
                    out.push(',');
                }
            }
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            out.push(']');
        }
        Node::Object(fields) => {
            out.push('{');
            for (i, (key, value)) in fields.iter().enumerate() {
                out.push('\n');
                out.push_str(&inner);
                out.push_str(key);
                out.push_str(": ");
                layout(value, indent + 2, indent + 4 + key.len(), out);
                if i + 1 < fields.len() {
                    out.push(',');
                }
            }
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            out.push('}');
        }
        Node::Scalar(_) => unreachable!("scalars are written flat"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn short_values_stay_on_one_line_and_long_ones_break() {
        let value = json!({
            "name": "x",
            "faults": { "schedule": [ { "at": "1s", "crash": 2, "for": "300ms" } ] },
            "script": (0..12)
                .map(|i| json!({ "at": format!("{i}ms"), "client": 0, "f": "get", "key": "k1" }))
                .collect::<Vec<_>>(),
        });
        let text = to_readable_json(&value);
        assert!(
            text.contains(r#"{"schedule": [{"at": "1s", "crash": 2, "for": "300ms"}]}"#),
            "{text}"
        );
        assert!(
            text.contains(
                "\n    {\"at\": \"11ms\", \"client\": 0, \"f\": \"get\", \"key\": \"k1\"}\n"
            ),
            "{text}"
        );
        assert!(text.lines().all(|l| l.len() <= WIDTH_MAX), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn strings_with_escapes_and_punctuation_survive() {
        let value =
            json!({ "d": "a \"quoted\", [bracketed] {x}: y\\z", "n": [1, -2.5, null, true] });
        let back: serde_json::Value = serde_json::from_str(&to_readable_json(&value)).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn fields_keep_the_order_of_the_type() {
        #[derive(Serialize)]
        struct Entry {
            zeta: u32,
            alpha: u32,
        }
        assert_eq!(
            to_readable_json(&Entry { zeta: 1, alpha: 2 }),
            "{\"zeta\": 1, \"alpha\": 2}\n"
        );
    }
}
