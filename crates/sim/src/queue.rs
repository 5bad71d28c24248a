//! The event queue: pending events ordered by (virtual time, insertion sequence).
//!
//! Ties in time are broken by the order events were scheduled, never by memory
//! address or hash order, which is what makes a run repeatable. Time and sequence are
//! packed into one `u128` key so each heap comparison is a single integer compare.

use crate::time::Nanos;

/// What the heap orders: the packed key and where the event waits. Events stay put
/// in the slab while the heap sifts these 32-byte slots, so a push or pop costs the
/// same whatever the size of a protocol's messages.
#[derive(Clone, Copy)]
struct Slot {
    key: u128,
    index: u32,
}

/// A min-queue of events by (time, sequence).
///
/// The binary heap is written here rather than taken from
/// `std::collections::BinaryHeap`, so that its per-event functions can be forced
/// inline: they are compiled into the simulation loop of whichever crate
/// instantiates it (a user's protocol crate as much as faultline's), instead of
/// costing a call wherever the compiler places one shared copy. Measured: the
/// ping-pong kernel shape spent 15% of its instructions in an out-of-line
/// `BinaryHeap::pop` once its run loop was instantiated outside the harness.
pub struct EventQueue<E> {
    /// A binary min-heap of slots by key.
    heap: Vec<Slot>,
    /// Events by slab index; `None` where a slot is free.
    events: Vec<Option<E>>,
    /// Free slab indexes, reused last-freed first (only the order of pushes and
    /// pops decides which index an event gets, and indexes never reach the trace).
    free: Vec<u32>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: Vec::new(),
            events: Vec::new(),
            free: Vec::new(),
            next_seq: 0,
        }
    }
}

impl<E> EventQueue<E> {
    #[inline(always)]
    pub fn push(&mut self, time: Nanos, event: E) {
        let key = (u128::from(time) << 64) | u128::from(self.next_seq);
        self.next_seq += 1;
        let index = self.store(event);
        let slot = Slot { key, index };
        self.heap.push(slot);
        self.sift_up_from(self.heap.len() - 1, slot);
    }

    #[inline(always)]
    pub fn pop(&mut self) -> Option<(Nanos, E)> {
        let top = *self.heap.first()?;
        let last = self.heap.pop().expect("not empty");
        if !self.heap.is_empty() {
            let hole = self.hole_to_bottom();
            self.sift_up_from(hole, last);
        }
        let event = self.events[top.index as usize]
            .take()
            .expect("a queued slot holds its event");
        self.free.push(top.index);
        Some(((top.key >> 64) as Nanos, event))
    }

    #[inline]
    pub fn peek_time(&self) -> Option<Nanos> {
        self.heap.first().map(|slot| (slot.key >> 64) as Nanos)
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Puts `event` in a free slab slot; its index.
    #[inline(always)]
    fn store(&mut self, event: E) -> u32 {
        match self.free.pop() {
            Some(index) => {
                debug_assert!(
                    self.events[index as usize].is_none(),
                    "a free slot is empty"
                );
                self.events[index as usize] = Some(event);
                index
            }
            None => {
                self.events.push(Some(event));
                u32::try_from(self.events.len() - 1).expect("fewer than 2^32 pending events")
            }
        }
    }

    /// Moves the hole left at the root down to a leaf, each level taking the
    /// smaller child up (one comparison per level: the element that will fill the
    /// hole came from the end of the heap and usually belongs near the bottom).
    #[inline(always)]
    fn hole_to_bottom(&mut self) -> usize {
        let len = self.heap.len();
        let mut hole = 0;
        let mut child = 1;
        while child + 1 < len {
            if self.heap[child + 1].key < self.heap[child].key {
                child += 1;
            }
            self.heap[hole] = self.heap[child];
            hole = child;
            child = 2 * hole + 1;
        }
        if child + 1 == len {
            self.heap[hole] = self.heap[child];
            hole = child;
        }
        hole
    }

    /// Puts `slot` at the hole `at`, or above it while its parent is later.
    #[inline(always)]
    fn sift_up_from(&mut self, mut at: usize, slot: Slot) {
        while at > 0 {
            let parent = (at - 1) / 2;
            if slot.key >= self.heap[parent].key {
                break;
            }
            self.heap[at] = self.heap[parent];
            at = parent;
        }
        self.heap[at] = slot;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_by_time_then_insertion_order() {
        let mut q = EventQueue::default();
        q.push(5, "late");
        q.push(1, "first");
        q.push(1, "second");
        q.push(3, "middle");
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(
            order,
            vec![(1, "first"), (1, "second"), (3, "middle"), (5, "late")]
        );
    }

    #[test]
    fn pushes_after_pops_keep_the_order() {
        let mut q = EventQueue::default();
        q.push(2, 'a');
        q.push(1, 'b');
        assert_eq!(q.pop(), Some((1, 'b')));
        q.push(1, 'c');
        q.push(2, 'd');
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(order, vec![(1, 'c'), (2, 'a'), (2, 'd')]);
        assert!(q.is_empty());
    }

    #[test]
    fn many_events_pop_in_key_order() {
        let mut q = EventQueue::default();
        let mut x: u64 = 7;
        let mut pushed = Vec::new();
        for i in 0..1000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let time = (x >> 33) % 50;
            q.push(time, i);
            pushed.push((time, i));
            if i % 3 == 0 {
                pushed.sort();
                assert_eq!(q.pop(), Some(pushed.remove(0)));
            }
        }
        pushed.sort();
        let rest: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(rest, pushed);
    }
}
