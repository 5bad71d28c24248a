//! A gossiping node's memory of the rumors it has seen: the last `capacity` rumor
//! ids in the order they arrived, and a floor.
//!
//! Gossip must forget, or a node's memory grows with every rumor ever spread. But a
//! node that forgets a rumor can no longer tell a late copy of it from a new one, so
//! forgetting raises a floor: a rumor at or below the highest id ever forgotten is
//! refused, never delivered. Ids are ordered by when their origin started them, so
//! the floor trails the present by about `capacity` rumors, and only copies that
//! arrive that late (held by a partition, a paused node) are turned away: the price
//! is a rumor some node misses, never one delivered twice.

use super::node::RumorId;
use std::collections::VecDeque;

#[derive(Clone, Debug)]
pub struct Memory {
    /// Ids seen, oldest arrival first; at most `capacity`.
    recent: VecDeque<RumorId>,
    capacity: usize,
    /// The highest id forgotten so far: this and everything below it is refused.
    floor: Option<RumorId>,
    /// The named bug `gossip.forget_without_floor`: forgetting leaves the floor alone.
    forget_without_floor: bool,
}

impl Memory {
    pub fn new(capacity: usize, forget_without_floor: bool) -> Self {
        Memory {
            recent: VecDeque::with_capacity(capacity),
            capacity: capacity.max(1),
            floor: None,
            forget_without_floor,
        }
    }

    /// Whether `id` is news: neither remembered nor at or below the floor. News is
    /// remembered, forgetting the oldest arrival when the memory is full.
    pub fn learn(&mut self, id: RumorId) -> bool {
        // A repeat is most likely a recent arrival: look from the newest end.
        let remembered = || self.recent.iter().rev().any(|&seen| seen == id);
        if self.floor.is_some_and(|floor| id <= floor) || remembered() {
            return false;
        }
        if self.recent.len() == self.capacity {
            let forgotten = self.recent.pop_front().expect("capacity is at least 1");
            if !self.forget_without_floor {
                self.floor = self.floor.max(Some(forgotten));
            }
        }
        self.recent.push_back(id);
        true
    }

    /// How many ids it holds now (never more than its capacity).
    pub fn len(&self) -> usize {
        self.recent.len()
    }

    pub fn is_empty(&self) -> bool {
        self.recent.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(born_ns: u64) -> RumorId {
        RumorId {
            born_ns,
            origin: 0,
            seq: 0,
        }
    }

    #[test]
    fn a_rumor_is_news_once_and_a_forgotten_one_never_again() {
        let mut memory = Memory::new(2, false);
        assert!(memory.learn(id(5)));
        assert!(!memory.learn(id(5)), "remembered");
        assert!(memory.learn(id(7)));
        assert!(memory.learn(id(6)), "full: forgets 5, the oldest arrival");
        assert_eq!(memory.len(), 2);
        assert!(!memory.learn(id(5)), "at the floor");
        assert!(!memory.learn(id(4)), "below the floor, though never seen");
        assert!(memory.learn(id(9)), "forgets 7: the floor rises to 7");
        assert!(!memory.learn(id(6)), "6 is below 7");
    }

    #[test]
    fn without_the_floor_a_forgotten_rumor_is_news_again() {
        let mut memory = Memory::new(1, true);
        assert!(memory.learn(id(5)));
        assert!(memory.learn(id(6)));
        assert!(memory.learn(id(5)), "the bug: a repeat taken for news");
    }
}
