//! The nemesis's plan drawn as it falls due instead of all at the start: an hour of
//! the Raft nemesis plans about 24,000 faults, which held 1.5 MB for the whole run.
//!
//! The faults, their order and their draws are exactly [`crate::nemesis::plan`]'s.
//! A first pass draws the whole plan once and keeps only where each kind's draws
//! start on the nemesis stream, how many faults there are and when the last is
//! over. Each kind then draws again from its own copy of the stream, one renewal at
//! a time as its faults are taken. A kind's faults come out in time order, so
//! merging the kinds by time, ties in kind order, is the plan's stable sort.

use crate::nemesis::{Kind, NemesisConfig, PlannedFault, Renewal};
use crate::rng::SimRng;
use crate::time::Nanos;
use std::collections::VecDeque;

/// A nemesis plan whose faults are drawn as they are taken, in time order.
pub struct PlanStream {
    config: NemesisConfig,
    /// The kinds the config plans, in kind order.
    kinds: Vec<KindStream>,
    /// Faults not taken yet.
    remaining: usize,
    /// When the last planned fault is over ([`crate::fault::FaultAction::over_at_ns`]).
    over_at_ns: Nanos,
}

/// One kind's renewal process, drawing from its own copy of the nemesis stream.
struct KindStream {
    kind: Kind,
    rng: SimRng,
    renewal: Renewal,
    /// Faults drawn and not taken yet, in time order.
    drawn: VecDeque<PlannedFault>,
    /// Whether the renewal has run past the fault period.
    exhausted: bool,
}

impl PlanStream {
    /// The plan of `config` over `[0, fault_period_ns)`, drawing from `rng`, which is
    /// left where [`crate::nemesis::plan`] leaves it.
    pub fn new(config: &NemesisConfig, fault_period_ns: Nanos, rng: &mut SimRng) -> Self {
        let mut kinds = Vec::new();
        let (mut remaining, mut over_at_ns) = (0, 0);
        let mut faults = Vec::new();
        for kind in Kind::ALL {
            let Some(mut renewal) = kind.renewal(config, fault_period_ns) else {
                continue;
            };
            kinds.push(KindStream {
                kind,
                rng: rng.clone(),
                renewal: renewal.clone(),
                drawn: VecDeque::new(),
                exhausted: false,
            });
            while let Some(window) = renewal.next(rng) {
                kind.inject(config, rng, window, &mut faults);
                remaining += faults.len();
                let over = faults.iter().map(|(at, action)| action.over_at_ns(*at));
                over_at_ns = over.fold(over_at_ns, Nanos::max);
                faults.clear();
            }
        }
        PlanStream {
            config: config.clone(),
            kinds,
            remaining,
            over_at_ns,
        }
    }

    /// Faults not taken yet.
    pub fn len(&self) -> usize {
        self.remaining
    }

    pub fn is_empty(&self) -> bool {
        self.remaining == 0
    }

    /// When the last planned fault is over.
    pub fn over_at_ns(&self) -> Nanos {
        self.over_at_ns
    }

    /// Takes the next fault: the earliest, the earlier kind first on a tie.
    pub fn next_fault(&mut self) -> Option<PlannedFault> {
        let mut earliest: Option<(usize, Nanos)> = None;
        for (i, kind) in self.kinds.iter_mut().enumerate() {
            let Some(at) = kind.next_at(&self.config) else {
                continue;
            };
            if earliest.is_none_or(|(_, first)| at < first) {
                earliest = Some((i, at));
            }
        }
        let (i, _) = earliest?;
        self.remaining -= 1;
        self.kinds[i].drawn.pop_front()
    }
}

impl Iterator for PlanStream {
    type Item = PlannedFault;

    fn next(&mut self) -> Option<PlannedFault> {
        self.next_fault()
    }
}

impl KindStream {
    /// When this kind's next fault fires, drawing its next renewal if none is
    /// drawn; `None` once the kind is done.
    fn next_at(&mut self, config: &NemesisConfig) -> Option<Nanos> {
        while self.drawn.is_empty() && !self.exhausted {
            match self.renewal.next(&mut self.rng) {
                Some(window) => {
                    let kind = self.kind;
                    kind.inject(config, &mut self.rng, window, &mut self.drawn);
                    self.renewal.fit_drawn(self.drawn.make_contiguous());
                }
                None => self.exhausted = true,
            }
        }
        self.drawn.front().map(|(at, _)| *at)
    }
}

/// Checked here, beside the merge, against the plan made whole: the same faults
/// in the same order, and the stream left where the whole plan leaves it.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::nemesis::plan;
    use crate::rng::Stream;
    use crate::time::SECOND;

    fn busy() -> NemesisConfig {
        NemesisConfig {
            partition_every_ns: Some(SECOND),
            partition_for_ns_max: SECOND,
            crash_every_ns: Some(SECOND),
            crash_for_ns_max: 2 * SECOND,
            crash_max_concurrent: 2,
            replace_every_ns: Some(5 * SECOND),
            pause_every_ns: Some(SECOND),
            pause_for_ns_max: SECOND,
            clock_every_ns: Some(3 * SECOND),
            clock_jump_ns_max: SECOND,
            clock_drift_ppm_max: 500,
            crash_point_every_ns: Some(4 * SECOND),
            crash_points: &["after_ack", "before_fsync"],
            client_crash_every_ns: Some(2 * SECOND),
            client_nodes: 3..6,
            leader_bias: 0.3,
            ..NemesisConfig::default()
        }
    }

    #[test]
    fn the_stream_is_the_whole_plan_in_the_same_order() {
        for seed in 0..20 {
            let config = busy();
            let mut whole_rng = SimRng::new(seed, Stream::Nemesis);
            let whole = plan(&config, 120 * SECOND, &mut whole_rng);
            let mut stream_rng = SimRng::new(seed, Stream::Nemesis);
            let stream = PlanStream::new(&config, 120 * SECOND, &mut stream_rng);
            assert_eq!(stream.len(), whole.len(), "seed {seed}");
            let over = whole.iter().map(|(at, a)| a.over_at_ns(*at)).max();
            assert_eq!(Some(stream.over_at_ns()), over, "seed {seed}");
            let drawn: Vec<PlannedFault> = stream.collect();
            assert_eq!(drawn, whole, "seed {seed}");
            assert_eq!(whole_rng.below(1 << 40), stream_rng.below(1 << 40));
        }
    }

    #[test]
    fn a_quiet_config_plans_nothing_and_draws_nothing() {
        let rng = &mut SimRng::new(1, Stream::Nemesis);
        let mut stream = PlanStream::new(&NemesisConfig::default(), 60 * SECOND, rng);
        assert!(stream.is_empty());
        assert_eq!(stream.next_fault(), None);
        let untouched = &mut SimRng::new(1, Stream::Nemesis);
        assert_eq!(rng.below(1 << 40), untouched.below(1 << 40));
    }
}
