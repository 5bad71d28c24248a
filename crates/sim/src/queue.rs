//! The event queue: pending events ordered by (virtual time, insertion sequence).
//!
//! Ties in time are broken by the order events were scheduled, never by memory
//! address or hash order, which is what makes a run repeatable. The heap itself, and
//! how it lays slots on cache lines, is `slot_heap.rs`.

use crate::slot_heap::{Slot, SlotHeap};
use crate::time::Nanos;

/// How many bits of a slot's `order` word hold the slab index; the rest hold the
/// insertion sequence. 2^28 pending events (hundreds of gigabytes of them) and 2^36
/// events scheduled in one run (19 hours at a million events per second) are beyond
/// any run the watchdog lets live.
const INDEX_BITS: u32 = 28;
const INDEX_MASK: u64 = (1 << INDEX_BITS) - 1;

/// What the queue can tell of an event before it comes up: the index of the node
/// it is for, if any, so the world can ask for that node's state while it handles
/// the event before (`EventQueue::next_addressee`).
pub trait Addressed {
    fn addressee(&self) -> Option<u32>;
}

/// A min-queue of events by (time, sequence).
///
/// The heap is written here (`slot_heap.rs`) rather than taken from
/// `std::collections::BinaryHeap`, so that its per-event functions can be forced
/// inline: they are compiled into the
/// simulation loop of whichever crate instantiates it (a user's protocol crate as
/// much as faultline's), instead of costing a call wherever the compiler places one
/// shared copy. Measured: the ping-pong kernel shape spent 15% of its instructions
/// in an out-of-line `BinaryHeap::pop` once its run loop was instantiated outside
/// the harness.
pub struct EventQueue<E> {
    /// Slots by (time, order), where `order` is `sequence << INDEX_BITS | slab
    /// index`: sequences are unique, so the index never decides an order. Events
    /// stay put in the slab while the heap moves these 16-byte slots, so a push or
    /// pop costs the same whatever the size of a protocol's messages.
    heap: SlotHeap,
    /// Events by slab index; `None` where a slot is free.
    events: Vec<Option<E>>,
    /// Each slab slot's event's addressee (`u32::MAX`: none), apart from the events
    /// so that reading it for the next event is a read of a small, dense array.
    addressees: Vec<u32>,
    /// Free slab indexes, reused last-freed first (only the order of pushes and
    /// pops decides which index an event gets, and indexes never reach the trace).
    free: Vec<u32>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: SlotHeap::default(),
            events: Vec::new(),
            addressees: Vec::new(),
            free: Vec::new(),
            next_seq: 0,
        }
    }
}

impl<E: Addressed> EventQueue<E> {
    #[inline(always)]
    pub fn push(&mut self, time: Nanos, event: E) {
        let sequence = self.reserve_sequence();
        self.push_reserved(time, sequence, event);
    }

    /// The insertion sequence the next push would take, taken now: an event pushed
    /// later with it (`push_reserved`) is ordered as if it had been pushed now.
    #[inline(always)]
    pub fn reserve_sequence(&mut self) -> u64 {
        assert!(
            self.next_seq < 1 << (64 - INDEX_BITS),
            "2^36 events scheduled"
        );
        self.next_seq += 1;
        self.next_seq - 1
    }

    /// Pushes `event` with a sequence number `reserve_sequence` gave out (once).
    #[inline(always)]
    pub fn push_reserved(&mut self, time: Nanos, sequence: u64, event: E) {
        debug_assert!(sequence < self.next_seq, "a reserved sequence");
        let index = self.store(event);
        let order = (sequence << INDEX_BITS) | index as u64;
        self.heap.push(Slot { time, order });
    }

    #[inline(always)]
    pub fn pop(&mut self) -> Option<(Nanos, E)> {
        let top = self.heap.pop()?;
        let index = slab_index(top);
        let event = self.events[index]
            .take()
            .expect("a queued slot holds its event");
        self.free.push(index as u32);
        if let Some(next) = self.heap.first() {
            prefetch(&self.events[slab_index(next)]);
        }
        Some((top.time, event))
    }

    /// The node the earliest event is for, if any.
    #[inline(always)]
    pub fn next_addressee(&self) -> Option<u32> {
        let next = self.heap.first()?;
        let addressee = self.addressees[slab_index(next)];
        (addressee != u32::MAX).then_some(addressee)
    }

    #[inline]
    pub fn peek_time(&self) -> Option<Nanos> {
        self.heap.first().map(|slot| slot.time)
    }

    /// The earliest event's (time, insertion sequence): what orders it.
    #[inline]
    pub fn peek_key(&self) -> Option<(Nanos, u64)> {
        self.heap
            .first()
            .map(|slot| (slot.time, slot.order >> INDEX_BITS))
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.len() == 0
    }

    /// Puts `event` in a free slab slot; its index.
    #[inline(always)]
    fn store(&mut self, event: E) -> u32 {
        let addressee = event.addressee().unwrap_or(u32::MAX);
        match self.free.pop() {
            Some(index) => {
                debug_assert!(
                    self.events[index as usize].is_none(),
                    "a free slot is empty"
                );
                self.events[index as usize] = Some(event);
                self.addressees[index as usize] = addressee;
                index
            }
            None => {
                self.events.push(Some(event));
                self.addressees.push(addressee);
                let index = self.events.len() - 1;
                assert!(index as u64 <= INDEX_MASK, "fewer than 2^28 pending events");
                index as u32
            }
        }
    }
}

/// Where a slot's event sits in the slab.
#[inline(always)]
fn slab_index(slot: Slot) -> usize {
    (slot.order & INDEX_MASK) as usize
}

/// Asks the processor to bring `slot` into cache while the current event is
/// handled: here the next event's slab slot, in the World the next event's node.
/// A large queue's slots are mostly cache misses (a thousand Raft nodes keep about
/// 25,000 events pending, 2.5 MB of slots). For the slab slot, measured in one
/// sitting, alternating binaries (`faultline bench benches/scale/N.json`): gossip
/// at 10,000 nodes 1.02-1.17M -> 1.16-1.65M events/s, Raft at 1,000 nodes
/// 0.71-0.85M -> 0.84-0.95M, the 5-node Raft run within its noise.
#[inline(always)]
pub(crate) fn prefetch<T>(slot: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint: it reads nothing into the program, cannot
    // fault, and `slot` is a live reference anyway. `_mm_prefetch` is `unsafe` only
    // because it is a `target_feature` function; SSE is part of every x86_64 target.
    unsafe {
        use core::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>((slot as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = slot;
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Addressed for &str {
        fn addressee(&self) -> Option<u32> {
            None
        }
    }

    impl Addressed for char {
        fn addressee(&self) -> Option<u32> {
            None
        }
    }

    /// Test events name their own addressee: the event itself.
    impl Addressed for u64 {
        fn addressee(&self) -> Option<u32> {
            u32::try_from(*self).ok()
        }
    }

    #[test]
    fn names_the_next_events_addressee() {
        let mut q = EventQueue::default();
        assert_eq!(q.next_addressee(), None);
        q.push(5, 50u64);
        q.push(1, 10u64);
        assert_eq!(q.next_addressee(), Some(10));
        q.pop();
        assert_eq!(q.next_addressee(), Some(50));
        q.push(2, u64::MAX);
        assert_eq!(q.next_addressee(), None, "an event for no node");
    }

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
