//! Reading histories from files: Jepsen EDN, Porcupine's etcd logs, and faultline's own
//! JSON Lines. [`decode`] turns a file's bytes into text (naming the line of the first
//! byte that is not UTF-8); `Format::detect` picks a format from the text; every parse
//! error names the line and what was expected. A leading byte-order mark is skipped.

pub mod edn;
pub mod jepsen;
pub mod jsonl;
pub mod porcupine_etcd;

use crate::history::{History, HistoryError};

/// The UTF-8 byte-order mark some editors put at the start of a file.
const BYTE_ORDER_MARK: char = '\u{feff}';

/// How many non-blank lines `Format::detect` looks at when the first one does not
/// settle the format.
const DETECT_LINES_MAX: usize = 1000;

/// The file's text, or where its first byte that is not UTF-8 is.
pub fn decode(bytes: &[u8]) -> Result<&str, HistoryError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        // Everything before the bad byte is valid UTF-8, so it has a column.
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        HistoryError {
            line: valid.iter().filter(|&&b| b == b'\n').count() + 1,
            message: format!(
                "column {column} (byte offset {}): not valid UTF-8; a history must be UTF-8 text",
                e.valid_up_to()
            ),
        }
    })
}

/// `text` without a leading byte-order mark.
fn without_byte_order_mark(text: &str) -> &str {
    text.strip_prefix(BYTE_ORDER_MARK).unwrap_or(text)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Jepsen EDN maps, one per line or in a vector.
    Edn,
    /// `INFO  jepsen.util - <process> <type> <f> <value>` lines (Porcupine's etcd logs).
    PorcupineEtcd,
    /// faultline's JSON Lines (`{"process":..,"type":..,"f":..,"key":..,"value":..}`).
    Jsonl,
}

impl Format {
    pub fn parse(name: &str) -> Option<Option<Format>> {
        Some(match name {
            "auto" => None,
            "edn" => Some(Format::Edn),
            "porcupine-etcd" => Some(Format::PorcupineEtcd),
            "jsonl" => Some(Format::Jsonl),
            _ => return None,
        })
    }

    /// Guesses the format from the first non-blank line, or, if that line looks like
    /// none of them (it may be the broken one), from what most lines look like.
    pub fn detect(text: &str) -> Format {
        let mut lines = without_byte_order_mark(text)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty());
        let Some(first) = lines.next() else {
            return Format::Edn;
        };
        if let Some(format) = Format::of_line(first) {
            return format;
        }
        let (mut etcd, mut jsonl, mut total) = (0, 0, 0);
        for line in lines.take(DETECT_LINES_MAX) {
            match Format::of_line(line) {
                Some(Format::PorcupineEtcd) => etcd += 1,
                Some(Format::Jsonl) => jsonl += 1,
                _ => {}
            }
            total += 1;
        }
        if etcd * 2 > total {
            Format::PorcupineEtcd
        } else if jsonl * 2 > total {
            Format::Jsonl
        } else {
            Format::Edn
        }
    }

    /// The format one line is evidently written in: an etcd log line starts with
    /// `INFO`; a JSON Lines event is a JSON object, or at least starts like one with a
    /// quoted `"process"`, `"type"` or `"f"` key (it may be broken further on). EDN is
    /// what is left.
    fn of_line(line: &str) -> Option<Format> {
        if line.starts_with("INFO") {
            Some(Format::PorcupineEtcd)
        } else if line.starts_with('{')
            && (has_json_event_key(line) || serde_json::from_str::<serde_json::Value>(line).is_ok())
        {
            Some(Format::Jsonl)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Edn => "edn",
            Format::PorcupineEtcd => "porcupine-etcd",
            Format::Jsonl => "jsonl",
        }
    }
}

/// Whether `line` has `"process":`, `"type":` or `"f":`, a JSON object's key (EDN
/// spells keys `:process`; a string followed by a keyword, `"f" :value`, has a space).
fn has_json_event_key(line: &str) -> bool {
    ["\"process\":", "\"type\":", "\"f\":"]
        .iter()
        .any(|key| line.contains(key))
}

/// Parses `text` in `format`.
pub fn parse(text: &str, format: Format) -> Result<History, HistoryError> {
    let text = without_byte_order_mark(text);
    match format {
        Format::Edn => jepsen::parse_edn_history(text),
        Format::PorcupineEtcd => porcupine_etcd::parse(text),
        Format::Jsonl => jsonl::parse(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON_EVENT: &str = r#"{"process":0,"type":"invoke","f":"read","value":null}"#;

    #[test]
    fn a_broken_first_json_line_is_still_json_lines() {
        let text = format!("{{\"process\": 0, \"type\":\n{JSON_EVENT}\n");
        assert_eq!(Format::detect(&text), Format::Jsonl);
        let garbage_first = format!("oops\n{JSON_EVENT}\n{JSON_EVENT}\n");
        assert_eq!(Format::detect(&garbage_first), Format::Jsonl);
        let etcd = "nonsense\nINFO  jepsen.util - 0 :invoke :read nil\n";
        assert_eq!(Format::detect(etcd), Format::PorcupineEtcd);
    }

    #[test]
    fn edn_is_not_mistaken_for_json_lines() {
        for text in [
            "{:process 0, :type :invoke, :f :put, :key \"type\", :value \"f\"}",
            "[{:process 0 :type :invoke :f :read :value nil}]",
            "; comment\n{:process 0}",
            "{:process 0 :type :invoke :f :put :key \"f\" :value \"type\"}",
            "",
        ] {
            assert_eq!(Format::detect(text), Format::Edn, "{text}");
        }
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let text = format!("{BYTE_ORDER_MARK}{JSON_EVENT}\n");
        assert_eq!(Format::detect(&text), Format::Jsonl);
        assert_eq!(parse(&text, Format::Jsonl).unwrap().ops.len(), 1);
        let edn = "\u{feff}{:process 0 :type :invoke :f :read :value nil}";
        assert_eq!(parse(edn, Format::Edn).unwrap().ops.len(), 1);
    }

    #[test]
    fn invalid_utf8_is_located() {
        let err = decode(b"{:a 1}\n{:b \"x\xc3\xa9\xff\"}\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(
            err.message.starts_with("column 8 (byte offset 15)"),
            "{err}"
        );
        assert_eq!(decode("é".as_bytes()), Ok("é"));
    }
}
