//! Shrinking: from a failing run to a small scenario file a person can read in a minute.
//!
//! First the run becomes an explicit scenario: the fault timeline actually applied
//! (targets resolved, no random nemesis, no swarm) and the network and disk settings
//! the run really had. Then, while the scenario keeps failing the same property, the
//! shrinker removes faults (halves, quarters, ... single faults, as in delta
//! debugging), pulls each fault's undo earlier, shortens the run, removes operations
//! and clients, uses fewer nodes, and quiets the network. Each step is one ordinary
//! run, so the result fails deterministically with `faultline run`.

use crate::duration::Duration;
use crate::error::InputError;
use crate::outcome::{Outcome, Verdict};
use crate::run::{run, RunOptions};
use crate::scenario::file::{
    DiskSection, LatencySection, LatencyShapeName, NetworkSection, UnsyncedName,
};
use crate::scenario::{entry_from_applied, Expect, Scenario, ScenarioFile, ScheduleEntry};
use faultline_sim::disk::UnsyncedOnCrash;
use faultline_sim::{FaultAction, LatencyShape, Nanos, Target, MILLISECOND};

/// How big a scenario is, for before/after reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Size {
    pub faults: usize,
    pub ops: u32,
    pub clients: u32,
    pub nodes: u32,
    pub sim_time_ns: Nanos,
    pub events: u64,
}

/// What the shrinker must preserve: the same verdict on the same property.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailureSignature {
    pub verdict: Verdict,
    pub property: String,
}

/// Lets the caller watch progress and stop the search (e.g. on a time budget).
pub trait ShrinkObserver {
    /// Called after every candidate run; `accepted` when it still failed.
    fn on_attempt(&mut self, attempts: u32, current: &Size, accepted: bool);
    /// True when the search should stop and return the best so far.
    fn should_stop(&self) -> bool;
}

#[derive(Clone, Debug)]
pub struct ShrinkResult {
    pub minimal: ScenarioFile,
    pub signature: FailureSignature,
    pub detail: String,
    pub before: Size,
    pub after: Size,
    pub attempts: u32,
    /// False when the explicit form did not reproduce and the random nemesis was kept.
    pub explicit: bool,
}

/// Shrinks the failing run of `original` (a scenario with its seed).
pub fn shrink(
    original: &ScenarioFile,
    observer: &mut dyn ShrinkObserver,
) -> Result<ShrinkResult, InputError> {
    let first = evaluate(original)?.ok_or_else(|| {
        InputError::whole_file(
            &original.name,
            "this run does not fail; there is nothing to shrink",
        )
    })?;
    if first.verdict == Verdict::Pass {
        return Err(InputError::whole_file(
            &original.name,
            "this run passes; there is nothing to shrink",
        ));
    }
    let signature = FailureSignature {
        verdict: first.verdict,
        property: first.property.clone().unwrap_or_default(),
    };
    let before = size_of(original, &first);
    let mut search = Search {
        signature: signature.clone(),
        observer,
        attempts: 0,
    };
    let explicit = explicit_form(original, &first);
    let (mut best, mut best_outcome, is_explicit) = match search.try_candidate(&explicit)? {
        Some(outcome) => (explicit, outcome, true),
        None => (original.clone(), first, false),
    };
    loop {
        let progress_before = search.attempts;
        let changed = search.all_passes(&mut best, &mut best_outcome, is_explicit)?;
        if !changed || search.observer.should_stop() || search.attempts == progress_before {
            break;
        }
    }
    let after = size_of(&best, &best_outcome);
    Ok(ShrinkResult {
        detail: best_outcome.detail.clone().unwrap_or_default(),
        minimal: best,
        signature,
        before,
        after,
        attempts: search.attempts,
        explicit: is_explicit,
    })
}

/// Validates and runs a candidate; `None` if it is not a valid scenario.
fn evaluate(file: &ScenarioFile) -> Result<Option<Outcome>, InputError> {
    let scenario = match Scenario::from_file_named(file.clone(), &file.name) {
        Ok(s) => s,
        Err(_) => return Ok(None),
    };
    run(&scenario, &RunOptions::default()).map(Some)
}

