//! Leader churn: a fault triggered by the run itself. When a new leader appears (a
//! node claims the `leader` role at a higher rank), it is crashed, with the configured
//! probability, a random moment later. Random crash times almost never land in the few
//! milliseconds after an election where commit-rule bugs live; this does.

use faultline_sim::nemesis::NemesisConfig;
use faultline_sim::rng::{SimRng, Stream};
use faultline_sim::{Actor, FaultAction, Nanos, Target, World};

pub struct LeaderChurn {
    probability: f64,
    within_ns: Nanos,
    down_ns_max: Nanos,
    until_ns: Nanos,
    rng: SimRng,
    last_rank: Option<u64>,
}

impl LeaderChurn {
    /// Churn for this run, if the nemesis asks for it.
    pub fn new(nemesis: Option<&NemesisConfig>, seed: u64, fault_period_ns: Nanos) -> Option<Self> {
        let config = nemesis.filter(|n| n.new_leader_crash > 0.0)?;
        Some(LeaderChurn {
            probability: config.new_leader_crash,
            within_ns: config.new_leader_crash_within_ns.max(1),
            down_ns_max: config.crash_for_ns_max.max(1),
            until_ns: fault_period_ns,
            rng: SimRng::new(seed, Stream::Trigger),
            last_rank: None,
        })
    }

    /// Looks for a new leader after an event and maybe schedules its crash.
    pub fn after_step<A: Actor>(&mut self, world: &mut World<A>) {
        if world.now() >= self.until_ns {
            return;
        }
        let Some((node, rank)) = world.holder_and_rank("leader") else {
            return;
        };
        if self.last_rank.is_some_and(|last| rank <= last) {
            return;
        }
        self.last_rank = Some(rank);
        if !self.rng.chance(self.probability) {
            return;
        }
        let delay = self.rng.below(self.within_ns);
        let down = self
            .rng
            .range_inclusive(self.down_ns_max / 10, self.down_ns_max);
        let crash = FaultAction::Crash {
            target: Target::Node(node.0),
            restart_after_ns: Some(down),
        };
        world.schedule_fault(world.now() + delay, crash);
    }
}
