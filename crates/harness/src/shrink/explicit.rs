//! The explicit form of a run: the scenario that does exactly what one seed of the
//! original did, with nothing left to chance.
//!
//! - Faults: the timeline the World applied (targets resolved, no random nemesis, no
//!   swarm, no leader churn), each fault joined with the heal, restart or resume that
//!   undid it into one entry with a `for` window, partitions in their plainest form.
//! - Clients: the operations they actually invoked, as a `workload.script` with the
//!   time each was invoked, so removing one operation leaves the others in place
//!   (for protocols whose clients can run a script; others keep their random
//!   workload, which the shrinker then cuts down by count).
//! - Network and disk: the settings the run really had (after swarm choices).
//!
//! The shrinker then only ever removes or shortens things in this form.

use crate::duration::Duration;
use crate::outcome::Outcome;
use crate::registry::ProtocolInfo;
use crate::scenario::file::{
    AcrossCut, DiskSection, LatencySection, LatencyShapeName, LinkSection, NetworkSection,
    PhaseSection, ScriptEntry, UnsyncedName, WorkloadSection,
};
use crate::scenario::spec::PartitionSpec;
use crate::scenario::{entry_from_applied, Expect, ScenarioFile, ScheduleEntry};
use faultline_api::ClientEventKind;
use faultline_sim::disk::UnsyncedOnCrash;
use faultline_sim::network::{LinkOverride, NetworkPhase};
use faultline_sim::{FaultAction, LatencyShape, Nanos, PartitionShape, Target};

/// The run of `original` that produced `outcome`, as an explicit scenario.
pub fn explicit_form(
    original: &ScenarioFile,
    outcome: &Outcome,
    protocol: &ProtocolInfo,
) -> ScenarioFile {
    let mut file = original.clone();
    file.faults.random = None;
    file.faults.triggers = Vec::new();
    file.faults.swarm = false;
    file.faults.schedule = fault_windows(original, outcome);
    file.network = effective_network(outcome);
    file.disk = DiskSection {
        unsynced_on_crash: match outcome.unsynced_on_crash {
            UnsyncedOnCrash::Lost => UnsyncedName::Lost,
            UnsyncedOnCrash::Torn => UnsyncedName::Torn,
        },
        slow_fsync: original.disk.slow_fsync.clone(),
        fsync_errors: original.disk.fsync_errors.clone(),
        corrupt_on_restart: original.disk.corrupt_on_restart.clone(),
    };
    if protocol.has_clients && protocol.takes_script {
        file.workload = Some(scripted_workload(original, outcome));
    }
    file.expect = match &outcome.property {
        Some(property) => Expect::FailsWith(property.clone()),
        None => Expect::Fail,
    };
    file
}

