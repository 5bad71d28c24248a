//! Anomalies as Adya and Elle name them, each with the transactions involved and an
//! explanation in words.

use serde::Serialize;

/// What kind of anomaly: a dependency cycle of a class, or a problem a single read or
/// transaction shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum AnomalyKind {
    /// A cycle of write-write edges only.
    #[serde(rename = "G0")]
    G0,
    /// A read of a write by a transaction that aborted.
    #[serde(rename = "G1a")]
    G1a,
    /// A read of a write that its transaction later overwrote (an intermediate state).
    #[serde(rename = "G1b")]
    G1b,
    /// A cycle of write-write and write-read edges.
    #[serde(rename = "G1c")]
    G1c,
    /// A cycle with exactly one read-write (anti-dependency) edge.
    #[serde(rename = "G-single")]
    GSingle,
    /// A cycle with more than one read-write edge.
    #[serde(rename = "G2")]
    G2,
    #[serde(rename = "G0-realtime")]
    G0Realtime,
    #[serde(rename = "G1c-realtime")]
    G1cRealtime,
    #[serde(rename = "G-single-realtime")]
    GSingleRealtime,
    #[serde(rename = "G2-realtime")]
    G2Realtime,
    /// A transaction's read disagrees with its own earlier writes or reads.
    #[serde(rename = "internal")]
    Internal,
    /// Two reads of one list where neither is a prefix of the other.
    #[serde(rename = "incompatible-order")]
    IncompatibleOrder,
    /// A list read holding one element twice.
    #[serde(rename = "duplicate-elements")]
    DuplicateElements,
    /// A read of a value no transaction wrote.
    #[serde(rename = "garbage-read")]
    GarbageRead,
    /// Two committed transactions read the same version of a key and both wrote it.
    #[serde(rename = "lost-update")]
    LostUpdate,
}

impl AnomalyKind {
    pub fn name(self) -> &'static str {
        match self {
            AnomalyKind::G0 => "G0",
            AnomalyKind::G1a => "G1a",
            AnomalyKind::G1b => "G1b",
            AnomalyKind::G1c => "G1c",
            AnomalyKind::GSingle => "G-single",
            AnomalyKind::G2 => "G2",
            AnomalyKind::G0Realtime => "G0-realtime",
            AnomalyKind::G1cRealtime => "G1c-realtime",
            AnomalyKind::GSingleRealtime => "G-single-realtime",
            AnomalyKind::G2Realtime => "G2-realtime",
            AnomalyKind::Internal => "internal",
            AnomalyKind::IncompatibleOrder => "incompatible-order",
            AnomalyKind::DuplicateElements => "duplicate-elements",
            AnomalyKind::GarbageRead => "garbage-read",
            AnomalyKind::LostUpdate => "lost-update",
        }
    }

    /// The class of a cycle with `rw` read-write edges, `wr` whether any write-read
    /// edge, and `realtime` whether it needs real-time edges.
    pub fn of_cycle(rw: usize, wr: bool, realtime: bool) -> AnomalyKind {
        match (rw, wr, realtime) {
            (0, false, false) => AnomalyKind::G0,
            (0, true, false) => AnomalyKind::G1c,
            (1, _, false) => AnomalyKind::GSingle,
            (_, _, false) => AnomalyKind::G2,
            (0, false, true) => AnomalyKind::G0Realtime,
            (0, true, true) => AnomalyKind::G1cRealtime,
            (1, _, true) => AnomalyKind::GSingleRealtime,
            (_, _, true) => AnomalyKind::G2Realtime,
        }
    }
}

/// One anomaly found: its kind, the transactions (a cycle's in order), and the
/// explanation, one line per step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Anomaly {
    pub kind: AnomalyKind,
    pub txns: Vec<usize>,
    pub explanation: Vec<String>,
}
