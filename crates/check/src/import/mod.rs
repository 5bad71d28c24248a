//! Reading histories from files: Jepsen EDN, Porcupine's etcd logs, and faultline's own
//! JSON Lines. `Format::detect` picks one from the text; every parse error names the
//! line and what was expected.

pub mod edn;
pub mod jepsen;
pub mod jsonl;
pub mod porcupine_etcd;

use crate::history::{History, HistoryError};

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

    /// Guesses the format from the first non-blank line.
    pub fn detect(text: &str) -> Format {
        let first = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("");
        if first.starts_with("INFO") {
            Format::PorcupineEtcd
        } else if first.starts_with('{') && serde_json::from_str::<serde_json::Value>(first).is_ok()
        {
            Format::Jsonl
        } else {
            Format::Edn
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

/// Parses `text` in `format`.
pub fn parse(text: &str, format: Format) -> Result<History, HistoryError> {
    match format {
        Format::Edn => jepsen::parse_edn_history(text),
        Format::PorcupineEtcd => porcupine_etcd::parse(text),
        Format::Jsonl => jsonl::parse(text),
    }
}
