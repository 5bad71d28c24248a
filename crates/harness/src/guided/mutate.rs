//! Mutation operators on the explicit form of a run: small, valid-looking edits of a
//! scenario's fault plan, client script, timing and seed, each a step away from a run
//! that reached something worth reaching.
//!
//! Explore: keep the faults before a random moment and draw those after it anew from
//! the scenario's random nemesis, so the run replays exactly up to that moment (same
//! seed) and then goes somewhere new, as a fresh seed would from there.
//! Faults: move one in time, add one (a copy of one the run had, elsewhere in time
//! and on another node), remove one, retarget one (another node, or a role such as
//! `leader` that is resolved when it fires), stretch or shrink its window. Trigger:
//! add a fault the run sets off when a node newly takes a role the protocol's nodes
//! claim (crash, pause or isolate a new leader within a few milliseconds, jump a
//! new lock holder's clock), where timing bugs live that a fault at a fixed moment
//! rarely hits. Script:
//! swap two operations (reorder), or move one in time. Timing: jitter every fault by
//! a few milliseconds, or change the network's latency. Seed: keep the plan, draw
//! the message fates and timers anew. Chance in a run is keyed by the instant, so an
//! edit leaves the rest of the run largely as it was.
//!
//! An edit may produce a scenario validation refuses (a fault on a node that cannot
//! take it); the guide then tries again or runs a fresh seed instead.

use crate::duration::{Duration, SignedDuration};
use crate::scenario::file::{TriggerFaultName, TriggerSection};
use crate::scenario::spec::{PartitionSpec, TargetSpec};
use crate::scenario::{entry_from_applied, ScenarioFile, ScheduleEntry};
use faultline_sim::nemesis::{plan, NemesisConfig};
use faultline_sim::rng::{SimRng, Stream};
use faultline_sim::{AppliedFault, FaultAction, Nanos, PartitionShape, Target, MILLISECOND};

/// What a scenario's nodes allow a mutation to aim at.
#[derive(Clone, Debug)]
pub struct Targets {
    pub servers: u32,
    pub clients: u32,
    /// Roles the base scenario aims faults at (`leader`, `holder`).
    pub roles: Vec<String>,
    /// The scenario's random nemesis, if it has one, for [`Operator::Explore`].
    pub nemesis: Option<NemesisConfig>,
    /// Roles the protocol's nodes may claim, for [`Operator::AddTrigger`].
    pub claimed_roles: Vec<String>,
    /// The crash points the protocol declares.
    pub crash_points: &'static [&'static str],
}

/// One mutation operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    Explore,
    MoveFault,
    AddFault,
    RemoveFault,
    RetargetFault,
    StretchFault,
    ReorderOps,
    RetimeOp,
    JitterFaults,
    Latency,
    Reseed,
    AddTrigger,
}

impl Operator {
    pub const ALL: [Operator; 12] = [
        Operator::Explore,
        Operator::MoveFault,
        Operator::AddFault,
        Operator::RemoveFault,
        Operator::RetargetFault,
        Operator::StretchFault,
        Operator::ReorderOps,
        Operator::RetimeOp,
        Operator::JitterFaults,
        Operator::Latency,
        Operator::Reseed,
        Operator::AddTrigger,
    ];

    /// What it does, as a run's origin names it.
    pub fn name(self) -> &'static str {
        match self {
            Operator::Explore => "redraw the faults after a moment",
            Operator::MoveFault => "move a fault",
            Operator::AddFault => "add a fault",
            Operator::RemoveFault => "remove a fault",
            Operator::RetargetFault => "retarget a fault",
            Operator::StretchFault => "stretch a fault",
            Operator::ReorderOps => "reorder operations",
            Operator::RetimeOp => "retime an operation",
            Operator::JitterFaults => "jitter fault times",
            Operator::Latency => "change latency",
            Operator::Reseed => "reseed",
            Operator::AddTrigger => "add a role trigger",
        }
    }
}

