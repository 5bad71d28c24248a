//! The event queue's order: a 4-ary min-heap of 16-byte (time, order) slots, laid
//! out so that the four children of a heap node fill one 64-byte cache line.
//!
//! A thousand-node run keeps tens of thousands of events pending, and every pop
//! walks the hole left at the root down to a leaf, reading each level's four
//! children. Stored from the start of a vector those four straddled two cache lines
//! at every level. Here the root sits at position 3, so the children of position
//! `p` are positions `4p - 8` to `4p - 5`, and position `p` is stored `shift` slots
//! into the vector, `shift` (0 to 3) chosen from where the allocation starts so that
//! every group of children is one whole line. An over-aligned vector would do the
//! same without the shift, but it cannot grow in place: each growth freed a large
//! block, which moved glibc's mmap threshold and left repeated runs in one process
//! (`bench --repeat`, a fuzz worker) holding 20% more memory. The smallest child is
//! picked by comparisons compiled to conditional moves: which of two pending events
//! is earlier is a coin toss, and a mispredicted branch per level cost more than
//! the comparison.

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
/// of four.
const ROOT: usize = ARITY - 1;

/// Bytes in a cache line.
const LINE_BYTES: usize = 64;

const PADDING: Slot = Slot { time: 0, order: 0 };

/// A min-heap of slots by (time, order).
#[derive(Default)]
pub(crate) struct SlotHeap {
    /// Position `p` at index `shift + p`; positions before `ROOT` are padding.
    slots: Vec<Slot>,
    /// How far positions are shifted so that children share a line.
    shift: usize,
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
        // A full line must be readable past the last slot (`hole_to_bottom`).
        if self.shift + position + ARITY >= self.slots.len() {
            self.grow();
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

    /// More room (the vector's capacity doubles); if the vector moved, the slots
    /// are shifted to suit its new address.
    #[cold]
    fn grow(&mut self) {
        let used = self.shift + ROOT + self.len;
        // Enough for the next slot and a line past it whatever the new shift.
        self.slots
            .reserve((used + 3 * ARITY).saturating_sub(self.slots.len()));
        let misalignment = self.slots.as_ptr() as usize % LINE_BYTES;
        let shift = (LINE_BYTES - misalignment) % LINE_BYTES / size_of::<Slot>() % ARITY;
        self.slots.resize(self.slots.capacity(), PADDING);
        if shift != self.shift {
            self.slots.copy_within(self.shift..used, shift);
            self.shift = shift;
        }
    }

    #[inline(always)]
    fn at(&self, position: usize) -> Slot {
        self.slots[self.shift + position]
    }

    #[inline(always)]
    fn set(&mut self, position: usize, slot: Slot) {
        self.slots[self.shift + position] = slot;
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
            let at = self.shift + first;
            let held = (end - first).min(ARITY);
            let line: &[Slot; ARITY] = self.slots[at..at + ARITY].try_into().expect("a line");
            let lane = earliest_lane(line, held);
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
        let mut heap = SlotHeap::default();
        for order in 0..100_000 {
            heap.push(Slot { time: 0, order });
            let root_children = heap.slots[heap.shift + ARITY..].as_ptr() as usize;
            assert_eq!(root_children % LINE_BYTES, 0, "after {order} pushes");
        }
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
