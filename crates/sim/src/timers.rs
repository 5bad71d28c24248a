//! Pending timers, and how resetting one moves it without leaving a stale event in
//! the queue.
//!
//! Protocols reset timers far more often than they let them fire: a Raft follower
//! pushes its election deadline back on every heartbeat. Cancelling the queued event
//! and queueing a new one leaves the old one in the queue until its time comes; at a
//! thousand nodes those stale events were most of the queue, and every pop paid for
//! them in cache misses. A reset to a later time instead notes where the timer moved
//! (its new time, and the queue sequence number a new event would have taken at the
//! reset) and leaves the queued event where it is; when that event comes up, it is
//! queued again at the noted time with the noted sequence number. Events are ordered
//! by (time, sequence), so the timer fires exactly where a cancel-and-requeue would
//! have fired it, and a run's trace does not change.

use crate::time::Nanos;

/// Every pending timer, in a slot its id names.
///
/// An id is a slot index and that slot's generation (how many timers it held
/// before), so a lookup is one array read, and an id kept after its timer fired or
/// was cancelled finds a newer generation and nothing pending. Freed slots are
/// reused last-freed first: a node's tick that fires and sets the next one writes
/// the line it just read. At ten thousand nodes a hash map here cost two cache
/// misses (control bytes, then the entry) for every timer set, fired or cancelled.
pub(crate) struct Timers<T> {
    slots: Vec<Slot<T>>,
    /// Slots holding no timer, the last freed at the end.
    free: Vec<u32>,
}

struct Slot<T> {
    generation: u32,
    pending: Option<Pending<T>>,
}

struct Pending<T> {
    /// When the timer's event in the queue comes up.
    queued_at: Nanos,
    /// The node incarnation that set it (a restarted node's timers are not its own).
    incarnation: u32,
    moved: Option<Moved<T>>,
}

/// Where a reset moved a timer whose event is still queued at an earlier time.
pub(crate) struct Moved<T> {
    pub at: Nanos,
    /// The queue sequence number reserved at the reset.
    pub sequence: u64,
    pub timer: T,
}

/// What to do with a timer event that came up.
pub(crate) enum Due<T> {
    /// It fires.
    Fire,
    /// It was cancelled (or belonged to an earlier incarnation that crashed).
    Cancelled,
    /// A reset moved it later: queue it again.
    Moved(Moved<T>),
}

impl<T> Default for Timers<T> {
    fn default() -> Self {
        Timers {
            slots: Vec::new(),
            free: Vec::new(),
        }
    }
}

impl<T> Timers<T> {
    /// A new pending timer whose event is queued at `queued_at`; its id.
    #[inline]
    pub(crate) fn add(&mut self, queued_at: Nanos, incarnation: u32) -> u64 {
        let pending = Some(Pending {
            queued_at,
            incarnation,
            moved: None,
        });
        let index = match self.free.pop() {
            Some(index) => index,
            None => {
                let index = u32::try_from(self.slots.len()).expect("under 2^32 pending timers");
                self.slots.push(Slot {
                    generation: 0,
                    pending: None,
                });
                index
            }
        };
        let slot = &mut self.slots[index as usize];
        debug_assert!(slot.pending.is_none(), "a free slot holds no timer");
        slot.pending = pending;
        u64::from(slot.generation) << 32 | u64::from(index)
    }

    /// The slot of timer `id`, while that timer is pending.
    #[inline]
    fn live_slot(&mut self, id: u64) -> Option<&mut Slot<T>> {
        let slot = self.slots.get_mut(slot_index(id))?;
        let live = u64::from(slot.generation) == id >> 32 && slot.pending.is_some();
        live.then_some(slot)
    }

    /// The timer `id` names, while it is pending.
    #[inline]
    fn pending(&mut self, id: u64) -> Option<&mut Pending<T>> {
        self.live_slot(id)?.pending.as_mut()
    }

    /// Timer `id` is cancelled, fired, or its node gone: no longer pending. An id
    /// that names nothing pending is ignored.
    #[inline]
    pub(crate) fn remove(&mut self, id: u64) {
        let Some(slot) = self.live_slot(id) else {
            return;
        };
        slot.pending = None;
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push(slot_index(id) as u32);
    }

    #[inline]
    pub(crate) fn cancel(&mut self, id: u64) {
        self.remove(id);
    }

    /// Moves pending timer `id` of this `incarnation` to fire at `at` instead, when its
    /// queued event comes up no later than that; `reserve` gives the sequence number.
    /// Gives the timer back when it cannot move so (not pending, or moved earlier):
    /// then the caller cancels it and queues a new one.
    #[inline]
    pub(crate) fn try_move(
        &mut self,
        id: u64,
        incarnation: u32,
        at: Nanos,
        timer: T,
        reserve: impl FnOnce() -> u64,
    ) -> Result<(), T> {
        match self.pending(id) {
            Some(pending) if pending.incarnation == incarnation && pending.queued_at <= at => {
                let sequence = reserve();
                pending.moved = Some(Moved {
                    at,
                    sequence,
                    timer,
                });
                Ok(())
            }
            _ => Err(timer),
        }
    }

    /// Timer `id`'s queued event came up: whether it fires, was cancelled, or moved.
    #[inline]
    pub(crate) fn due(&mut self, id: u64) -> Due<T> {
        let Some(pending) = self.pending(id) else {
            return Due::Cancelled;
        };
        match pending.moved.take() {
            Some(moved) => {
                pending.queued_at = moved.at;
                Due::Moved(moved)
            }
            None => Due::Fire,
        }
    }
}

/// The slot an id names (its low 32 bits).
#[inline(always)]
fn slot_index(id: u64) -> usize {
    (id & u64::from(u32::MAX)) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_names_its_timer_only_while_it_is_pending() {
        let mut timers: Timers<()> = Timers::default();
        let first = timers.add(10, 0);
        assert!(matches!(timers.due(first), Due::Fire));
        timers.remove(first);
        assert!(matches!(timers.due(first), Due::Cancelled));
        let second = timers.add(20, 0);
        assert_ne!(first, second, "the slot is reused under a new generation");
        timers.cancel(first);
        assert!(
            matches!(timers.due(second), Due::Fire),
            "a stale cancel is ignored"
        );
        assert!(matches!(timers.due(u64::MAX), Due::Cancelled));
    }

    #[test]
    fn a_moved_timer_comes_up_moved_once() {
        let mut timers = Timers::default();
        let id = timers.add(10, 3);
        assert_eq!(
            timers.try_move(id, 4, 30, 'x', || 7),
            Err('x'),
            "another incarnation"
        );
        assert_eq!(
            timers.try_move(id, 3, 5, 'x', || 7),
            Err('x'),
            "earlier than queued"
        );
        assert_eq!(timers.try_move(id, 3, 30, 'x', || 7), Ok(()));
        match timers.due(id) {
            Due::Moved(moved) => assert_eq!((moved.at, moved.sequence, moved.timer), (30, 7, 'x')),
            _ => panic!("moved"),
        }
        assert!(matches!(timers.due(id), Due::Fire));
    }
}
