//! Faults planned before a run, kept out of the event queue until their turn.
//!
//! A nemesis plans all of a run's faults at the start: an hour of the Raft nemesis
//! plans about 24,000. Queued up front, each held a slot in the queue's heap and
//! slab from the start, and the slab never shrinks, so the queue stayed sized for
//! the whole plan to the end of the run. Here they wait in a list sorted by when
//! they fall due, each with the queue sequence number it took when it was planned,
//! and the world takes the next one whenever it comes before the queue's earliest
//! event: the order, and so the trace, is exactly what queueing them gave.
//!
//! The nemesis's plan does not even wait whole: it is drawn as it falls due
//! ([`crate::plan_stream`]), its faults taking the block of sequence numbers
//! reserved for it when it was planned, in order.

use crate::fault::FaultAction;
use crate::plan_stream::PlanStream;
use crate::time::Nanos;

/// A planned fault: due time, sequence number, action.
type Planned = (Nanos, u64, FaultAction);

/// Planned faults by (due time, sequence number), the next one last.
#[derive(Default)]
pub(crate) struct PlannedFaults {
    due_last_first: Vec<Planned>,
    /// The nemesis's plan, its next fault drawn.
    stream: Option<NemesisFaults>,
    /// The next fault's (due time, sequence number), of either.
    next: Option<(Nanos, u64)>,
}

/// The nemesis's plan as it is drawn: its next fault, and what the one after
/// takes.
struct NemesisFaults {
    plan: PlanStream,
    head: Option<Planned>,
    next_sequence: u64,
    /// No fault is due before this: when the plan was made.
    planned_at_ns: Nanos,
}

impl NemesisFaults {
    fn draw_head(&mut self) {
        self.head = self.plan.next_fault().map(|(at_ns, action)| {
            self.next_sequence += 1;
            (
                at_ns.max(self.planned_at_ns),
                self.next_sequence - 1,
                action,
            )
        });
    }
}

impl PlannedFaults {
    /// Adds faults, each at its due time with its reserved sequence number.
    pub fn add(&mut self, faults: impl IntoIterator<Item = (Nanos, u64, FaultAction)>) {
        self.due_last_first.extend(faults);
        // Sequence numbers are unique, so the order is total.
        self.due_last_first
            .sort_unstable_by_key(|&(at, sequence, _)| std::cmp::Reverse((at, sequence)));
        self.find_next();
    }

    /// Adds the nemesis's plan, its faults taking sequence numbers from
    /// `first_sequence` on, in order, none due before `now_ns`.
    pub fn add_stream(&mut self, plan: PlanStream, first_sequence: u64, now_ns: Nanos) {
        assert!(self.stream.is_none(), "one nemesis plan per run");
        let mut stream = NemesisFaults {
            plan,
            head: None,
            next_sequence: first_sequence,
            planned_at_ns: now_ns,
        };
        stream.draw_head();
        self.stream = Some(stream);
        self.find_next();
    }

    /// The next fault's (due time, sequence number).
    #[inline]
    pub fn next_key(&self) -> Option<(Nanos, u64)> {
        self.next
    }

    /// Takes the next fault; the list's memory goes with the last one.
    pub fn take(&mut self) -> Option<(Nanos, FaultAction)> {
        let listed = self.due_last_first.last().map(|&(at, seq, _)| (at, seq));
        let (at, _, action) = match listed == self.next {
            true => self.due_last_first.pop()?,
            false => {
                let stream = self.stream.as_mut()?;
                let head = stream.head.take()?;
                stream.draw_head();
                head
            }
        };
        if self.due_last_first.is_empty() {
            self.due_last_first = Vec::new();
        }
        self.find_next();
        Some((at, action))
    }

    pub fn len(&self) -> usize {
        let stream = self.stream.as_ref();
        let drawn = stream.map_or(0, |s| s.plan.len() + usize::from(s.head.is_some()));
        self.due_last_first.len() + drawn
    }

    /// Notes which fault comes next, of the list's and the stream's.
    fn find_next(&mut self) {
        let listed = self.due_last_first.last().map(|&(at, seq, _)| (at, seq));
        let stream = self.stream.as_ref().and_then(|s| s.head.as_ref());
        let drawn = stream.map(|&(at, seq, _)| (at, seq));
        self.next = match (listed, drawn) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
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

    #[test]
    fn a_drawn_nemesis_plan_interleaves_as_the_whole_plan_did() {
        use crate::nemesis::{plan, NemesisConfig};
        use crate::rng::{SimRng, Stream};
        use crate::time::SECOND;
        let config = NemesisConfig {
            partition_every_ns: Some(SECOND),
            partition_for_ns_max: SECOND,
            crash_every_ns: Some(2 * SECOND),
            crash_for_ns_max: SECOND,
            ..NemesisConfig::default()
        };
        let explicit = [(3 * SECOND, FaultAction::Heal), (0, FaultAction::Heal)];
        let whole = plan(&config, 20 * SECOND, &mut SimRng::new(3, Stream::Nemesis));
        let end = (20 * SECOND, FaultAction::RecoverAll);
        let mut all = explicit.to_vec();
        all.extend(whole.iter().cloned());
        all.push(end.clone());
        let mut held = PlannedFaults::default();
        held.add(
            all.into_iter()
                .enumerate()
                .map(|(i, (at, a))| (at, i as u64, a)),
        );
        let mut drawn = PlannedFaults::default();
        drawn.add(
            explicit
                .iter()
                .cloned()
                .enumerate()
                .map(|(i, (at, a))| (at, i as u64, a)),
        );
        let stream = PlanStream::new(&config, 20 * SECOND, &mut SimRng::new(3, Stream::Nemesis));
        drawn.add_stream(stream, 2, 0);
        drawn.add([(end.0, 2 + whole.len() as u64, end.1)]);
        assert_eq!(drawn.len(), held.len());
        while let Some(key) = held.next_key() {
            assert_eq!(drawn.next_key(), Some(key));
            assert_eq!(drawn.take(), held.take());
        }
        assert_eq!(drawn.take(), None);
    }
}
