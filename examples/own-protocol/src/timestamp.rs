//! Timestamps and timestamped values: how ABD orders writes without a leader.
//!
//! Every write is tagged with a timestamp `(counter, writer)`, compared
//! lexicographically: a writer picks a counter above every one it has seen, and its
//! own id breaks ties between writers that picked the same counter concurrently. So
//! any two writes are ordered, and a replica keeps whichever value carries the higher
//! timestamp. One timestamp names one value: the writer id makes timestamps of
//! different writers differ, and a writer never reuses a counter.

use serde::Serialize;
use std::fmt;

/// The order of writes: `counter` first, then the `writer`'s node id.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Timestamp {
    pub counter: u64,
    /// The node id of the client that wrote with this timestamp.
    pub writer: u32,
}

impl Timestamp {
    /// The timestamp of the register's initial (empty) value, below every write's.
    pub const INITIAL: Timestamp = Timestamp {
        counter: 0,
        writer: 0,
    };

    pub fn is_initial(self) -> bool {
        self == Timestamp::INITIAL
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_initial() {
            return write!(f, "(initial)");
        }
        write!(f, "({}, n{})", self.counter, self.writer)
    }
}

/// A register's content: a value and the timestamp of the write that put it there.
/// `value` is `None` only for the initial, never-written register.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Versioned {
    pub ts: Timestamp,
    pub value: Option<String>,
}

impl Versioned {
    /// The register before any write.
    pub fn initial() -> Self {
        Versioned::default()
    }

    /// Whichever of the two was written later (the higher timestamp).
    pub fn newer(self, other: Versioned) -> Versioned {
        if other.ts > self.ts {
            other
        } else {
            self
        }
    }
}

impl fmt::Display for Versioned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(value) => write!(f, "{value} at {}", self.ts),
            None => write!(f, "nothing at {}", self.ts),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(counter: u64, writer: u32) -> Timestamp {
        Timestamp { counter, writer }
    }

    #[test]
    fn counters_order_first_and_writers_break_ties() {
        assert!(ts(2, 1) > ts(1, 9));
        assert!(ts(2, 5) > ts(2, 4));
        assert!(ts(1, 3) > Timestamp::INITIAL);
    }

    #[test]
    fn newer_keeps_the_higher_timestamp() {
        let old = Versioned {
            ts: ts(1, 7),
            value: Some("a".into()),
        };
        let new = Versioned {
            ts: ts(1, 8),
            value: Some("b".into()),
        };
        assert_eq!(old.clone().newer(new.clone()), new);
        assert_eq!(new.clone().newer(old), new);
        assert_eq!(Versioned::initial().newer(new.clone()), new);
    }
}