/// The applied faults of the fault period, each joined with its undo.
fn fault_windows(original: &ScenarioFile, outcome: &Outcome) -> Vec<ScheduleEntry> {
    let node_count = original.protocol.nodes + outcome.clients as u32;
    let applied = outcome
        .faults
        .iter()
        .filter(|f| f.skipped.is_none() && f.action != FaultAction::RecoverAll)
        .filter(|f| f.at_ns < original.duration.0);
    let mut entries: Vec<ScheduleEntry> = Vec::new();
    let mut undone = Vec::new();
    // Nodes halted and not restarted yet: the disk knobs, kept in the explicit
    // form, halt them again; their restarts are the halts' own.
    let mut halted = Vec::new();
    for fault in applied {
        let restart = matches!(fault.action, FaultAction::Restart(_));
        if !restart && disk_knobs_did(&fault.action, &mut halted) {
            continue;
        }
        let opened = entries
            .iter()
            .enumerate()
            .filter(|(i, _)| !undone.contains(i));
        let closes: Vec<usize> = match &fault.action {
            FaultAction::Heal => opened
                .filter(|(_, e)| e.partition.is_some())
                .map(|(i, _)| i)
                .collect(),
            FaultAction::HealCut(shape) => {
                let cut = PartitionSpec(plainest(shape, node_count));
                let mut opened = opened;
                let first = opened.find(|(_, e)| e.partition.as_ref() == Some(&cut));
                first.map(|(i, _)| i).into_iter().collect()
            }
            FaultAction::Restart(target) => opened
                .filter(|(_, e)| {
                    let down = e.crash.as_ref().or(e.replace.as_ref());
                    down.is_some_and(|t| t.0 == *target)
                })
                .map(|(i, _)| i)
                .collect(),
            FaultAction::Resume(target) => opened
                .filter(|(_, e)| e.pause.as_ref().is_some_and(|t| t.0 == *target))
                .map(|(i, _)| i)
                .collect(),
            _ => Vec::new(),
        };
        if closes.is_empty() {
            if disk_knobs_did(&fault.action, &mut halted) {
                continue; // the restart of a halted node
            }
            let Some(mut entry) = entry_from_applied(fault) else {
                continue;
            };
            if let Some(PartitionSpec(shape)) = &entry.partition {
                entry.partition = Some(PartitionSpec(plainest(shape, node_count)));
            }
            entries.push(entry);
            continue;
        }
        for index in closes {
            entries[index].for_ = Some(Duration(fault.at_ns - entries[index].at.0));
            undone.push(index);
        }
    }
    entries
}

/// Whether the disk knobs (kept in the explicit form) caused `action`, so it has
/// no entry: a halt, a corrupt record, or the restart of a node in `halted` (which
/// a halt adds to, its restart removes from). A restart is asked only once no
/// crash entry claimed it.
fn disk_knobs_did(action: &FaultAction, halted: &mut Vec<Target>) -> bool {
    match action {
        FaultAction::Halt { target, .. } => halted.push(target.clone()),
        FaultAction::Corrupt { .. } => {}
        FaultAction::Restart(target) => match halted.iter().position(|t| t == target) {
            Some(i) => drop(halted.remove(i)),
            None => return false,
        },
        _ => return false,
    }
    true
}

/// Cut links as groups when they are exactly a split into groups (`[[0, 1], [2, 3]]`
/// reads better than the twelve links it cuts); otherwise unchanged.
pub fn plainest(shape: &PartitionShape, node_count: u32) -> PartitionShape {
    let PartitionShape::Links(links) = shape else {
        return shape.clone();
    };
    let n = node_count as usize;
    let mut cut = vec![false; n * n];
    for &[a, b] in links {
        if (a as usize) < n && (b as usize) < n {
            cut[a as usize * n + b as usize] = true;
        }
    }
    let involved: Vec<usize> = (0..n)
        .filter(|&a| (0..n).any(|b| cut[a * n + b] || cut[b * n + a]))
        .collect();
    // Groups: nodes that can still talk (both ways) to each other, among those cut off.
    let mut group_of = vec![usize::MAX; n];
    let mut groups: Vec<Vec<u32>> = Vec::new();
    for &a in &involved {
        if group_of[a] != usize::MAX {
            continue;
        }
        let members: Vec<usize> = involved
            .iter()
            .copied()
            .filter(|&b| group_of[b] == usize::MAX && !cut[a * n + b] && !cut[b * n + a])
            .collect();
        for &m in &members {
            group_of[m] = groups.len();
        }
        groups.push(members.into_iter().map(|m| m as u32).collect());
    }
    let same_cuts = (0..n).all(|a| {
        (0..n).all(|b| {
            let split = a != b
                && group_of[a] != usize::MAX
                && group_of[b] != usize::MAX
                && group_of[a] != group_of[b];
            split == cut[a * n + b]
        })
    });
    if same_cuts && groups.len() >= 2 {
        PartitionShape::Groups(groups)
    } else {
        shape.clone()
    }
}