/// Applies `operator` to `file`; false when it had nothing to act on.
pub fn apply(
    operator: Operator,
    file: &mut ScenarioFile,
    targets: &Targets,
    rng: &mut SimRng,
) -> bool {
    let duration = file.duration.0;
    let schedule = &mut file.faults.schedule;
    let script = file.workload.as_mut().map(|w| &mut w.script);
    match operator {
        Operator::Explore => explore(schedule, duration, targets, rng),
        Operator::MoveFault => pick_mut(schedule, rng).is_some_and(|e| {
            e.at = Duration(shift(e.at.0, duration / 10, duration, rng));
            true
        }),
        Operator::AddFault => add_fault(schedule, duration, targets, rng),
        Operator::RemoveFault => {
            let len = schedule.len() as u64;
            (len > 0)
                .then(|| schedule.remove(rng.below(len) as usize))
                .is_some()
        }
        Operator::RetargetFault => {
            pick_mut(schedule, rng).is_some_and(|e| retarget(e, targets, rng))
        }
        Operator::StretchFault => pick_mut(schedule, rng).is_some_and(|e| stretch(e, rng)),
        Operator::ReorderOps => script.is_some_and(|s| reorder(s, rng)),
        Operator::RetimeOp => script.is_some_and(|s| {
            pick_mut(s, rng).is_some_and(|op| {
                op.at = Duration(shift(op.at.0, duration / 20, duration, rng));
                true
            })
        }),
        Operator::JitterFaults => {
            for entry in schedule.iter_mut() {
                entry.at = Duration(shift(entry.at.0, 5 * MILLISECOND, duration, rng));
            }
            !schedule.is_empty()
        }
        Operator::Latency => latency(file, rng),
        Operator::Reseed => {
            file.seed = rng.next_u64() >> 20;
            true
        }
        Operator::AddTrigger => add_trigger(&mut file.faults.triggers, targets, rng),
    }
}

/// The most triggers mutations pile onto one scenario.
const TRIGGERS_MAX: usize = 3;

/// A fault set off when a node newly takes a role: a crash (sometimes at a crash
/// point; skipped on a client that cannot crash), a pause, an isolation or a clock
/// jump (either way), soon after the node took the role, for a drawn while, with a
/// drawn probability. A role the scenario's nemesis pauses by preference
/// (`pause_role`) is paused with its `pause_role_bias`, the rest drawn evenly:
/// measured by the bug hunt, Redlock without drift 6 -> 5 median runs and zk's
/// watch-as-acquired 4 -> 2, no lock or zk bug slower.
fn add_trigger(triggers: &mut Vec<TriggerSection>, targets: &Targets, rng: &mut SimRng) -> bool {
    if triggers.len() >= TRIGGERS_MAX {
        return false;
    }
    let Some(on) = rng.pick(&targets.claimed_roles).cloned() else {
        return false;
    };
    // Clocks jump no further than the scenario's own nemesis lets them: a larger jump
    // would break the clock-error budget a protocol declares (a lease's drift
    // allowance), and its failure would be outside the protocol's fault model.
    let jump_ms_max = targets
        .nemesis
        .as_ref()
        .map_or(0, |n| n.clock_jump_ns_max / MILLISECOND);
    let faults = [
        TriggerFaultName::Crash,
        TriggerFaultName::Pause,
        TriggerFaultName::Isolate,
        TriggerFaultName::ClockJump,
    ];
    let kinds = if jump_ms_max > 0 { 4 } else { 3 }; // the clock jump is last
    let fault = match targets.nemesis.as_ref() {
        // The scenario pauses this role by preference (a lock holder stalled past its
        // lease): its triggers pause it as often as the nemesis aims there.
        Some(n) if n.pause_role.as_ref() == Some(&on) && rng.chance(n.pause_role_bias) => {
            TriggerFaultName::Pause
        }
        _ => *rng.pick(&faults[..kinds]).expect("some fault"),
    };
    let for_ms_max = trigger_window_ms_max(fault, targets.nemesis.as_ref());
    let mut trigger = TriggerSection {
        on,
        fault,
        within: Some(Duration(rng.range_inclusive(0, 100) * MILLISECOND)),
        for_: Some(Duration(rng.range_inclusive(50, for_ms_max) * MILLISECOND)),
        probability: Some(*rng.pick(&[1.0, 0.5, 0.25]).expect("some probability")),
        at_point: None,
        by: None,
    };
    match fault {
        TriggerFaultName::Crash if rng.chance(0.3) => {
            trigger.at_point = rng.pick(targets.crash_points).map(|p| p.to_string());
        }
        TriggerFaultName::ClockJump => {
            let by_ms = rng.range_inclusive(1, jump_ms_max) as i64;
            trigger.by = Some(SignedDuration(
                if rng.chance(0.5) { -by_ms } else { by_ms } * MILLISECOND as i64,
            ));
            trigger.for_ = None;
        }
        _ => {}
    }
    triggers.push(trigger);
    true
}

/// The longest a triggered fault lasts, in ms (the shortest is 50 ms): a second; a
/// pause up to the scenario's own longest pause when its pauses last longer, so a
/// triggered pause can outlast a lease as the scenario's do (a process stalled past
/// its lease is what long pauses are for). Longer crashes and isolations were
/// measured slower to find bugs (a Paxos learner's catch-up: median 3 runs to 5), so
/// they keep the second.
fn trigger_window_ms_max(fault: TriggerFaultName, nemesis: Option<&NemesisConfig>) -> u64 {
    let longest_ns = match (fault, nemesis) {
        (TriggerFaultName::Pause, Some(nemesis)) => nemesis.pause_for_ns_max,
        _ => 0,
    };
    (longest_ns / MILLISECOND).max(1_000)
}

