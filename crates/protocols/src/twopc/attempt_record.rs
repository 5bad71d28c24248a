//! What two-phase commit's checker remembers of one attempt for the rest of the run.
//!
//! No attempt is ever settled enough to forget: a process may recover an outcome
//! from its disk at any later time, and that outcome is held to the one it reached
//! before (`no_reversal`) and to the one every other process reached (`agreement`);
//! a recovered commit decision is held to the yes votes seen (`commit_needs_all_yes`).
//! So the record is kept small instead: one per attempt, its servers as bits, where
//! maps keyed by (server, attempt) and (attempt, participant) kept one entry per
//! server and vote. An hour of the 2PC nemesis remembers about 30,000 attempts.

use std::num::NonZeroU64;

/// A set of servers: ids below 64 as bits, any larger ones beside them, sorted
/// (behind one thin pointer: nothing allocated while there are none, and the set
/// is 16 bytes, where a boxed slice made it 24).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Servers {
    low: u64,
    // Boxed on purpose: a thin pointer (8 bytes) where a Vec is 24, in a record
    // kept for every attempt of the run, and it is almost never allocated.
    #[allow(clippy::box_collection)]
    high: Option<Box<Vec<u32>>>,
}

impl Servers {
    pub fn contains(&self, server: u32) -> bool {
        match server < 64 {
            true => self.low & (1 << server) != 0,
            false => self
                .high
                .as_ref()
                .is_some_and(|h| h.binary_search(&server).is_ok()),
        }
    }

    /// Adds `server`; whether it was not there before.
    pub fn insert(&mut self, server: u32) -> bool {
        if server < 64 {
            let new = !self.contains(server);
            self.low |= 1 << server;
            return new;
        }
        let high = self.high.get_or_insert_with(Box::default);
        let Err(at) = high.binary_search(&server) else {
            return false;
        };
        high.insert(at, server);
        true
    }
}

/// What the checker saw of one attempt.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttemptRecord {
    /// The first outcome a process reached (`true`: commit), and which server.
    pub first_outcome: Option<(bool, u32)>,
    /// The servers that reached an outcome. Each reached `first_outcome`'s: a
    /// different one is a violation (`agreement` or `no_reversal`), which ends the run.
    pub reached: Servers,
    /// The participants whose yes vote was seen.
    pub yes_from: Servers,
    /// Faults applied plus messages lost when the coordinator began the attempt,
    /// plus one: `None` is the zero, so the record stays 48 bytes.
    disruptions_at_begin: Option<NonZeroU64>,
}

impl AttemptRecord {
    /// Faults applied plus messages lost when the coordinator began the attempt, if
    /// it was seen to begin.
    pub fn disruptions_at_begin(&self) -> Option<u64> {
        self.disruptions_at_begin.map(|d| d.get() - 1)
    }

    /// Notes the disruptions so far (`disruptions`) as the attempt's beginning,
    /// unless it was seen to begin before.
    pub fn note_begun(&mut self, disruptions: impl FnOnce() -> u64) {
        if self.disruptions_at_begin.is_none() {
            self.disruptions_at_begin = NonZeroU64::new(disruptions().saturating_add(1));
        }
    }

    /// The outcome `server` reached, if it reached one.
    pub fn outcome_of(&self, server: u32) -> Option<bool> {
        let (outcome, _) = self.first_outcome?;
        self.reached.contains(server).then_some(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_hold_low_and_high_ids() {
        let mut servers = Servers::default();
        for id in [0, 5, 63, 64, 1000] {
            assert!(!servers.contains(id));
            assert!(servers.insert(id), "{id} was not there");
            assert!(!servers.insert(id), "{id} was there");
            assert!(servers.contains(id));
        }
        assert!(!servers.contains(1) && !servers.contains(65));
    }

    #[test]
    fn a_server_reached_the_first_outcome_once_it_reached_any() {
        let mut record = AttemptRecord::default();
        assert_eq!(record.outcome_of(2), None);
        record.first_outcome = Some((true, 2));
        record.reached.insert(2);
        assert_eq!(record.outcome_of(2), Some(true));
        assert_eq!(record.outcome_of(3), None);
    }
}
