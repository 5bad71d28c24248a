//! Keys for draws that must not depend on how many draws came before.
//!
//! A message's fate and a handler's draws are read at a position keyed by the
//! instant and by how many keys the same node already took on the same channel (a
//! link's destination, say) at that instant, so removing one message while
//! shrinking leaves every other draw where it was (see `rng`).
//!
//! Simulated time never goes backwards, so only the current instant's counts can
//! ever be asked for again: one table for the whole run, emptied when the instant
//! moves on, holds them all. It used to be a table per node, and at ten thousand
//! nodes reading a node's entry (and the list of channels it pointed to) was a cache
//! miss on every send and every handler that drew. Most instants see one or two
//! keys, so the table is a short list scanned in place; an instant that takes many
//! (ten thousand nodes starting at time zero) gets a lookup map beside it.

use crate::lookup_map::LookupMap;
use crate::node::NodeId;
use crate::time::Nanos;

/// Keys one instant may take before the list is indexed by a map.
const SCANNED_MAX: usize = 16;

/// ChaCha blocks (64 bytes each) that belong to one key: 32 draws of 64 bits, and
/// exactly what one refill of the generator's buffer produces.
const BLOCKS_PER_KEY: u64 = 4;

/// The counts of keys taken at the current instant, by (node, channel).
#[derive(Debug, Default)]
pub struct InstantKeys {
    instant: Option<Nanos>,
    /// (node, channel) packed into one word, and the keys taken on it.
    taken: Vec<(u64, u32)>,
    /// Where each (node, channel) sits in `taken`, once it holds more than
    /// `SCANNED_MAX`.
    index: Option<LookupMap<u64, usize>>,
}

impl Clone for InstantKeys {
    /// A copy for a forked world: counts of the current instant included.
    fn clone(&self) -> Self {
        let mut copy = InstantKeys {
            instant: self.instant,
            taken: self.taken.clone(),
            index: None,
        };
        copy.index_if_long();
        copy
    }
}

impl InstantKeys {
    pub fn new() -> Self {
        InstantKeys::default()
    }

    /// How many keys `node` already took on `channel` at `now` (0 for the first).
    /// `now` never goes backwards from one call to the next.
    #[inline]
    pub fn nth(&mut self, node: NodeId, channel: u32, now: Nanos) -> u32 {
        if self.instant != Some(now) {
            debug_assert!(self.instant.is_none_or(|i| i < now), "time went backwards");
            self.instant = Some(now);
            self.taken.clear();
            self.index = None;
        }
        let key = u64::from(node.0) << 32 | u64::from(channel);
        let found = match &self.index {
            None => self.taken.iter().position(|(k, _)| *k == key),
            Some(index) => index.get(&key).copied(),
        };
        match found {
            Some(at) => {
                let taken = &mut self.taken[at].1;
                *taken += 1;
                *taken - 1
            }
            None => {
                self.taken.push((key, 1));
                match &mut self.index {
                    Some(index) => index.insert(key, self.taken.len() - 1),
                    None => self.index_if_long(),
                }
                0
            }
        }
    }

    /// Builds the map over `taken` once it is too long to scan.
    fn index_if_long(&mut self) {
        if self.taken.len() <= SCANNED_MAX {
            return;
        }
        let mut index = LookupMap::default();
        for (at, (key, _)) in self.taken.iter().enumerate() {
            index.insert(*key, at);
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
}
