//! Random clock jumps kept within a clock-error allowance over every window.
//!
//! A protocol that times something by its clock (a lease's ttl) tolerates some error
//! over that span: one jump plus the drift gathered over it, as the nemesis is
//! fitted. Jumps add up, though: with clock faults every few milliseconds, dozens
//! land in one ttl and the offset walks far past the allowance, and a correct lock
//! fails inside its own fault model. This keeps the sum of the jumps' sizes within
//! any window of `window_ns` to `jumps_ns_max` by cutting a jump down to what room
//! is left (to nothing when none is). It counts jumps on every node together, which
//! is conservative: a node's own error never exceeds the sum over all nodes.
//!
//! It changes only the size of a jump that would overrun, and draws nothing, so a
//! plan in which no window overruns is the plan it always was.

use crate::fault::FaultAction;
use crate::nemesis::PlannedFault;
use crate::time::Nanos;
use std::collections::VecDeque;

/// How much the nemesis's random jumps may add up to within any window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockJumpWindow {
    pub window_ns: Nanos,
    /// The largest sum of jump sizes (either way) within one window.
    pub jumps_ns_max: Nanos,
}

/// The jumps made within the last window, to fit the next one to the room left.
#[derive(Clone, Debug)]
pub(crate) struct JumpsInWindow {
    bound: ClockJumpWindow,
    /// (when, size) of each jump still within a window of the latest.
    recent: VecDeque<(Nanos, Nanos)>,
    recent_sum_ns: Nanos,
}

impl JumpsInWindow {
    pub(crate) fn new(bound: ClockJumpWindow) -> Self {
        JumpsInWindow {
            bound,
            recent: VecDeque::new(),
            recent_sum_ns: 0,
        }
    }

    /// Cuts each clock jump among `faults` (in time order, after every fault fitted
    /// before) to the room its window has left.
    pub(crate) fn fit(&mut self, faults: &mut [PlannedFault]) {
        for (at, action) in faults {
            if let FaultAction::ClockJump { by_ns, .. } = action {
                *by_ns = self.fit_one(*at, *by_ns);
            }
        }
    }

    fn fit_one(&mut self, at: Nanos, by_ns: i64) -> i64 {
        while let Some(&(then, size)) = self.recent.front() {
            if at.saturating_sub(then) <= self.bound.window_ns {
                break;
            }
            self.recent.pop_front();
            self.recent_sum_ns -= size;
        }
        let room_ns = self.bound.jumps_ns_max.saturating_sub(self.recent_sum_ns);
        let size = by_ns.unsigned_abs().min(room_ns);
        if size > 0 {
            self.recent.push_back((at, size));
            self.recent_sum_ns += size;
        }
        let fitted = i64::try_from(size).unwrap_or(i64::MAX);
        debug_assert!(self.recent_sum_ns <= self.bound.jumps_ns_max);
        if by_ns < 0 {
            -fitted
        } else {
            fitted
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fault::Target;
    use crate::time::MILLISECOND;

    fn jump(at_ms: u64, by_ms: i64) -> PlannedFault {
        let by_ns = by_ms * MILLISECOND as i64;
        let target = Target::Random;
        (
            at_ms * MILLISECOND,
            FaultAction::ClockJump { target, by_ns },
        )
    }

    fn sizes_ms(faults: &[PlannedFault]) -> Vec<i64> {
        let size = |action: &FaultAction| match action {
            FaultAction::ClockJump { by_ns, .. } => by_ns / MILLISECOND as i64,
            _ => 0,
        };
        faults.iter().map(|(_, action)| size(action)).collect()
    }

    #[test]
    fn jumps_within_a_window_share_its_allowance_whatever_their_sign() {
        let mut window = JumpsInWindow::new(ClockJumpWindow {
            window_ns: 1_000 * MILLISECOND,
            jumps_ns_max: 20 * MILLISECOND,
        });
        let mut faults = vec![jump(0, 8), jump(100, -8), jump(200, 8), jump(300, -8)];
        window.fit(&mut faults);
        assert_eq!(sizes_ms(&faults), [8, -8, 4, 0]);
        let mut later = vec![jump(1_050, 8), jump(1_150, -9), jump(5_000, 15)];
        window.fit(&mut later);
        assert_eq!(
            sizes_ms(&later),
            [8, -8, 15],
            "room frees as jumps leave the window"
        );
    }

    #[test]
    fn other_faults_pass_untouched() {
        let mut window = JumpsInWindow::new(ClockJumpWindow {
            window_ns: MILLISECOND,
            jumps_ns_max: 0,
        });
        let drift = FaultAction::ClockDrift {
            target: Target::Random,
            drift_ppm: 500,
        };
        let mut faults = vec![(0, drift.clone()), jump(0, 3)];
        window.fit(&mut faults);
        assert_eq!(faults[0].1, drift);
        assert_eq!(sizes_ms(&faults), [0, 0]);
    }
}
