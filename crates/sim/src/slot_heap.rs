//! The event queue's order: a 4-ary min-heap of 16-byte (time, order) slots, laid
//! out so that the four children of a heap node fill one 64-byte cache line.
//!
//! A thousand-node run keeps tens of thousands of events pending, and every pop
//! walks the hole left at the root down to a leaf, reading each level's four
//! children. Stored from the start of an ordinary vector those four straddled two
//! cache lines at every level; here the root sits at position 3 of a vector of
//! 64-byte-aligned lines, so the children of position `p` are positions `4p - 8` to
//! `4p - 5`, always one whole line. The smallest child is picked by comparisons
//! compiled to conditional moves: which of two pending events is earlier is a coin
//! toss, and a mispredicted branch per level cost more than the comparison.

use crate::time::Nanos;

/// What the heap orders: the event's time, then `order` (the queue's insertion
/// sequence with its slab index in the low bits; unique, so no two slots tie).
#[derive(Clone, Copy)]
pub(crate) struct Slot {
    pub time: Nanos,
    pub order: u64,
}

impl Slot {
    /// Time and order as one number, compared without a branch.
    #[inline(always)]
    fn key(&self) -> u128 {
        (u128::from(self.time) << 64) | u128::from(self.order)
    }

    #[inline(always)]
    fn before(&self, other: &Slot) -> bool {
        self.key() < other.key()
    }
}

/// Children per heap node: four 16-byte slots are one cache line, and the heap is
/// half as deep as a binary one.
const ARITY: usize = 4;

/// The root's position: with it at 3, every node's children start on a multiple
/// of four, which is where a line starts.
const ROOT: usize = ARITY - 1;

/// Four slots on one cache line.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Line([Slot; ARITY]);

const PADDING: Slot = Slot { time: 0, order: 0 };

/// A min-heap of slots by (time, order).
#[derive(Default)]
pub(crate) struct SlotHeap {
    lines: Vec<Line>,
    /// Slots held; they sit at positions `ROOT..ROOT + len`.
    len: usize,
}

impl SlotHeap {
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// The earliest slot.
    #[inline(always)]
    pub fn first(&self) -> Option<Slot> {
        (self.len > 0).then(|| self.at(ROOT))
    }

    #[inline(always)]
    pub fn push(&mut self, slot: Slot) {
        let position = ROOT + self.len;
        if position / ARITY == self.lines.len() {
            self.lines.push(Line([PADDING; ARITY]));
        }
        self.len += 1;
        self.sift_up_from(position, slot);
    }

    /// Takes the earliest slot out.
    #[inline(always)]
    pub fn pop(&mut self) -> Option<Slot> {
        let top = self.first()?;
        let last = self.at(ROOT + self.len - 1);
        self.len -= 1;
        if self.len > 0 {
            let hole = self.hole_to_bottom();
            self.sift_up_from(hole, last);
        }
        Some(top)
    }

    #[inline(always)]
    fn at(&self, position: usize) -> Slot {
        self.lines[position / ARITY].0[position % ARITY]
    }

    #[inline(always)]
    fn set(&mut self, position: usize, slot: Slot) {
        self.lines[position / ARITY].0[position % ARITY] = slot;
    }

    /// Moves the hole left at the root down to a leaf, each level taking the
    /// smallest child up (the slot that will fill the hole came from the end of the
    /// heap and usually belongs near the bottom, so comparing it on the way down
    /// would mostly be wasted). The hole's final position.
    #[inline(always)]
    fn hole_to_bottom(&mut self) -> usize {
        let end = ROOT + self.len;
        let mut hole = ROOT;
        loop {
            let first = ARITY * hole - 2 * ARITY;
            if first >= end {
                return hole;
            }
            let line = &self.lines[first / ARITY].0;
            let lane = earliest_lane(line, (end - first).min(ARITY));
            let slot = line[lane];
            self.set(hole, slot);
            hole = first + lane;
        }
    }

    /// Puts `slot` at `position`, or above it while its parent is later.
    #[inline(always)]
    fn sift_up_from(&mut self, mut position: usize, slot: Slot) {
        while position > ROOT {
            let parent = position / ARITY + 2;
            if !slot.before(&self.at(parent)) {
                break;
            }
            self.set(position, self.at(parent));
            position = parent;
        }
        self.set(position, slot);
    }
}

/// Which of the first `held` slots of `line` is earliest. A full line (every level
/// but the last) is a two-round tournament of comparisons the compiler turns into
/// conditional moves.
#[inline(always)]
fn earliest_lane(line: &[Slot; ARITY], held: usize) -> usize {
    let keys = line.map(|slot| slot.key());
    if held == ARITY {
        let (left, left_key) = earlier_of((0, keys[0]), (1, keys[1]));
        let (right, right_key) = earlier_of((2, keys[2]), (3, keys[3]));
        return earlier_of((left, left_key), (right, right_key)).0;
    }
    (1..held)
        .fold((0, keys[0]), |best, lane| {
            earlier_of(best, (lane, keys[lane]))
        })
        .0
}

/// Whichever of two (lane, key) pairs has the smaller key; the first on a tie.
#[inline(always)]
fn earlier_of(a: (usize, u128), b: (usize, u128)) -> (usize, u128) {
    if b.1 < a.1 {
        b
    } else {
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_share_a_line_and_name_their_parent() {
        for position in ROOT..10_000 {
            let first = ARITY * position - 2 * ARITY;
            assert_eq!(first % ARITY, 0, "children of {position} start a line");
            for child in first..first + ARITY {
                assert_eq!(child / ARITY + 2, position);
            }
        }
        assert_eq!(std::mem::align_of::<Line>(), 64);
        assert_eq!(std::mem::size_of::<Line>(), 64);
    }

    #[test]
    fn pops_in_key_order() {
        let mut heap = SlotHeap::default();
        let mut x: u64 = 11;
        let mut pushed = Vec::new();
        for order in 0..5_000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let slot = Slot {
                time: (x >> 33) % 97,
                order,
            };
            heap.push(slot);
            pushed.push((slot.time, slot.order));
            if order % 3 == 0 {
                pushed.sort();
                let popped = heap.pop().expect("not empty");
                assert_eq!((popped.time, popped.order), pushed.remove(0));
            }
        }
        pushed.sort();
        let rest: Vec<_> = std::iter::from_fn(|| heap.pop())
            .map(|s| (s.time, s.order))
            .collect();
        assert_eq!(rest, pushed);
        assert_eq!(heap.len(), 0);
    }
}