/// Keeps the faults that start before a random moment; replaces the rest with a new
/// draw of the nemesis's plan from that moment on.
fn explore(
    schedule: &mut Vec<ScheduleEntry>,
    duration: Nanos,
    targets: &Targets,
    rng: &mut SimRng,
) -> bool {
    let Some(nemesis) = &targets.nemesis else {
        return false;
    };
    let from = rng.below(duration.max(1));
    schedule.retain(|e| e.at.0 < from);
    let mut plan_rng = SimRng::new(rng.next_u64(), Stream::Nemesis);
    for (at, action) in plan(nemesis, duration, &mut plan_rng) {
        if (from..duration).contains(&at) {
            schedule.push(planned_entry(at, action));
        }
    }
    true
}

/// A planned fault as a schedule entry, its automatic undo as its window.
pub fn planned_entry(at: Nanos, action: FaultAction) -> ScheduleEntry {
    let window = match &action {
        FaultAction::Crash {
            restart_after_ns, ..
        } => *restart_after_ns,
        FaultAction::Pause {
            resume_after_ns, ..
        } => *resume_after_ns,
        _ => None,
    };
    let mut entry = entry_from_applied(&AppliedFault {
        at_ns: at,
        action,
        skipped: None,
    })
    .expect("the nemesis plans only faults a schedule can hold");
    entry.for_ = window.map(Duration);
    entry
}

fn pick_mut<'a, T>(items: &'a mut [T], rng: &mut SimRng) -> Option<&'a mut T> {
    let len = items.len() as u64;
    (len > 0).then(|| &mut items[rng.below(len) as usize])
}

/// `at` moved by up to `reach` either way, kept inside `[0, duration)`.
fn shift(at: Nanos, reach: Nanos, duration: Nanos, rng: &mut SimRng) -> Nanos {
    let reach = reach.max(MILLISECOND);
    let moved = at as i128 + rng.range_inclusive(0, 2 * reach) as i128 - reach as i128;
    moved.clamp(0, duration.saturating_sub(1) as i128) as Nanos
}

/// A copy of one of the run's faults at a random time on a random node.
fn add_fault(
    schedule: &mut Vec<ScheduleEntry>,
    duration: Nanos,
    targets: &Targets,
    rng: &mut SimRng,
) -> bool {
    let Some(model) = rng.pick(schedule).cloned() else {
        return false;
    };
    let mut entry = model;
    entry.at = Duration(rng.below(duration.max(1)));
    retarget(&mut entry, targets, rng);
    schedule.push(entry);
    true
}

/// Aims a fault elsewhere: another server (crash, clock), another node (pause), a new
/// split of the servers (partition), or a role the scenario already aims at.
fn retarget(entry: &mut ScheduleEntry, targets: &Targets, rng: &mut SimRng) -> bool {
    let role = |rng: &mut SimRng, allowed: &[&str]| -> Option<Target> {
        let usable: Vec<&String> = targets
            .roles
            .iter()
            .filter(|r| allowed.contains(&r.as_str()))
            .collect();
        (!usable.is_empty() && rng.chance(0.3))
            .then(|| Target::Role(rng.pick(&usable).map(|r| (*r).clone()).unwrap_or_default()))
    };
    let server =
        |rng: &mut SimRng| Target::Node(rng.below(u64::from(targets.servers.max(1))) as u32);
    if entry.crash.is_some() {
        let target = role(rng, &["leader"]).unwrap_or_else(|| server(rng));
        entry.crash = Some(TargetSpec(target));
    } else if entry.pause.is_some() {
        let nodes = u64::from(targets.servers + targets.clients).max(1);
        let target = role(rng, &["leader", "holder"])
            .unwrap_or_else(|| Target::Node(rng.below(nodes) as u32));
        entry.pause = Some(TargetSpec(target));
    } else if entry.node.is_some() {
        entry.node = Some(TargetSpec(server(rng)));
    } else if entry.partition.is_some() {
        entry.partition = Some(PartitionSpec(split(targets, rng)));
    } else {
        return false;
    }
    true
}

/// A new cut: the leader isolated (when the scenario aims at one), or a random
/// minority of the servers cut off from the rest.
fn split(targets: &Targets, rng: &mut SimRng) -> PartitionShape {
    if targets.roles.iter().any(|r| r == "leader") && rng.chance(0.3) {
        return PartitionShape::Isolate(Target::Role("leader".into()));
    }
    let mut servers: Vec<u32> = (0..targets.servers).collect();
    rng.shuffle(&mut servers);
    let minority =
        1 + rng.below(u64::from((targets.servers.saturating_sub(1) / 2).max(1))) as usize;
    let rest = servers.split_off(minority.min(servers.len()));
    servers.sort_unstable();
    let mut rest = rest;
    rest.sort_unstable();
    PartitionShape::Groups(vec![servers, rest])
}

