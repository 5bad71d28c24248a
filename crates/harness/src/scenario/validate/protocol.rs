//! Protocol rules: the node count, options the protocol declares, its bugs, the
//! roles faults aim at, and the property a failing scenario expects.

use super::{checks, problem, Problem, Scenario};
use crate::registry::ProtocolInfo;
use crate::scenario::file::ScenarioFile;
use crate::scenario::roles;
use crate::scenario::spec::TargetSpec;
use faultline_api::{Assumptions, SetupError};
use faultline_sim::Target;
use serde_json::Value;
use std::collections::BTreeMap;

/// The most nodes a scenario may have: the gossip example is measured up to this
/// (BENCHMARKS.md, "Scaling with nodes").
pub(crate) const NODES_MAX: u32 = 10_000;

pub(super) fn validate_nodes(file: &ScenarioFile) -> Result<usize, Problem> {
    let nodes = file.protocol.nodes as usize;
    if !(1..=NODES_MAX as usize).contains(&nodes) {
        return Err(problem(
            "protocol.nodes",
            format!("{nodes} nodes; expected 1 to {NODES_MAX}"),
        ));
    }
    Ok(nodes)
}

pub(super) fn validate_options(
    file: &ScenarioFile,
    info: &ProtocolInfo,
) -> Result<BTreeMap<String, Value>, Problem> {
    let mut options = BTreeMap::new();
    for (name, value) in &file.protocol.options {
        if !info.options.iter().any(|o| o.name == name) {
            let known: Vec<&str> = info.options.iter().map(|o| o.name).collect();
            let expected = if known.is_empty() {
                "no options".to_string()
            } else {
                known.join(", ")
            };
            return Err(problem(
                format!("protocol.{name}"),
                format!(
                    "unknown option for {}; expected kind, nodes, {expected}",
                    info.name
                ),
            ));
        }
        options.insert(name.clone(), value.clone());
    }
    Ok(options)
}

/// Where a refusal from `build` points: at the option it starts by naming, when the
/// file sets that option (`fanout must be 1 to 64` at `protocol.fanout`), else at
/// the `protocol` object.
fn invalid_path(scenario: &Scenario, message: &str) -> String {
    let first_word = message
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or_default();
    match scenario.file.protocol.options.contains_key(first_word) {
        true => format!("protocol.{first_word}"),
        false => "protocol".to_string(),
    }
}

/// Builds the protocol once, as a run would, so a bad option value or node count is
/// reported here, located, rather than when the run starts; then checks every role
/// the file aims a fault at is one its nodes may claim, and that the disk errors it
/// asks for are ones the protocol survives (or the file goes beyond its model).
pub(super) fn check_setup(scenario: &Scenario) -> Result<(), Problem> {
    let built = (scenario.info.check_setup)(&scenario.setup()).map_err(|e| match &e {
        SetupError::BadOption { name, .. } => problem(format!("protocol.{name}"), e.to_string()),
        SetupError::Invalid(message) => problem(invalid_path(scenario, message), message.clone()),
    })?;
    let (roles, assumptions) = built;
    let known = |role: &str| roles.contains(&role);
    let unknown = roles::first_unknown_role(&scenario.file, known);
    if let Some((path, role)) = unknown {
        let message = roles::unknown_role_message(&role, scenario.info.name, roles);
        return Err(problem(path, message));
    }
    let down = scenario.down_for_good.as_deref();
    checks::check_down_for_good(down, &scenario.file, scenario.info.name, roles)?;
    check_disk_errors(scenario, &assumptions)?;
    client_crashes_in_model(scenario, &assumptions)
}

/// Crashing a client (a schedule entry naming a client node, or the nemesis's
/// `client_crash_every`) needs a protocol whose clients restart with a fresh
/// identity, unless the file goes beyond the protocol's model.
fn client_crashes_in_model(scenario: &Scenario, assumptions: &Assumptions) -> Result<(), Problem> {
    if scenario.beyond_model || assumptions.clients_restart {
        return Ok(());
    }
    let name = scenario.info.name;
    let refused = |path: String| {
        let message = format!(
            "protocol `{name}` does not declare its clients restart with a fresh identity \
             (`Assumptions::clients_restart`); only servers (0 to {}) crash and restart \
             (pause a client instead, or set `faults.beyond_model: true`)",
            scenario.servers - 1
        );
        Err(problem(path, message))
    };
    for (i, entry) in scenario.file.faults.schedule.iter().enumerate() {
        for (field, spec) in [("crash", &entry.crash), ("restart", &entry.restart)] {
            if let Some(TargetSpec(Target::Node(n))) = spec {
                if *n as usize >= scenario.servers {
                    return refused(format!("faults.schedule[{i}].{field}"));
                }
            }
        }
    }
    let random = scenario.file.faults.random.as_ref();
    if random.is_some_and(|r| r.client_crash_every.is_some()) {
        return refused("faults.random.client_crash_every".to_string());
    }
    Ok(())
}

