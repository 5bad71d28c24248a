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

use crate::lookup_map::LookupMap;
use crate::time::Nanos;

/// Every pending timer by id: where its event is queued, and where it moved to.
///
/// Looked up by id only, never listed, so a `LookupMap` rather than a tree: ten
/// thousand nodes keep over ten thousand timers pending, and a tree's search over
/// them mispredicted a branch at every level of every set, fire and cancel.
pub(crate) struct Timers<T> {
    pending: LookupMap<u64, Pending<T>>,
    next_id: u64,
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
            pending: LookupMap::default(),
            next_id: 0,
        }
    }
}

impl<T> Timers<T> {
    /// A new pending timer whose event is queued at `queued_at`; its id.
    #[inline]
    pub(crate) fn add(&mut self, queued_at: Nanos, incarnation: u32) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let pending = Pending {
            queued_at,
            incarnation,
            moved: None,
        };
        self.pending.insert(id, pending);
        id
    }

    #[inline]
    pub(crate) fn cancel(&mut self, id: u64) {
        self.pending.remove(&id);
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
        match self.pending.get_mut(&id) {
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
        let Some(pending) = self.pending.get_mut(&id) else {
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

    /// Timer `id` fired, or its node is gone: no longer pending.
    #[inline]
    pub(crate) fn remove(&mut self, id: u64) {
        self.pending.remove(&id);
    }
}
