//! Time rules: every time a file gives is at most a simulated day, and every
//! scripted operation starts before the run ends.

use super::{problem, Problem};
use crate::duration::Duration;
use crate::scenario::file::{LatencySection, NetworkSection, ScenarioFile};
use faultline_sim::Nanos;

/// Every time in a scenario is at most a simulated day: far beyond any useful run,
/// and far from the arithmetic limits of nanosecond clocks.
pub(super) const TIME_NS_MAX: Nanos = 86_400 * faultline_sim::SECOND;

/// The latencies of the network, its links and phases, and when each phase starts.
fn network_times(network: &NetworkSection) -> Vec<(String, Nanos)> {
    let mut times = Vec::new();
    let mut latency = |path: String, latency: &Option<LatencySection>| {
        if let Some(latency) = latency {
            times.push((format!("{path}latency.min"), latency.min.0));
            times.push((format!("{path}latency.max"), latency.max.0));
        }
    };
    latency("network.".into(), &network.latency);
    for (i, link) in network.links.iter().enumerate() {
        latency(format!("network.links[{i}]."), &link.latency);
    }
    for (i, phase) in network.phases.iter().enumerate() {
        latency(format!("network.phases[{i}]."), &phase.latency);
        for (j, link) in phase.links.iter().flatten().enumerate() {
            latency(format!("network.phases[{i}].links[{j}]."), &link.latency);
        }
    }
    let phases = network.phases.iter().enumerate();
    times.extend(phases.map(|(i, p)| (format!("network.phases[{i}].at"), p.at.0)));
    times
}

/// Each time the file gives, with its field path.
pub(super) fn times_of(file: &ScenarioFile) -> Vec<(String, Nanos)> {
    let mut times = vec![
        ("duration".to_string(), file.duration.0),
        ("quiet".to_string(), file.quiet.0),
    ];
    times.extend(network_times(&file.network));
    if let Some(slow) = &file.disk.slow_fsync {
        times.push(("disk.slow_fsync.min".into(), slow.min.0));
        times.push(("disk.slow_fsync.max".into(), slow.max.0));
    }
    for (i, entry) in file.faults.schedule.iter().enumerate() {
        let path = format!("faults.schedule[{i}]");
        times.push((format!("{path}.at"), entry.at.0));
        if let Some(window) = entry.for_ {
            times.push((format!("{path}.for"), window.0));
        }
        if let Some(jump) = entry.clock_jump {
            times.push((format!("{path}.clock_jump"), jump.0.unsigned_abs()));
        }
    }
    if let Some(random) = &file.faults.random {
        let named = [
            ("partition_every", random.partition_every),
            ("partition_for", random.partition_for),
            ("crash_every", random.crash_every),
            ("crash_for", random.crash_for),
            ("replace_every", random.replace_every),
            ("pause_every", random.pause_every),
            ("pause_for", random.pause_for),
            ("clock_every", random.clock_every),
            ("clock_jump_max", random.clock_jump_max),
            ("new_leader_crash_within", random.new_leader_crash_within),
        ];
        for (name, value) in named {
            if let Some(d) = value {
                times.push((format!("faults.random.{name}"), d.0));
            }
        }
    }
    if let Some(bound) = file.checks.availability {
        times.push(("checks.availability".into(), bound.0));
    }
    if let Some(workload) = &file.workload {
        if let Some(think) = workload.think {
            times.push(("workload.think".into(), think.0));
        }
        for (i, entry) in workload.script.iter().enumerate() {
            times.push((format!("workload.script[{i}].at"), entry.at.0));
        }
    }
    times
}

pub(super) fn check_time_limits(file: &ScenarioFile) -> Result<(), Problem> {
    match times_of(file).into_iter().find(|(_, t)| *t > TIME_NS_MAX) {
        Some((path, nanos)) => Err(problem(
            path,
            format!(
                "{} is too long; expected at most {}",
                Duration(nanos),
                Duration(TIME_NS_MAX)
            ),
        )),
        None => Ok(()),
    }
}

/// A scripted operation must start before the run can end (`duration` + `quiet`):
/// one set later never starts, and the run would be stuck for no reason of the
/// protocol's. The shrinker relies on this to never write such a file.
pub(super) fn script_within_run(file: &ScenarioFile) -> Result<(), Problem> {
    let end = Duration(file.duration.0.saturating_add(file.quiet.0));
    let script = file.workload.iter().flat_map(|w| w.script.iter());
    match script.enumerate().find(|(_, entry)| entry.at >= end) {
        Some((i, entry)) => Err(problem(
            format!("workload.script[{i}].at"),
            format!(
                "{} is not before the end of the run (duration {} + quiet {} = {end}); the \
                    operation would never start",
                entry.at, file.duration, file.quiet
            ),
        )),
        None => Ok(()),
    }
}
