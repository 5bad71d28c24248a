//! What one node's application was handed, recorded apart from the gossip layer's
//! memory, so the checker can say whether a rumor was delivered twice.
//!
//! An exact record of every rumor delivered would grow with the run. This one is
//! bounded the way the contract in `memory.rs` allows: it keeps the `capacity`
//! highest ids delivered and the highest it dropped (its floor). A delivery it
//! still holds is a repeat; one at or below its floor may be a repeat it can no
//! longer see, and a node keeping that contract never makes one (the node forgets
//! as many ids, so its own floor is at least this one). Kept in a different shape
//! from the node's memory (sorted by id, highest kept, rather than by arrival) so
//! the two are not one piece of code checking itself.

use super::node::RumorId;
use std::collections::VecDeque;

#[derive(Clone, Debug)]
pub struct Audit {
    /// The highest ids delivered, ascending; at most `capacity`. A deque: new ids go
    /// in near the high end and the lowest leaves from the other, neither shifting
    /// the rest.
    kept: VecDeque<RumorId>,
    capacity: usize,
    /// The highest id dropped from `kept`.
    floor: Option<RumorId>,
    /// Rumors delivered so far.
    pub delivered: u64,
    /// The first delivery that broke the contract: a repeat, or one below the floor.
    pub first_repeat: Option<RumorId>,
}

impl Audit {
    pub fn new(capacity: usize) -> Self {
        Audit {
            kept: VecDeque::with_capacity(capacity + 1),
            capacity: capacity.max(1),
            floor: None,
            delivered: 0,
            first_repeat: None,
        }
    }

    /// Records that the application was handed `id`.
    pub fn delivered(&mut self, id: RumorId) {
        self.delivered += 1;
        let at = match self.kept.binary_search(&id) {
            Ok(_) => return self.repeat(id),
            Err(_) if self.floor.is_some_and(|floor| id <= floor) => return self.repeat(id),
            Err(at) => at,
        };
        self.kept.insert(at, id);
        if self.kept.len() > self.capacity {
            self.floor = self.kept.pop_front();
        }
    }

    /// The highest id delivered (while it is kept, which it is until `capacity`
    /// higher ones follow).
    pub fn latest(&self) -> Option<RumorId> {
        self.kept.back().copied()
    }

    fn repeat(&mut self, id: RumorId) {
        self.first_repeat.get_or_insert(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(born_ns: u64) -> RumorId {
        RumorId {
            born_ns,
            origin: 1,
            seq: 0,
        }
    }

    #[test]
    fn a_repeat_is_caught_while_kept_and_after_it_was_dropped() {
        let mut audit = Audit::new(2);
        for born in [3, 1, 2] {
            audit.delivered(id(born));
        }
        assert_eq!(audit.first_repeat, None, "1 dropped, the floor is 1");
        audit.delivered(id(3));
        assert_eq!(audit.first_repeat, Some(id(3)), "kept: a repeat");
        let mut audit = Audit::new(2);
        for born in [3, 1, 2, 1] {
            audit.delivered(id(born));
        }
        assert_eq!(audit.first_repeat, Some(id(1)), "dropped: at the floor");
        assert_eq!(audit.delivered, 4);
    }
}