fn size_of(file: &ScenarioFile, outcome: &Outcome) -> Size {
    let workload = file.workload.as_ref();
    Size {
        faults: if file.faults.random.is_some() || file.faults.swarm {
            outcome.applied_fault_count()
        } else {
            file.faults.schedule.len()
        },
        ops: workload.map_or(0, issued_ops),
        clients: workload.map_or(0, |w| w.clients),
        nodes: file.protocol.nodes,
        sim_time_ns: outcome.sim_time_ns,
        events: outcome.events,
    }
}

/// The run as an explicit scenario: applied faults, effective network and disk.
pub fn explicit_form(original: &ScenarioFile, outcome: &Outcome) -> ScenarioFile {
    let mut file = original.clone();
    file.faults.random = None;
    file.faults.swarm = false;
    file.faults.schedule = outcome
        .faults
        .iter()
        .filter(|f| f.skipped.is_none() && f.action != FaultAction::RecoverAll)
        .filter(|f| f.at_ns < original.duration.0)
        .map(entry_from_applied)
        .collect();
    let network = &outcome.network;
    file.network = NetworkSection {
        latency: Some(LatencySection {
            min: Duration(network.latency_ns_min),
            max: Duration(network.latency_ns_max),
            shape: match network.latency_shape {
                LatencyShape::Uniform => LatencyShapeName::Uniform,
                LatencyShape::LongTail => LatencyShapeName::LongTail,
            },
        }),
        drop: network.drop_probability,
        duplicate: network.duplicate_probability,
    };
    file.disk = DiskSection {
        unsynced_on_crash: match outcome.unsynced_on_crash {
            UnsyncedOnCrash::Lost => UnsyncedName::Lost,
            UnsyncedOnCrash::Torn => UnsyncedName::Torn,
        },
    };
    file.expect = Expect::Fail;
    // Pin the clients' pacing, so removing operations keeps the rest where they were.
    if let Some(workload) = file.workload.as_mut().filter(|w| w.think.is_none()) {
        let per_client = (workload.ops / workload.clients.max(1)).max(1) as u64;
        workload.think = Some(Duration(
            (original.duration.0 / per_client).max(MILLISECOND),
        ));
    }
    file
}

struct Search<'a> {
    signature: FailureSignature,
    observer: &'a mut dyn ShrinkObserver,
    attempts: u32,
}