/// Disk errors the protocol does not declare it survives are refused (rather than
/// silently left off), unless the file goes beyond the protocol's model.
fn check_disk_errors(scenario: &Scenario, assumptions: &Assumptions) -> Result<(), Problem> {
    if scenario.beyond_model {
        return Ok(());
    }
    let name = scenario.info.name;
    let disk = &scenario.file.disk;
    let refused = |knob: &str, field: &str, what: &str| {
        let message = format!(
            "protocol `{name}` (so configured) does not declare it survives {what} \
             (`Assumptions::{field}`); set `faults.beyond_model: true` (or \
             `--beyond-model`) to run them anyway, outside its fault model"
        );
        Err(problem(format!("disk.{knob}"), message))
    };
    if disk.fsync_errors.is_some() && !assumptions.tolerates_fsync_errors {
        return refused("fsync_errors", "tolerates_fsync_errors", "fsyncs that fail");
    }
    if disk.corrupt_on_restart.is_some() && assumptions.corrupt_nodes_max.is_none() {
        let what = "records found corrupt";
        return refused("corrupt_on_restart", "corrupt_nodes_max", what);
    }
    Ok(())
}

/// Every crash point the file names (`at_point`) must be one the protocol declares,
/// and random crashes at points need a protocol that declares some.
pub(super) fn validate_crash_points(
    file: &ScenarioFile,
    info: &ProtocolInfo,
) -> Result<(), Problem> {
    let declared = info.crash_points;
    let expected = || match declared.is_empty() {
        true => format!("{} declares no crash points", info.name),
        false => format!("expected one of {}", declared.join(", ")),
    };
    let scheduled = file.faults.schedule.iter().map(|e| e.at_point.as_deref());
    let triggered = file.faults.triggers.iter().map(|t| t.at_point.as_deref());
    let named = points_named("faults.schedule", scheduled)
        .chain(points_named("faults.triggers", triggered));
    for (path, point) in named {
        if !declared.contains(&point) {
            let message = format!("unknown crash point `{point}`; {}", expected());
            return Err(problem(path, message));
        }
    }
    let random = file.faults.random.as_ref();
    if random.is_some_and(|r| r.crash_point_every.is_some()) && declared.is_empty() {
        let path = "faults.random.crash_point_every";
        return Err(problem(path, expected()));
    }
    Ok(())
}

/// (field path, point) for each entry of the list `list` that names a point.
fn points_named<'a>(
    list: &'static str,
    points: impl Iterator<Item = Option<&'a str>>,
) -> impl Iterator<Item = (String, &'a str)> {
    let named = points.enumerate();
    named.filter_map(move |(i, point)| Some((format!("{list}[{i}].at_point"), point?)))
}

/// `{"fails_with": P}` must name a property a run of this protocol can fail with.
pub(super) fn validate_expected_property(
    file: &ScenarioFile,
    info: &ProtocolInfo,
) -> Result<(), Problem> {
    let Some(property) = file.expect.property() else {
        return Ok(());
    };
    if faultline_api::harness_properties::names_known_property(info.properties, property) {
        return Ok(());
    }
    let names: Vec<&str> = info
        .properties
        .iter()
        .chain(faultline_api::HARNESS_PROPERTIES)
        .map(|p| p.name)
        .collect();
    Err(problem(
        "expect.fails_with",
        format!(
            "`{property}` is not a property of {}; expected one of: {}",
            info.name,
            names.join(", ")
        ),
    ))
}

pub(super) fn validate_bugs(file: &ScenarioFile, info: &ProtocolInfo) -> Result<(), Problem> {
    for (i, bug) in file.bugs.iter().enumerate() {
        if !info.bugs.iter().any(|b| b.name == bug) {
            let known: Vec<&str> = info.bugs.iter().map(|b| b.name).collect();
            return Err(problem(
                format!("bugs[{i}]"),
                format!(
                    "`{bug}` is not a bug of {}; expected one of: {}",
                    info.name,
                    if known.is_empty() {
                        "(none)".into()
                    } else {
                        known.join(", ")
                    }
                ),
            ));
        }
    }
    Ok(())
}
