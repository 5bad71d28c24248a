//! Per-node clocks: what `ctx.now()` returns on a node, given the World's true time.
//!
//! A node's reading is `true + (true - since) * drift_ppm / 1e6 + offset`, where
//! `since` is when the drift was last set, so a scenario can model a clock that runs
//! fast or slow (drift) and one that jumps (offset changes). Changing the drift
//! changes the rate from then on; it does not move the reading (the drift gained so
//! far is folded into the offset).
//! Timers are measured on the node's clock rate; jumps do not move pending timers,
//! as with a monotonic timer source. The World keeps true time for the checkers.

use crate::time::Nanos;

/// Drift is bounded so a node's clock always moves forward.
pub const DRIFT_PPM_LIMIT: i64 = 500_000;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodeClock {
    pub offset_ns: i64,
    pub drift_ppm: i64,
    /// True time at which `drift_ppm` took effect.
    pub drift_since_ns: Nanos,
}

impl NodeClock {
    /// The node's reading at true time `now`, never below zero.
    #[inline]
    pub fn local(&self, now: Nanos) -> Nanos {
        if self.offset_ns == 0 && self.drift_ppm == 0 {
            return now;
        }
        let local = i128::from(now) + self.drift_gained(now) + i128::from(self.offset_ns);
        local.clamp(0, i128::from(u64::MAX)) as Nanos
    }

    /// What the drift has added to the reading since it was last set.
    fn drift_gained(&self, now: Nanos) -> i128 {
        let elapsed = i128::from(now.saturating_sub(self.drift_since_ns));
        elapsed * i128::from(self.drift_ppm) / 1_000_000
    }

    /// True time that passes while this node's clock advances by `local_delay`.
    #[inline]
    pub fn true_delay(&self, local_delay: Nanos) -> Nanos {
        if self.drift_ppm == 0 {
            return local_delay;
        }
        let rate = 1_000_000i128 + i128::from(self.drift_ppm);
        ((i128::from(local_delay) * 1_000_000) / rate) as Nanos
    }

    pub fn jump(&mut self, by_ns: i64) {
        self.offset_ns = self.offset_ns.saturating_add(by_ns);
    }

    /// From true time `now` on, the clock runs `drift_ppm` fast (or slow); its
    /// reading at `now` stays what it was.
    pub fn set_drift(&mut self, now: Nanos, drift_ppm: i64) {
        let gained = self.drift_gained(now);
        self.offset_ns = (i128::from(self.offset_ns) + gained)
            .clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
        self.drift_since_ns = now;
        self.drift_ppm = drift_ppm.clamp(-DRIFT_PPM_LIMIT, DRIFT_PPM_LIMIT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::SECOND;

    #[test]
    fn unskewed_clock_reads_true_time() {
        assert_eq!(NodeClock::default().local(5 * SECOND), 5 * SECOND);
    }

    #[test]
    fn offset_and_drift_change_the_reading() {
        let mut clock = NodeClock::default();
        clock.jump(-(SECOND as i64));
        assert_eq!(clock.local(5 * SECOND), 4 * SECOND);
        clock.set_drift(0, 100_000); // 10% fast
                                     // 10 s true time: +1 s of drift, -1 s of offset.
        assert_eq!(clock.local(10 * SECOND), 10 * SECOND);
        assert_eq!(clock.true_delay(1_100_000), 1_000_000);
    }

    #[test]
    fn changing_the_drift_changes_the_rate_not_the_reading() {
        let mut clock = NodeClock::default();
        clock.set_drift(0, 100_000);
        assert_eq!(clock.local(10 * SECOND), 11 * SECOND);
        clock.set_drift(10 * SECOND, -100_000);
        assert_eq!(
            clock.local(10 * SECOND),
            11 * SECOND,
            "no jump at the change"
        );
        assert_eq!(clock.local(20 * SECOND), 20 * SECOND, "9 s for the next 10");
    }

    #[test]
    fn clock_never_reads_negative() {
        let mut clock = NodeClock::default();
        clock.jump(-(10 * SECOND as i64));
        assert_eq!(clock.local(SECOND), 0);
    }
}