/// A window between half and twice as long (a fault without one gets one).
fn stretch(entry: &mut ScheduleEntry, rng: &mut SimRng) -> bool {
    if entry.crash.is_none() && entry.pause.is_none() && entry.partition.is_none() {
        return false;
    }
    let window = entry
        .for_
        .map_or(500 * MILLISECOND, |d| d.0)
        .max(MILLISECOND);
    let percent = rng.range_inclusive(50, 200);
    entry.for_ = Some(Duration(
        (window / 100).saturating_mul(percent).max(MILLISECOND),
    ));
    true
}

/// Swaps what two scripted operations do, keeping who runs them and when.
fn reorder(script: &mut [crate::scenario::file::ScriptEntry], rng: &mut SimRng) -> bool {
    let len = script.len() as u64;
    if len < 2 {
        return false;
    }
    let (a, b) = (rng.below(len) as usize, rng.below(len) as usize);
    if a == b {
        return false;
    }
    let (first, second) = (script[a].clone(), script[b].clone());
    for (slot, from) in [(a, second), (b, first)] {
        script[slot].f = from.f;
        script[slot].key = from.key;
        script[slot].value = from.value;
    }
    true
}

/// The network's latency bounds scaled by a half to twice.
fn latency(file: &mut ScenarioFile, rng: &mut SimRng) -> bool {
    let Some(latency) = file.network.latency.as_mut() else {
        return false;
    };
    let percent = rng.range_inclusive(50, 200);
    let max = (latency.max.0 / 100)
        .saturating_mul(percent)
        .max(MILLISECOND);
    latency.max = Duration(max);
    latency.min = Duration(latency.min.0.min(max));
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(claimed: &[&str]) -> Targets {
        Targets {
            servers: 5,
            clients: 2,
            roles: Vec::new(),
            nemesis: None,
            claimed_roles: claimed.iter().map(|r| r.to_string()).collect(),
            crash_points: &["after_fsync_before_send"],
        }
    }

    #[test]
    fn a_trigger_aims_at_a_claimed_role_and_no_more_than_three_pile_up() {
        let targets = targets(&["leader"]);
        let mut rng = SimRng::new(3, Stream::Guide);
        let mut triggers = Vec::new();
        for _ in 0..TRIGGERS_MAX {
            assert!(add_trigger(&mut triggers, &targets, &mut rng));
        }
        assert!(
            !add_trigger(&mut triggers, &targets, &mut rng),
            "at most three"
        );
        for trigger in &triggers {
            assert_eq!(trigger.on, "leader");
            let within = trigger.within.expect("soon after the role was taken").0;
            assert!(within <= 100 * MILLISECOND, "{trigger:?}");
            let jump = trigger.fault == TriggerFaultName::ClockJump;
            assert_eq!(jump, trigger.by.is_some(), "{trigger:?}");
            assert_eq!(jump, trigger.for_.is_none(), "{trigger:?}");
        }
    }

    #[test]
    fn a_role_the_nemesis_pauses_by_preference_is_paused_as_often() {
        let mut targets = targets(&["holder"]);
        targets.nemesis = Some(NemesisConfig {
            pause_role: Some("holder".into()),
            pause_role_bias: 1.0,
            ..NemesisConfig::default()
        });
        let mut rng = SimRng::new(5, Stream::Guide);
        for _ in 0..20 {
            let mut triggers = Vec::new();
            assert!(add_trigger(&mut triggers, &targets, &mut rng));
            assert_eq!(triggers[0].fault, TriggerFaultName::Pause, "{triggers:?}");
        }
        targets.nemesis.as_mut().unwrap().pause_role_bias = 0.0;
        let mut kinds = std::collections::BTreeSet::new();
        for _ in 0..40 {
            let mut triggers = Vec::new();
            add_trigger(&mut triggers, &targets, &mut rng);
            kinds.insert(format!("{:?}", triggers[0].fault));
        }
        assert!(
            kinds.len() >= 3,
            "without the bias every kind is drawn: {kinds:?}"
        );
    }

    #[test]
    fn a_protocol_without_roles_gets_no_trigger() {
        let mut rng = SimRng::new(3, Stream::Guide);
        let mut triggers = Vec::new();
        assert!(!add_trigger(&mut triggers, &targets(&[]), &mut rng));
        assert!(triggers.is_empty());
    }
}
