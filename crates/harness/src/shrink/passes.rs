//! The shrinker's reduction passes. Each proposes smaller (or plainer) variants of
//! the best failing scenario so far and keeps a variant only if it still fails the
//! same property; the driver repeats the passes until a round changes nothing.
//!
//! Order matters for speed, not for the result: removing whole faults and operations
//! first makes every later candidate run shorter.

use super::explicit::normalise_clients;
use super::Search;
use crate::duration::Duration;
use crate::error::InputError;
use crate::outcome::Outcome;
use crate::scenario::file::{NetworkSection, ScriptEntry};
use crate::scenario::spec::TargetSpec;
use crate::scenario::{ScenarioFile, ScheduleEntry};
use faultline_api::Workload;
use faultline_sim::{Nanos, Target, MILLISECOND};
use std::ops::Range;

type Pass = Result<bool, InputError>;

/// A list in the scenario whose entries can be removed independently.
#[derive(Clone, Copy)]
enum List {
    Faults,
    Script,
}

impl List {
    fn len(self, file: &ScenarioFile) -> usize {
        match self {
            List::Faults => file.faults.schedule.len(),
            List::Script => file.workload.as_ref().map_or(0, |w| w.script.len()),
        }
    }

    fn remove(self, file: &mut ScenarioFile, range: Range<usize>) {
        match self {
            List::Faults => {
                file.faults.schedule.drain(range);
            }
            List::Script => {
                if let Some(workload) = file.workload.as_mut() {
                    workload.script.drain(range);
                    if workload.script.is_empty() {
                        workload.ops = Some(0);
                    }
                }
            }
        }
    }
}

