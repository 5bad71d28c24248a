//! Keys for draws that must not depend on how many draws came before.
//!
//! A message's fate and a handler's draws are read at a position keyed by the
//! instant and by how many keys the same node already took on the same channel (a
//! link's destination, say) at that instant, so removing one message while
//! shrinking leaves every other draw where it was (see `rng`).
//!
//! Across nodes, though, a key's instant can lie ahead of the run's present: a node
//! stalled on slow fsyncs sends when its handler's fsyncs are done. What can never
//! be asked for again is an instant before the present. So one table for the whole
//! run counts the keys taken per (node, channel, instant), and is emptied once the
//! present passes every instant it holds (`forget_before`): without slow disks,
//! at every new instant. It used to be a table per node, and at ten thousand nodes
//! reading a node's entry (and the list of channels it pointed to) was a cache miss
//! on every send and every handler that drew. Most instants see one or two keys, so
//! the table is a short list scanned in place; an instant that takes many (ten
//! thousand nodes starting at time zero) gets a lookup map beside it.

use crate::lookup_map::LookupMap;
use crate::node::NodeId;
use crate::time::Nanos;

/// Entries the table may hold before the list is indexed by a map.
const SCANNED_MAX: usize = 16;

/// ChaCha blocks (64 bytes each) that belong to one key: 32 draws of 64 bits, and
/// exactly what one refill of the generator's buffer produces.
const BLOCKS_PER_KEY: u64 = 4;

/// The keys taken, by (node, channel, instant), at instants not yet past.
#[derive(Debug, Default)]
pub struct InstantKeys {
    entries: Vec<Entry>,
    /// Where each (node and channel, instant) sits in `entries`, once they are more
    /// than `SCANNED_MAX`.
    index: Option<LookupMap<(u64, Nanos), usize>>,
    /// The latest instant any entry holds.
    newest: Option<Nanos>,
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    /// Node and channel as one word.
    place: u64,
    instant: Nanos,
    taken: u32,
}

impl Clone for InstantKeys {
    /// A copy for a forked world, counts included.
    fn clone(&self) -> Self {
        let mut copy = InstantKeys {
            entries: self.entries.clone(),
            index: None,
            newest: self.newest,
        };
        copy.index_if_long();
        copy
    }
}

impl InstantKeys {
    pub fn new() -> Self {
        InstantKeys::default()
    }

    /// How many keys `node` already took on `channel` at `instant` (0 for the
    /// first). `instant` is never before the present `forget_before` was told.
    #[inline]
    pub fn nth(&mut self, node: NodeId, channel: u32, instant: Nanos) -> u32 {
        let place = u64::from(node.0) << 32 | u64::from(channel);
        let found = match &self.index {
            None => self
                .entries
                .iter()
                .position(|e| e.place == place && e.instant == instant),
            Some(index) => index.get(&(place, instant)).copied(),
        };
        match found {
            Some(at) => {
                let taken = &mut self.entries[at].taken;
                *taken += 1;
                *taken - 1
            }
            None => {
                self.add(place, instant);
                0
            }
        }
    }

    /// The run reached `now`: counts at earlier instants can never be asked for
    /// again, and once every instant held is earlier, the table empties.
    #[inline]
    pub fn forget_before(&mut self, now: Nanos) {
        if self.newest.is_some_and(|newest| newest < now) {
            self.entries.clear();
            self.index = None;
            self.newest = None;
        }
    }

    /// Notes the first key taken at (`place`, `instant`).
    #[inline]
    fn add(&mut self, place: u64, instant: Nanos) {
        self.newest = self.newest.max(Some(instant));
        self.entries.push(Entry {
            place,
            instant,
            taken: 1,
        });
        let at = self.entries.len() - 1;
        match &mut self.index {
            Some(index) => index.insert((place, instant), at),
            None => self.index_if_long(),
        }
    }

    /// Builds the map over `entries` once they are too many to scan.
    fn index_if_long(&mut self) {
        if self.entries.len() <= SCANNED_MAX {
            return;
        }
        let mut index = LookupMap::default();
        for (at, entry) in self.entries.iter().enumerate() {
            index.insert((entry.place, entry.instant), at);
        }
        self.index = Some(index);
    }

    /// The block of a keyed stream where draws made at `now` start.
    #[inline]
    pub fn block(now: Nanos) -> u64 {
        now.saturating_mul(BLOCKS_PER_KEY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_node_and_channel_within_an_instant() {
        let mut keys = InstantKeys::new();
        let (a, b) = (NodeId(0), NodeId(1));
        assert_eq!(keys.nth(a, 7, 10), 0);
        assert_eq!(keys.nth(a, 7, 10), 1);
        assert_eq!(keys.nth(a, 8, 10), 0);
        assert_eq!(keys.nth(b, 7, 10), 0);
        assert_eq!(keys.nth(a, 7, 10), 2);
        assert_eq!(
            keys.nth(a, 7, 11),
            0,
            "a new instant starts every count at 0"
        );
    }

    #[test]
    fn a_crowded_instant_counts_the_same_through_its_map() {
        let mut keys = InstantKeys::new();
        for round in 0..3 {
            for node in 0..1_000 {
                assert_eq!(keys.nth(NodeId(node), node % 5, 42), round);
            }
        }
        let mut copy = keys.clone();
        assert_eq!(copy.nth(NodeId(999), 4, 42), 3);
        assert_eq!(keys.nth(NodeId(999), 4, 43), 0);
    }

    #[test]
    fn a_node_ahead_of_the_run_keeps_its_counts_until_the_run_catches_up() {
        let mut keys = InstantKeys::new();
        let (slow, other) = (NodeId(0), NodeId(1));
        keys.forget_before(10);
        assert_eq!(
            keys.nth(slow, 1, 50),
            0,
            "a send that departs after a stall"
        );
        assert_eq!(keys.nth(other, 1, 10), 0, "another node, at the present");
        keys.forget_before(20);
        assert_eq!(keys.nth(slow, 1, 50), 1, "the same instant, still counted");
        assert_eq!(keys.nth(slow, 2, 60), 0);
        assert_eq!(keys.nth(slow, 1, 60), 0, "another instant");
        keys.forget_before(61);
        assert_eq!(keys.nth(slow, 1, 61), 0);
    }
}