impl Search<'_> {
    /// Runs a candidate; `Some(outcome)` if it fails the same way.
    fn try_candidate(&mut self, candidate: &ScenarioFile) -> Result<Option<Outcome>, InputError> {
        self.attempts += 1;
        let outcome = evaluate(candidate)?;
        let keeps = outcome.filter(|o| {
            o.verdict == self.signature.verdict
                && o.property.as_deref() == Some(self.signature.property.as_str())
        });
        let size = keeps.as_ref().map(|o| size_of(candidate, o));
        let shown = size.clone().unwrap_or(Size {
            faults: candidate.faults.schedule.len(),
            ops: candidate.workload.as_ref().map_or(0, issued_ops),
            clients: candidate.workload.as_ref().map_or(0, |w| w.clients),
            nodes: candidate.protocol.nodes,
            sim_time_ns: 0,
            events: 0,
        });
        self.observer
            .on_attempt(self.attempts, &shown, keeps.is_some());
        Ok(keeps)
    }

    /// Tries `candidate`; adopts it if it still fails. Returns whether it was adopted.
    fn adopt(
        &mut self,
        best: &mut ScenarioFile,
        best_outcome: &mut Outcome,
        candidate: ScenarioFile,
    ) -> Result<bool, InputError> {
        if self.observer.should_stop() || candidate == *best {
            return Ok(false);
        }
        match self.try_candidate(&candidate)? {
            Some(outcome) => {
                *best = candidate;
                *best_outcome = outcome;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn all_passes(
        &mut self,
        best: &mut ScenarioFile,
        outcome: &mut Outcome,
        explicit: bool,
    ) -> Result<bool, InputError> {
        let mut changed = false;
        if explicit {
            changed |= self.remove_faults(best, outcome)?;
            changed |= self.pull_undos_earlier(best, outcome)?;
        }
        changed |= self.shorten_run(best, outcome)?;
        changed |= self.fewer_ops(best, outcome)?;
        changed |= self.skip_leading_ops(best, outcome)?;
        changed |= self.fewer_clients(best, outcome)?;
        if explicit {
            changed |= self.fewer_nodes(best, outcome)?;
        }
        changed |= self.quieter_network(best, outcome)?;
        Ok(changed)
    }

    /// Delta debugging over the schedule: remove chunks of halving size.
    fn remove_faults(
        &mut self,
        best: &mut ScenarioFile,
        outcome: &mut Outcome,
    ) -> Result<bool, InputError> {
        let mut changed = false;
        let mut chunk = best.faults.schedule.len().div_ceil(2).max(1);
        loop {
            let mut start = 0;
            while start < best.faults.schedule.len() {
                let mut candidate = best.clone();
                let end = (start + chunk).min(candidate.faults.schedule.len());
                candidate.faults.schedule.drain(start..end);
                if self.adopt(best, outcome, candidate)? {
                    changed = true;
                } else {
                    start += chunk;
                }
            }
            if chunk == 1 {
                return Ok(changed);
            }
            chunk = chunk.div_ceil(2);
        }
    }

    /// Moves each heal/restart/resume halfway towards the fault it undoes.
    fn pull_undos_earlier(
        &mut self,
        best: &mut ScenarioFile,
        outcome: &mut Outcome,
    ) -> Result<bool, InputError> {
        let mut changed = false;
        for index in 0..best.faults.schedule.len() {
            for _ in 0..4 {
                let Some(start) = undone_at(&best.faults.schedule, index) else {
                    break;
                };
                let at = best.faults.schedule[index].at.0;
                let earlier = start + (at - start) / 2;
                if at - earlier < MILLISECOND {
                    break;
                }
                let mut candidate = best.clone();
                candidate.faults.schedule[index].at = Duration(earlier);
                if !self.adopt(best, outcome, candidate)? {
                    break;
                }
                changed = true;
            }
        }
        Ok(changed)
    }

    /// Ends the fault period soon after the last fault, then halves it while it fails.
    fn shorten_run(
        &mut self,
        best: &mut ScenarioFile,
        outcome: &mut Outcome,
    ) -> Result<bool, InputError> {
        let mut changed = false;
        if !best.faults.schedule.is_empty() && best.faults.random.is_none() {
            let last = best
                .faults
                .schedule
                .iter()
                .map(|e| e.at.0)
                .max()
                .unwrap_or(0);
            let mut candidate = best.clone();
            candidate.duration = Duration((last + 100 * MILLISECOND).min(best.duration.0));
            changed |= self.adopt(best, outcome, candidate)?;
        }
        while best.duration.0 > 10 * MILLISECOND && !self.observer.should_stop() {
            let mut candidate = best.clone();
            candidate.duration = Duration(best.duration.0 / 2);
            let limit = candidate.duration.0;
            candidate.faults.schedule.retain(|e| e.at.0 < limit);
            if !self.adopt(best, outcome, candidate)? {
                break;
            }
            changed = true;
        }
        Ok(changed)
    }

    /// Tries the smallest operation counts first (1, 2, 4, ...), then trims by one.
    fn fewer_ops(
        &mut self,
        best: &mut ScenarioFile,
        outcome: &mut Outcome,
    ) -> Result<bool, InputError> {
        let ops = |f: &ScenarioFile| f.workload.as_ref().map_or(0, |w| w.ops);
        let mut changed = false;
        let mut size = 1;
        while size < ops(best) && !self.observer.should_stop() {
            let mut candidate = best.clone();
            candidate.workload.as_mut().expect("has a workload").ops = size;
            if self.adopt(best, outcome, candidate)? {
                changed = true;
                break;
            }
            size *= 2;
        }
        while ops(best) > 1 && !self.observer.should_stop() {
            let mut candidate = best.clone();
            candidate.workload.as_mut().expect("has a workload").ops = ops(best) - 1;
            if !self.adopt(best, outcome, candidate)? {
                break;
            }
            changed = true;
        }
        Ok(changed)
    }

    /// Skips each client's leading operations (drawn but not issued, so the later ones
    /// stay as they were), in halving steps.
    fn skip_leading_ops(
        &mut self,
        best: &mut ScenarioFile,
        outcome: &mut Outcome,
    ) -> Result<bool, InputError> {
        let mut changed = false;
        let Some(workload) = best.workload.as_ref() else {
            return Ok(false);
        };
        let per_client = workload.ops / workload.clients.max(1);
        let mut step = per_client.saturating_sub(workload.skip + 1);
        while step > 0 && !self.observer.should_stop() {
            let mut candidate = best.clone();
            let skip = &mut candidate.workload.as_mut().expect("has a workload").skip;
            *skip = (*skip + step).min(per_client.saturating_sub(1));
            if self.adopt(best, outcome, candidate)? {
                changed = true;
            } else {
                step /= 2;
            }
        }
        Ok(changed)
    }

    fn fewer_clients(
        &mut self,
        best: &mut ScenarioFile,
        outcome: &mut Outcome,
    ) -> Result<bool, InputError> {
        let mut changed = false;
        while let Some(clients) = best.workload.as_ref().map(|w| w.clients).filter(|&c| c > 1) {
            let mut candidate = best.clone();
            candidate.workload.as_mut().expect("has a workload").clients = clients - 1;
            if !self.adopt(best, outcome, candidate)? {
                break;
            }
            changed = true;
        }
        Ok(changed)
    }

    /// Two fewer servers at a time (keeping majorities meaningful), if no fault names
    /// a node that would disappear.
    fn fewer_nodes(
        &mut self,
        best: &mut ScenarioFile,
        outcome: &mut Outcome,
    ) -> Result<bool, InputError> {
        let mut changed = false;
        while best.protocol.nodes >= 5 && !self.observer.should_stop() {
            let nodes = best.protocol.nodes - 2;
            if best
                .faults
                .schedule
                .iter()
                .any(|e| names_node_at_least(e, nodes))
            {
                break;
            }
            let mut candidate = best.clone();
            candidate.protocol.nodes = nodes;
            if !self.adopt(best, outcome, candidate)? {
                break;
            }
            changed = true;
        }
        Ok(changed)
    }

    fn quieter_network(
        &mut self,
        best: &mut ScenarioFile,
        outcome: &mut Outcome,
    ) -> Result<bool, InputError> {
        let mut changed = false;
        for quiet in [
            |n: &mut NetworkSection| n.drop = 0.0,
            |n: &mut NetworkSection| n.duplicate = 0.0,
        ] {
            let mut candidate = best.clone();
            quiet(&mut candidate.network);
            changed |= self.adopt(best, outcome, candidate)?;
        }
        Ok(changed)
    }
}

/// Operations the clients actually issue (skipped ones are drawn, not issued).
fn issued_ops(workload: &crate::scenario::file::WorkloadSection) -> u32 {
    workload
        .ops
        .saturating_sub(workload.skip * workload.clients)
}

/// For an undo entry (heal, restart, resume), the time of the latest fault it undoes.
fn undone_at(schedule: &[ScheduleEntry], index: usize) -> Option<Nanos> {
    let entry = &schedule[index];
    let earlier = schedule[..index].iter().rev();
    let found = if entry.heal.is_some() {
        earlier.clone().find(|e| e.partition.is_some())
    } else if let Some(node) = &entry.restart {
        earlier.clone().find(|e| e.crash.as_ref() == Some(node))
    } else if let Some(node) = &entry.resume {
        earlier.clone().find(|e| e.pause.as_ref() == Some(node))
    } else {
        None
    };
    found.map(|e| e.at.0).filter(|&start| start < entry.at.0)
}

/// Whether an entry names a node index of `nodes` or more.
fn names_node_at_least(entry: &ScheduleEntry, nodes: u32) -> bool {
    let target_big = |t: &Option<crate::scenario::spec::TargetSpec>| matches!(t, Some(spec) if matches!(spec.0, Target::Node(n) if n >= nodes));
    if [
        &entry.crash,
        &entry.restart,
        &entry.pause,
        &entry.resume,
        &entry.node,
    ]
    .into_iter()
    .any(target_big)
    {
        return true;
    }
    let Some(partition) = &entry.partition else {
        return false;
    };
    partition.0.named_nodes().iter().any(|&n| n >= nodes)
}