impl Search<'_> {
    /// One round of every pass; true if any made the scenario smaller.
    pub(super) fn all_passes(
        &mut self,
        best: &mut ScenarioFile,
        outcome: &mut Outcome,
        explicit: bool,
    ) -> Pass {
        let scripted = best.workload.as_ref().is_some_and(|w| !w.script.is_empty());
        let mut changed = false;
        if explicit {
            changed |= self.remove_entries(best, outcome, List::Faults)?;
        }
        if scripted {
            changed |= self.remove_entries(best, outcome, List::Script)?;
            changed |= self.fewer_clients(best, outcome)?;
        } else {
            changed |= self.fewer_random_ops(best, outcome)?;
            changed |= self.fewer_random_clients(best, outcome)?;
        }
        if explicit {
            changed |= self.shorten_windows(best, outcome)?;
        }
        changed |= self.shorten_run(best, outcome)?;
        if explicit {
            changed |= self.fewer_nodes(best, outcome)?;
        }
        changed |= self.quieter_network(best, outcome)?;
        if explicit {
            changed |= self.round_times(best, outcome)?;
        }
        Ok(changed)
    }

    /// Delta debugging over a list: remove chunks of halving size, down to single
    /// entries, keeping every removal that still fails.
    fn remove_entries(
        &mut self,
        best: &mut ScenarioFile,
        outcome: &mut Outcome,
        list: List,
    ) -> Pass {
        let mut changed = false;
        let mut chunk = list.len(best).div_ceil(2).max(1);
        loop {
            let mut start = 0;
            while start < list.len(best) && !self.observer.should_stop() {
                let mut candidate = best.clone();
                let end = (start + chunk).min(list.len(&candidate));
                list.remove(&mut candidate, start..end);
                if self.adopt(best, outcome, candidate)? {
                    changed = true;
                } else {
                    start += chunk;
                }
            }
            if chunk == 1 || self.observer.should_stop() {
                return Ok(changed);
            }
            chunk = chunk.div_ceil(2);
        }
    }

    /// Removes one scripted client at a time (its operations go, and the clients
    /// after it move down one), then clients that run nothing.
    fn fewer_clients(&mut self, best: &mut ScenarioFile, outcome: &mut Outcome) -> Pass {
        let mut changed = false;
        let clients = |f: &ScenarioFile| {
            let workload = f.workload.as_ref().expect("scripted");
            let named = workload
                .script
                .iter()
                .map(|e| e.client.saturating_add(1))
                .max();
            workload.clients.or(named).unwrap_or(0)
        };
        let mut client = clients(best);
        while client > 0 && clients(best) > 1 && !self.observer.should_stop() {
            client -= 1;
            let mut candidate = best.clone();
            let workload = candidate.workload.as_mut().expect("scripted");
            workload.script.retain(|e| e.client != client);
            workload.script.iter_mut().for_each(|e| {
                if e.client > client {
                    e.client -= 1;
                }
            });
            workload.clients = workload.clients.map(|n| n - 1);
            if workload.script.is_empty() {
                continue;
            }
            normalise_clients(workload);
            changed |= self.adopt(best, outcome, candidate)?;
        }
        Ok(changed)
    }

    /// For random workloads (when the explicit form did not reproduce): the smallest
    /// operation counts first (1, 2, 4, ...), then trims by one.
    fn fewer_random_ops(&mut self, best: &mut ScenarioFile, outcome: &mut Outcome) -> Pass {
        let default_ops = Workload::default().ops as u32;
        let ops = |f: &ScenarioFile| {
            f.workload
                .as_ref()
                .and_then(|w| w.ops)
                .unwrap_or(default_ops)
        };
        let with_ops = |f: &ScenarioFile, ops: u32| {
            let mut candidate = f.clone();
            candidate.workload.get_or_insert_with(Default::default).ops = Some(ops);
            candidate
        };
        if best.workload.is_none() {
            return Ok(false);
        }
        let mut changed = false;
        let mut size = 1;
        while size < ops(best) && !self.observer.should_stop() {
            if self.adopt(best, outcome, with_ops(best, size))? {
                changed = true;
                break;
            }
            size *= 2;
        }
        while ops(best) > 1 && !self.observer.should_stop() {
            if !self.adopt(best, outcome, with_ops(best, ops(best) - 1))? {
                break;
            }
            changed = true;
        }
        Ok(changed)
    }

    fn fewer_random_clients(&mut self, best: &mut ScenarioFile, outcome: &mut Outcome) -> Pass {
        let mut changed = false;
        let default_clients = Workload::default().clients as u32;
        let clients = |f: &ScenarioFile| {
            f.workload
                .as_ref()
                .map(|w| w.clients.unwrap_or(default_clients))
        };
        while let Some(clients) = clients(best).filter(|&c| c > 1) {
            let mut candidate = best.clone();
            candidate.workload.as_mut().expect("has a workload").clients = Some(clients - 1);
            if !self.adopt(best, outcome, candidate)? {
                break;
            }
            changed = true;
        }
        Ok(changed)
    }

    /// Halves each fault's window (how long a partition, crash or pause lasts) while
    /// the scenario still fails.
    fn shorten_windows(&mut self, best: &mut ScenarioFile, outcome: &mut Outcome) -> Pass {
        let mut changed = false;
        for index in 0..best.faults.schedule.len() {
            while let Some(window) = best.faults.schedule[index].for_ {
                if window.0 < 2 * MILLISECOND || self.observer.should_stop() {
                    break;
                }
                let mut candidate = best.clone();
                candidate.faults.schedule[index].for_ = Some(Duration(window.0 / 2));
                if !self.adopt(best, outcome, candidate)? {
                    break;
                }
                changed = true;
            }
        }
        Ok(changed)
    }

    /// Ends the fault period just after the last fault, then halves it while it fails.
    fn shorten_run(&mut self, best: &mut ScenarioFile, outcome: &mut Outcome) -> Pass {
        let mut changed = false;
        if !best.faults.is_random() {
            let schedule = &best.faults.schedule;
            let last_at = schedule.iter().map(|e| e.at.0).max().unwrap_or(0);
            let last_end = schedule.iter().map(window_end).max().unwrap_or(0);
            for end in [last_end, last_at] {
                let mut candidate = best.clone();
                candidate.duration = Duration((end + MILLISECOND).min(best.duration.0));
                changed |= self.adopt(best, outcome, candidate)?;
            }
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

    /// Two fewer servers at a time (keeping majorities meaningful), if no fault names
    /// a node that would disappear.
    fn fewer_nodes(&mut self, best: &mut ScenarioFile, outcome: &mut Outcome) -> Pass {
        let mut changed = false;
        while best.protocol.nodes >= 5 && !self.observer.should_stop() {
            let nodes = best.protocol.nodes - 2;
            let schedule = &best.faults.schedule;
            if schedule.iter().any(|e| names_node_at_least(e, nodes)) {
                break;
            }
            if names_links(&best.network) {
                break; // fewer servers would renumber the clients its links name
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

    fn quieter_network(&mut self, best: &mut ScenarioFile, outcome: &mut Outcome) -> Pass {
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

    /// Rounds each time in the file (fault times and windows, operation times, the
    /// duration) to 100 ms, else 10 ms, else 1 ms, where it still fails: `"1.2s"`
    /// reads better than `"1203945117ns"`. Windows and the duration only round down,
    /// so this never undoes what the shortening passes did.
    fn round_times(&mut self, best: &mut ScenarioFile, outcome: &mut Outcome) -> Pass {
        let mut changed = false;
        for field in TimeField::all(best) {
            let Some(nanos) = field.get(best) else {
                continue;
            };
            for grain in [100 * MILLISECOND, 10 * MILLISECOND, MILLISECOND] {
                let rounded = match field {
                    TimeField::FaultAt(_) | TimeField::OpAt(_) => (nanos + grain / 2) / grain,
                    TimeField::FaultFor(_) | TimeField::Duration => nanos / grain,
                } * grain;
                if rounded == nanos || self.observer.should_stop() {
                    break;
                }
                if (rounded == 0 && field.must_be_positive()) || !field.keeps_order(best, rounded) {
                    continue;
                }
                let mut candidate = best.clone();
                field.set(&mut candidate, rounded);
                if self.adopt(best, outcome, candidate)? {
                    changed = true;
                    break;
                }
            }
        }
        Ok(changed)
    }
}

/// When a fault's effect ends: its window's end, or its time if it has none.
fn window_end(entry: &ScheduleEntry) -> Nanos {
    entry.at.0 + entry.for_.map_or(0, |d| d.0)
}

/// One time value in a scenario file.
#[derive(Clone, Copy)]
enum TimeField {
    FaultAt(usize),
    FaultFor(usize),
    OpAt(usize),
    Duration,
}

impl TimeField {
    fn all(file: &ScenarioFile) -> Vec<TimeField> {
        let faults = 0..file.faults.schedule.len();
        let ops = 0..file.workload.as_ref().map_or(0, |w| w.script.len());
        let mut fields: Vec<TimeField> = Vec::new();
        for i in faults {
            fields.extend([TimeField::FaultAt(i), TimeField::FaultFor(i)]);
        }
        fields.extend(ops.map(TimeField::OpAt));
        fields.push(TimeField::Duration);
        fields
    }

    fn must_be_positive(self) -> bool {
        matches!(self, TimeField::FaultFor(_) | TimeField::Duration)
    }

    /// A client's operations stay in time order, so the script reads as it runs, and
    /// every fault stays inside the fault period.
    fn keeps_order(self, file: &ScenarioFile, nanos: Nanos) -> bool {
        let schedule = &file.faults.schedule;
        let TimeField::OpAt(i) = self else {
            return match self {
                TimeField::Duration => schedule.iter().all(|e| e.at.0 < nanos),
                TimeField::FaultAt(_) => nanos < file.duration.0,
                _ => true,
            };
        };
        let Some(workload) = file.workload.as_ref() else {
            return true;
        };
        let client = workload.script[i].client;
        let same_client = |e: &&ScriptEntry| e.client == client;
        let before = workload.script[..i].iter().rev().find(same_client);
        let after = workload.script[i + 1..].iter().find(same_client);
        before.is_none_or(|e| e.at.0 <= nanos) && after.is_none_or(|e| nanos <= e.at.0)
    }

    fn get(self, file: &ScenarioFile) -> Option<Nanos> {
        match self {
            TimeField::FaultAt(i) => Some(file.faults.schedule[i].at.0),
            TimeField::FaultFor(i) => file.faults.schedule[i].for_.map(|d| d.0),
            TimeField::OpAt(i) => Some(file.workload.as_ref()?.script[i].at.0),
            TimeField::Duration => Some(file.duration.0),
        }
    }

    fn set(self, file: &mut ScenarioFile, nanos: Nanos) {
        let value = Duration(nanos);
        match self {
            TimeField::FaultAt(i) => file.faults.schedule[i].at = value,
            TimeField::FaultFor(i) => file.faults.schedule[i].for_ = Some(value),
            TimeField::OpAt(i) => {
                if let Some(workload) = file.workload.as_mut() {
                    workload.script[i].at = value;
                }
            }
            TimeField::Duration => file.duration = value,
        }
    }
}

/// Whether an entry names a node index of `nodes` or more.
/// Whether the network gives links settings of their own, by node index.
fn names_links(network: &NetworkSection) -> bool {
    !network.links.is_empty() || network.phases.iter().any(|p| p.links.is_some())
}

fn names_node_at_least(entry: &ScheduleEntry, nodes: u32) -> bool {
    let big =
        |t: &Option<TargetSpec>| matches!(t, Some(TargetSpec(Target::Node(n))) if *n >= nodes);
    let targets = [
        &entry.crash,
        &entry.replace,
        &entry.restart,
        &entry.pause,
        &entry.resume,
        &entry.node,
    ];
    if targets.into_iter().any(big) {
        return true;
    }
    let Some(partition) = &entry.partition else {
        return false;
    };
    partition.0.named_nodes().iter().any(|&n| n >= nodes)
}
