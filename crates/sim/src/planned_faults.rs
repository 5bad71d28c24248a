//! Faults planned before a run, kept out of the event queue until their turn.
//!
//! A nemesis plans all of a run's faults at the start: an hour of the Raft nemesis
//! plans about 24,000. Queued up front, each held a slot in the queue's heap and
//! slab from the start, and the slab never shrinks, so the queue stayed sized for
//! the whole plan to the end of the run. Here they wait in a list sorted by when
//! they fall due, each with the queue sequence number it took when it was planned,
//! and the world takes the next one whenever it comes before the queue's earliest
//! event: the order, and so the trace, is exactly what queueing them gave.

use crate::fault::FaultAction;
use crate::time::Nanos;

/// Planned faults by (due time, sequence number), the next one last.
#[derive(Default)]
pub(crate) struct PlannedFaults {
    due_last_first: Vec<(Nanos, u64, FaultAction)>,
}

impl PlannedFaults {
    /// Adds faults, each at its due time with its reserved sequence number.
    pub fn add(&mut self, faults: impl IntoIterator<Item = (Nanos, u64, FaultAction)>) {
        self.due_last_first.extend(faults);
        // Sequence numbers are unique, so the order is total.
        self.due_last_first
            .sort_unstable_by_key(|&(at, sequence, _)| std::cmp::Reverse((at, sequence)));
    }

    /// The next fault's (due time, sequence number).
    #[inline]
    pub fn next_key(&self) -> Option<(Nanos, u64)> {
        self.due_last_first
            .last()
            .map(|&(at, sequence, _)| (at, sequence))
    }

    /// Takes the next fault; the list's memory goes with the last one.
    pub fn take(&mut self) -> Option<(Nanos, FaultAction)> {
        let (at, _, action) = self.due_last_first.pop()?;
        if self.due_last_first.is_empty() {
            self.due_last_first = Vec::new();
        }
        Some((at, action))
    }

    pub fn len(&self) -> usize {
        self.due_last_first.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_come_out_by_time_then_sequence() {
        let mut planned = PlannedFaults::default();
        planned.add([
            (20, 0, FaultAction::Heal),
            (10, 2, FaultAction::RecoverAll),
            (10, 1, FaultAction::Heal),
        ]);
        assert_eq!(planned.next_key(), Some((10, 1)));
        assert_eq!(planned.take(), Some((10, FaultAction::Heal)));
        assert_eq!(planned.take(), Some((10, FaultAction::RecoverAll)));
        assert_eq!(planned.len(), 1);
        assert_eq!(planned.take(), Some((20, FaultAction::Heal)));
        assert_eq!(planned.take(), None);
        assert_eq!(planned.next_key(), None);
    }
}
