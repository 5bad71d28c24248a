//! Faults triggered by the run itself: when a node newly takes a role (a leader
//! elected, a coordinator restarted, a client that now holds the lock), a fault hits
//! it, with some probability, a random moment within a bound later. Random fault
//! times almost never land in the few milliseconds after an election or a lock grant,
//! where commit-rule and fencing bugs live; triggers do.
//!
//! Two sources: the scenario's `faults.triggers` (any role, any fault kind), and the
//! nemesis's leader churn (`new_leader_crash`: crash a new leader, down for a drawn
//! time), which is one trigger with its own stream. A node "newly takes" a role when
//! it claims it at a rank above any seen before (Raft's term, a lock token), or is
//! the first seen to claim it. Each trigger draws from its own stream, so adding one
//! changes no other's draws; triggers act only during the fault period.

use faultline_sim::nemesis::NemesisConfig;
use faultline_sim::rng::{SimRng, Stream};
use faultline_sim::role_watch::RoleWatch;
use faultline_sim::{Actor, FaultAction, Nanos, NodeId, PartitionShape, Target, World};

/// What a trigger does to the node that took the role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TriggerFault {
    Crash,
    /// Crash it the next time it passes this crash point.
    CrashAtPoint(String),
    Pause,
    Replace,
    /// Cut it off from every other node.
    Isolate,
    /// Move its clock by this much (either sign).
    ClockJump(i64),
}

/// One validated `faults.triggers` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct TriggerSpec {
    pub role: String,
    pub fault: TriggerFault,
    /// The fault comes a uniformly drawn time in `[0, within_ns]` after the node
    /// takes the role.
    pub within_ns: Nanos,
    pub probability: f64,
    /// How long the fault lasts (`None`: until the fault period ends).
    pub for_ns: Option<Nanos>,
}

impl TriggerSpec {
    /// The fault this trigger injects, aimed at `target`, lasting `for_ns`.
    pub fn action(&self, target: Target, for_ns: Option<Nanos>) -> FaultAction {
        match &self.fault {
            TriggerFault::Crash => FaultAction::Crash {
                target,
                restart_after_ns: for_ns,
            },
            TriggerFault::CrashAtPoint(point) => FaultAction::CrashAtPoint {
                target,
                point: point.clone(),
                restart_after_ns: for_ns,
            },
            TriggerFault::Pause => FaultAction::Pause {
                target,
                resume_after_ns: for_ns,
            },
            TriggerFault::Replace => FaultAction::Replace {
                target,
                restart_after_ns: for_ns,
            },
            TriggerFault::Isolate => FaultAction::Cut {
                shape: PartitionShape::Isolate(target),
                heal_after_ns: for_ns,
            },
            TriggerFault::ClockJump(by_ns) => FaultAction::ClockJump {
                target,
                by_ns: *by_ns,
            },
        }
    }
}

/// One trigger at work in one run.
pub struct RoleTrigger {
    spec: TriggerSpec,
    /// Leader churn's crashes last a window drawn from a tenth of this up to it;
    /// `None`: the spec's `for_ns`.
    for_ns_drawn_max: Option<Nanos>,
    until_ns: Nanos,
    rng: SimRng,
    last_rank: Option<u64>,
    /// Who holds the role, followed event by event (made at the first step).
    holder: Option<RoleWatch>,
}

impl RoleTrigger {
    /// Leader churn for this run, if the nemesis asks for it.
    pub fn churn(
        nemesis: Option<&NemesisConfig>,
        seed: u64,
        fault_period_ns: Nanos,
    ) -> Option<Self> {
        let config = nemesis.filter(|n| n.new_leader_crash > 0.0)?;
        let spec = TriggerSpec {
            role: "leader".into(),
            fault: TriggerFault::Crash,
            within_ns: config.new_leader_crash_within_ns.max(1),
            probability: config.new_leader_crash,
            for_ns: None,
        };
        Some(RoleTrigger {
            spec,
            for_ns_drawn_max: Some(config.crash_for_ns_max.max(1)),
            until_ns: fault_period_ns,
            rng: SimRng::new(seed, Stream::Trigger),
            last_rank: None,
            holder: None,
        })
    }

    /// The scenario's `index`th trigger for this run.
    pub fn of_scenario(spec: &TriggerSpec, index: u32, seed: u64, fault_period_ns: Nanos) -> Self {
        RoleTrigger {
            for_ns_drawn_max: None,
            spec: spec.clone(),
            until_ns: fault_period_ns,
            rng: SimRng::new(seed, Stream::RoleTrigger { index }),
            last_rank: None,
            holder: None,
        }
    }

    /// Looks for a node newly holding the role after an event and maybe schedules
    /// the fault.
    pub fn after_step<A: Actor>(&mut self, world: &mut World<A>) {
        if world.now() >= self.until_ns {
            return;
        }
        let nodes = world.actors().len();
        let holder = self
            .holder
            .get_or_insert_with(|| RoleWatch::new(&self.spec.role, nodes));
        let Some((node, rank)) = holder.holder_and_rank(world) else {
            return;
        };
        if self.last_rank.is_some_and(|last| rank <= last) {
            return;
        }
        self.last_rank = Some(rank);
        if !self.rng.chance(self.spec.probability) {
            return;
        }
        let delay = self.rng.below(self.spec.within_ns.max(1));
        let fault = self.fault_for(node);
        world.schedule_fault(world.now() + delay, fault);
    }

    fn fault_for(&mut self, node: NodeId) -> FaultAction {
        let for_ns = match self.for_ns_drawn_max {
            None => self.spec.for_ns,
            Some(max) => Some(self.rng.range_inclusive(max / 10, max)),
        };
        self.spec.action(Target::Node(node.0), for_ns)
    }
}

/// Every trigger of a run: the scenario's, then leader churn.
#[derive(Default)]
pub struct Triggers(Vec<RoleTrigger>);

impl Triggers {
    pub fn new(
        specs: &[TriggerSpec],
        churn: Option<RoleTrigger>,
        seed: u64,
        period_ns: Nanos,
    ) -> Self {
        let scenario = specs.iter().enumerate().map(|(i, spec)| {
            let index = u32::try_from(i).expect("fewer than 2^32 triggers");
            RoleTrigger::of_scenario(spec, index, seed, period_ns)
        });
        Triggers(scenario.chain(churn).collect())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    #[inline]
    pub fn after_step<A: Actor>(&mut self, world: &mut World<A>) {
        for trigger in &mut self.0 {
            trigger.after_step(world);
        }
    }
}