fn effective_network(outcome: &Outcome) -> NetworkSection {
    let network = &outcome.network;
    let latency = (
        network.latency_ns_min,
        network.latency_ns_max,
        network.latency_shape,
    );
    NetworkSection {
        latency: Some(latency_section(latency)),
        drop: network.drop_probability,
        duplicate: network.duplicate_probability,
        duplicate_delay_max: (network.duplicate_delay_ns_max > 0)
            .then_some(Duration(network.duplicate_delay_ns_max)),
        across_cut: match network.hold_across_cut {
            true => AcrossCut::Hold,
            false => AcrossCut::Drop,
        },
        links: network.links.iter().map(link_section).collect(),
        phases: network.phases.iter().map(phase_section).collect(),
    }
}

fn latency_section((min, max, shape): (Nanos, Nanos, LatencyShape)) -> LatencySection {
    LatencySection {
        min: Duration(min),
        max: Duration(max),
        shape: match shape {
            LatencyShape::Uniform => LatencyShapeName::Uniform,
            LatencyShape::LongTail => LatencyShapeName::LongTail,
        },
    }
}

fn link_section(link: &LinkOverride) -> LinkSection {
    LinkSection {
        from: link.from.clone(),
        to: link.to.clone(),
        latency: link.change.latency.map(latency_section),
        drop: link.change.drop_probability,
        duplicate: link.change.duplicate_probability,
    }
}

fn phase_section(phase: &NetworkPhase) -> PhaseSection {
    PhaseSection {
        at: Duration(phase.from_ns),
        latency: phase.change.latency.map(latency_section),
        drop: phase.change.drop_probability,
        duplicate: phase.change.duplicate_probability,
        links: phase
            .links
            .as_ref()
            .map(|l| l.iter().map(link_section).collect()),
    }
}

/// Every operation the clients invoked, at the time they invoked it.
fn scripted_workload(original: &ScenarioFile, outcome: &Outcome) -> WorkloadSection {
    let servers = original.protocol.nodes;
    let script: Vec<ScriptEntry> = outcome
        .history
        .iter()
        .filter(|e| e.value.kind == ClientEventKind::Invoke)
        .filter_map(|e| {
            Some(ScriptEntry {
                at: Duration(e.time_ns),
                client: e.node.0.checked_sub(servers)?,
                f: e.value.f.to_string(),
                key: e.value.key.clone().unwrap_or_default(),
                value: e.value.value.clone(),
            })
        })
        .collect();
    let clients = outcome.clients as u32;
    let mut workload = WorkloadSection {
        clients: Some(clients),
        script,
        ..WorkloadSection::default()
    };
    if workload.script.is_empty() {
        workload.ops = Some(0);
    }
    normalise_clients(&mut workload);
    workload
}

/// Leaves `clients` out when the script names the last client anyway.
pub fn normalise_clients(workload: &mut WorkloadSection) {
    let named = workload
        .script
        .iter()
        .map(|e| e.client.saturating_add(1))
        .max();
    if named.is_some() && workload.clients == named {
        workload.clients = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_links_of_a_group_split_read_as_groups() {
        let mut links = Vec::new();
        for (a, b) in [(0, 2), (0, 3), (1, 2), (1, 3)] {
            links.push([a, b]);
            links.push([b, a]);
        }
        let shape = plainest(&PartitionShape::Links(links), 5);
        assert_eq!(shape, PartitionShape::Groups(vec![vec![0, 1], vec![2, 3]]));
    }

    #[test]
    fn a_ring_or_a_one_way_cut_stays_links() {
        let ring = PartitionShape::Links(vec![[0, 2], [2, 0], [1, 3], [3, 1], [0, 3], [3, 0]]);
        assert_eq!(plainest(&ring, 4), ring);
        let one_way = PartitionShape::Links(vec![[0, 1]]);
        assert_eq!(plainest(&one_way, 3), one_way);
    }
}
