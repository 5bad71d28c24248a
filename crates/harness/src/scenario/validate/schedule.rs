//! Schedule rules: each explicit fault is one action inside the fault period, with
//! targets in range and `for` and `node` only where they mean something.

use super::{problem, Problem};
use crate::duration::Duration;
use crate::scenario::file::{ScenarioFile, ScheduleEntry};
use crate::scenario::spec::{PartitionSpec, TargetSpec};
use faultline_sim::{FaultAction, Nanos, PartitionShape, Target};

/// The kernel faults of the file's schedule, in file order. With
/// `independent_partitions`, a partition is a cut that heals only itself.
pub(super) fn schedule_of(
    file: &ScenarioFile,
    node_count: usize,
    servers: usize,
) -> Result<Vec<(Nanos, FaultAction)>, Problem> {
    let mut schedule = Vec::new();
    for (i, entry) in file.faults.schedule.iter().enumerate() {
        let path = format!("faults.schedule[{i}]");
        within_fault_period(entry, &path, file.duration)?;
        let faults = fault_of(entry, &path, node_count, servers)?;
        match &entry.partition {
            Some(PartitionSpec(shape)) if file.faults.independent_partitions => {
                let heal_after_ns = entry.for_.map(|d| d.0);
                let shape = shape.clone();
                schedule.push((
                    entry.at.0,
                    FaultAction::Cut {
                        shape,
                        heal_after_ns,
                    },
                ));
            }
            _ => schedule.extend(faults),
        }
    }
    Ok(schedule)
}

/// Faults happen in `[0, duration)`; at `duration` everything is undone.
pub(super) fn within_fault_period(
    entry: &ScheduleEntry,
    path: &str,
    duration: Duration,
) -> Result<(), Problem> {
    if entry.at < duration {
        return Ok(());
    }
    Err(problem(
        format!("{path}.at"),
        format!(
            "{} is not before the end of the fault period (duration {duration}); expected an \
                earlier time or a longer duration",
            entry.at
        ),
    ))
}

/// The kernel faults for one schedule entry (a partition with `for` adds its heal).
pub(super) fn fault_of(
    entry: &ScheduleEntry,
    path: &str,
    node_count: usize,
    servers: usize,
) -> Result<Vec<(Nanos, FaultAction)>, Problem> {
    check_action_fields(entry, path)?;
    let at = entry.at.0;
    let for_ns = entry.for_.map(|d| d.0);
    let targets = Targets {
        path,
        node_count,
        servers,
    };
    let action = if let Some(PartitionSpec(shape)) = &entry.partition {
        check_partition_nodes(shape, &format!("{path}.partition"), node_count)?;
        let mut faults = vec![(at, FaultAction::Partition(shape.clone()))];
        if let Some(window) = for_ns {
            faults.push((at + window, FaultAction::Heal));
        }
        return Ok(faults);
    } else if let Some(heal) = entry.heal {
        if !heal {
            return Err(problem(
                format!("{path}.heal"),
                "expected true (omit the entry instead)",
            ));
        }
        FaultAction::Heal
    } else if let (Some(spec), Some(point)) = (&entry.crash, &entry.at_point) {
        FaultAction::CrashAtPoint {
            target: targets.crashable(spec, "crash")?,
            point: point.clone(),
            restart_after_ns: for_ns,
        }
    } else if let Some(spec) = &entry.crash {
        FaultAction::Crash {
            target: targets.crashable(spec, "crash")?,
            restart_after_ns: for_ns,
        }
    } else if let Some(spec) = &entry.replace {
        FaultAction::Replace {
            target: targets.server(spec, "replace")?,
            restart_after_ns: for_ns,
        }
    } else if let Some(spec) = &entry.restart {
        FaultAction::Restart(targets.crashable(spec, "restart")?)
    } else if let Some(spec) = &entry.pause {
        FaultAction::Pause {
            target: targets.any(spec, "pause")?,
            resume_after_ns: for_ns,
        }
    } else if let Some(spec) = &entry.resume {
        FaultAction::Resume(targets.any(spec, "resume")?)
    } else if let Some(jump) = entry.clock_jump {
        FaultAction::ClockJump {
            target: targets.clock(entry)?,
            by_ns: jump.0,
        }
    } else if let Some(drift_ppm) = entry.clock_drift_ppm {
        FaultAction::ClockDrift {
            target: targets.clock(entry)?,
            drift_ppm,
        }
    } else {
        FaultAction::RecoverAll
    };
    Ok(vec![(at, action)])
}

