//! Consistency models and the anomalies each forbids, weakest first. Every model here
//! forbids what makes a history unreadable as transactions at all (G0, G1, internal
//! inconsistency, reads of values never written or in no single order); snapshot
//! isolation adds G-single and lost updates; serializability adds every other
//! cycle; strict serializability adds the cycles that need real-time order.

use crate::anomaly::AnomalyKind;

/// Declared weakest first: the derived order is strength.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Consistency {
    ReadCommitted,
    SnapshotIsolation,
    Serializable,
    StrictSerializable,
}

impl Consistency {
    pub const ALL: [Consistency; 4] = [
        Consistency::ReadCommitted,
        Consistency::SnapshotIsolation,
        Consistency::Serializable,
        Consistency::StrictSerializable,
    ];

    pub fn parse(name: &str) -> Option<Consistency> {
        Consistency::ALL.into_iter().find(|c| c.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Consistency::ReadCommitted => "read-committed",
            Consistency::SnapshotIsolation => "snapshot-isolation",
            Consistency::Serializable => "serializable",
            Consistency::StrictSerializable => "strict-serializable",
        }
    }

    /// Whether a history showing `kind` cannot have this consistency.
    pub fn forbids(self, kind: AnomalyKind) -> bool {
        use AnomalyKind::*;
        match kind {
            G0 | G1a | G1b | G1c | Internal | IncompatibleOrder | DuplicateElements
            | GarbageRead => true,
            GSingle | LostUpdate => self != Consistency::ReadCommitted,
            G2 => self >= Consistency::Serializable,
            G0Realtime | G1cRealtime | GSingleRealtime | G2Realtime => {
                self == Consistency::StrictSerializable
            }
        }
    }
}