/// Exactly one action, and `for` and `node` only where they mean something.
pub(super) fn check_action_fields(entry: &ScheduleEntry, path: &str) -> Result<(), Problem> {
    let actions = action_names(entry);
    if actions.len() != 1 {
        let found = if actions.is_empty() {
            "none".to_string()
        } else {
            actions.join(", ")
        };
        return Err(problem(
            path,
            format!(
                "expected exactly one action (partition, heal, crash, replace, restart, pause, \
                resume, clock_jump, clock_drift_ppm, recover_all); found {found}"
            ),
        ));
    }
    if entry.for_.is_some() && !matches!(actions[0], "partition" | "crash" | "replace" | "pause") {
        return Err(problem(
            format!("{path}.for"),
            "`for` applies only to partition, crash, replace and pause",
        ));
    }
    if entry.at_point.is_some() && actions[0] != "crash" {
        return Err(problem(
            format!("{path}.at_point"),
            "`at_point` applies only to crash",
        ));
    }
    if entry.node.is_some() && !matches!(actions[0], "clock_jump" | "clock_drift_ppm") {
        return Err(problem(
            format!("{path}.node"),
            "`node` applies only to clock_jump and clock_drift_ppm",
        ));
    }
    Ok(())
}

/// Checks the targets one schedule entry names against the scenario's nodes.
pub(super) struct Targets<'a> {
    path: &'a str,
    node_count: usize,
    servers: usize,
}

impl Targets<'_> {
    /// Any node of the scenario (or a name resolved when the fault applies).
    fn any(&self, spec: &TargetSpec, field: &str) -> Result<Target, Problem> {
        match &spec.0 {
            Target::Node(n) if *n as usize >= self.node_count => Err(problem(
                format!("{}.{field}", self.path),
                format!(
                    "node {n} is out of range; this scenario has nodes 0 to {}",
                    self.node_count - 1
                ),
            )),
            t => Ok(t.clone()),
        }
    }

    /// A node that may crash and restart: any node, though a client only for a
    /// protocol whose clients restart with a fresh identity (checked with the
    /// protocol's assumptions, `client_crashes_in_model`).
    fn crashable(&self, spec: &TargetSpec, field: &str) -> Result<Target, Problem> {
        self.any(spec, field)
    }

    /// A server: a replaced machine is a server with an empty disk.
    fn server(&self, spec: &TargetSpec, field: &str) -> Result<Target, Problem> {
        let target = self.any(spec, field)?;
        match target {
            Target::Node(n) if n as usize >= self.servers => Err(problem(
                format!("{}.{field}", self.path),
                format!(
                    "node {n} is a client; only servers (0 to {}) are replaced",
                    self.servers - 1
                ),
            )),
            target => Ok(target),
        }
    }

    /// The node a clock fault names in `node`.
    fn clock(&self, entry: &ScheduleEntry) -> Result<Target, Problem> {
        let spec = entry
            .node
            .as_ref()
            .ok_or_else(|| problem(self.path, "a clock fault needs \"node\": target"))?;
        self.any(spec, "node")
    }
}

pub(super) fn action_names(entry: &ScheduleEntry) -> Vec<&'static str> {
    [
        ("partition", entry.partition.is_some()),
        ("heal", entry.heal.is_some()),
        ("crash", entry.crash.is_some()),
        ("replace", entry.replace.is_some()),
        ("restart", entry.restart.is_some()),
        ("pause", entry.pause.is_some()),
        ("resume", entry.resume.is_some()),
        ("clock_jump", entry.clock_jump.is_some()),
        ("clock_drift_ppm", entry.clock_drift_ppm.is_some()),
        ("recover_all", entry.recover_all.is_some()),
    ]
    .into_iter()
    .filter(|(_, present)| *present)
    .map(|(name, _)| name)
    .collect()
}

pub(super) fn check_partition_nodes(
    shape: &PartitionShape,
    path: &str,
    node_count: usize,
) -> Result<(), Problem> {
    check_sides(shape, path)?;
    match shape
        .named_nodes()
        .iter()
        .find(|&&n| n as usize >= node_count)
    {
        Some(n) => Err(problem(
            path,
            format!(
                "node {n} is out of range; this scenario has nodes 0 to {}",
                node_count - 1
            ),
        )),
        None => Ok(()),
    }
}

/// An explicit partition cuts something and says each node once: at least two
/// sides, none empty, no node on two sides (or twice on one).
fn check_sides(shape: &PartitionShape, path: &str) -> Result<(), Problem> {
    let sides: Vec<&[u32]> = match shape {
        PartitionShape::Groups(groups) => groups.iter().map(Vec::as_slice).collect(),
        PartitionShape::OneWay { from, to } => vec![from.as_slice(), to.as_slice()],
        _ => return Ok(()),
    };
    if sides.len() < 2 {
        return Err(problem(path, "expected at least two sides to cut apart"));
    }
    if sides.iter().any(|side| side.is_empty()) {
        return Err(problem(
            path,
            "expected every side to name at least one node",
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    match sides
        .iter()
        .flat_map(|side| side.iter())
        .find(|n| !seen.insert(**n))
    {
        Some(node) => Err(problem(
            path,
            format!("node {node} is named twice; each node belongs to one side"),
        )),
        None => Ok(()),
    }
}
