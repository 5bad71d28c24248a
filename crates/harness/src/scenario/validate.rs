//! Validation: a parsed [`ScenarioFile`] becomes a typed [`Scenario`], or an
//! [`InputError`] that names file, line, column, field path and what was expected.
//!
//! Parsing happens once, here; everything downstream works with nanoseconds, resolved
//! protocol names and kernel fault actions, never with strings.

use crate::duration::Duration;
use crate::error::InputError;
use crate::registry::{ProtocolInfo, Registry};
use crate::scenario::file::*;
use crate::scenario::locate::locate;
use crate::scenario::roles;
use crate::scenario::spec::{is_role_name, PartitionSpec, TargetSpec};
use faultline_api::{Bugs, ScriptedOp, Setup, SetupError, Workload};
use faultline_sim::disk::UnsyncedOnCrash;
use faultline_sim::nemesis::NemesisConfig;
use faultline_sim::{
    AppliedFault, FaultAction, LatencyShape, Nanos, NetworkConfig, PartitionShape, Target,
    MILLISECOND,
};
use serde_json::Value;
use std::collections::BTreeMap;

/// A validated scenario: everything a run needs, typed.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// The file as written (with any command-line overrides applied).
    pub file: ScenarioFile,
    /// The registered protocol the file names (`info.name`): how to describe,
    /// build and run it.
    pub info: ProtocolInfo,
    pub servers: usize,
    pub options: BTreeMap<String, Value>,
    pub network: NetworkConfig,
    pub unsynced_on_crash: UnsyncedOnCrash,
    /// Explicit faults, in file order.
    pub schedule: Vec<(Nanos, FaultAction)>,
    pub nemesis: Option<NemesisConfig>,
    pub swarm: bool,
    /// Let the random faults go beyond the protocol's declared fault model
    /// (`faults.beyond_model`, `--beyond-model`); otherwise they stay inside it.
    pub beyond_model: bool,
    /// `None` for protocols without clients.
    pub workload: Option<Workload>,
    pub duration_ns: Nanos,
    pub quiet_ns: Nanos,
    pub seed: u64,
    pub bugs: Vec<String>,
    pub expect: Expect,
}

/// Collects where a rule broke, to locate it in the source afterwards.
struct Problem {
    path: String,
    message: String,
}

fn problem(path: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem {
        path: path.into(),
        message: message.into(),
    }
}

impl Scenario {
    /// Parses and validates scenario text against the protocols `registry` knows;
    /// `file_name` is used in errors.
    pub fn parse(
        source: &str,
        file_name: &str,
        registry: &Registry,
    ) -> Result<Scenario, InputError> {
        let file = parse_file(source, file_name)?;
        Scenario::from_file(file, registry).map_err(|p| {
            let (line, column) = locate(source, &p.path);
            InputError {
                file: file_name.to_string(),
                line,
                column,
                path: p.path,
                message: p.message,
            }
        })
    }

    /// Validates an in-memory scenario (from a trace header or the shrinker).
    pub fn from_file_named(
        file: ScenarioFile,
        origin: &str,
        registry: &Registry,
    ) -> Result<Scenario, InputError> {
        Scenario::from_file(file, registry).map_err(|p| InputError {
            file: origin.to_string(),
            line: 0,
            column: 0,
            path: p.path,
            message: p.message,
        })
    }

    fn from_file(file: ScenarioFile, registry: &Registry) -> Result<Scenario, Problem> {
        let info = registry.get(&file.protocol.kind).cloned().ok_or_else(|| {
            let names = registry.names();
            problem(
                "protocol.kind",
                format!(
                    "unknown protocol `{}`; expected one of {}",
                    file.protocol.kind,
                    names.join(", ")
                ),
            )
        })?;
        check_time_limits(&file)?;
        script_within_run(&file)?;
        let servers = validate_nodes(&file)?;
        let options = validate_options(&file, &info)?;
        let workload = info
            .has_clients
            .then(|| workload_of(&file, &info))
            .transpose()?;
        let node_count = servers + workload.as_ref().map_or(0, |w| w.clients);
        let schedule = file
            .faults
            .schedule
            .iter()
            .enumerate()
            .map(|(i, entry)| {
                let path = format!("faults.schedule[{i}]");
                within_fault_period(entry, &path, file.duration)?;
                fault_of(entry, &path, node_count, servers)
            })
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .flatten()
            .collect();
        validate_bugs(&file, &info)?;
        validate_expected_property(&file, &info)?;
        let scenario = Scenario {
            info,
            servers,
            options,
            network: network_of(&file.network)?,
            unsynced_on_crash: match file.disk.unsynced_on_crash {
                UnsyncedName::Lost => UnsyncedOnCrash::Lost,
                UnsyncedName::Torn => UnsyncedOnCrash::Torn,
            },
            schedule,
            nemesis: file.faults.random.as_ref().map(nemesis_of).transpose()?,
            swarm: file.faults.swarm,
            beyond_model: file.faults.beyond_model,
            workload,
            duration_ns: file.duration.0,
            quiet_ns: file.quiet.0,
            seed: file.seed,
            bugs: file.bugs.clone(),
            expect: file.expect.clone(),
            file,
        };
        check_setup(&scenario)?;
        Ok(scenario)
    }

    /// What the protocol is built from for a run of this scenario.
    pub fn setup(&self) -> Setup {
        Setup {
            servers: self.servers,
            workload: self.workload.clone().unwrap_or_default(),
            bugs: Bugs::new(self.bugs.iter().cloned()),
            options: self.options.clone(),
            fault_period_ns: self.duration_ns,
        }
    }

    /// Client nodes in this scenario.
    pub fn clients(&self) -> usize {
        self.workload.as_ref().map_or(0, |w| w.clients)
    }
}

/// Parses JSON into the file types; serde's line and column, plus the field path.
pub fn parse_file(source: &str, file_name: &str) -> Result<ScenarioFile, InputError> {
    let deserializer = &mut serde_json::Deserializer::from_str(source);
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let path = err.path().to_string().replace(".?", "").replace('?', "");
        let inner = err.into_inner();
        let message = strip_position(&inner.to_string());
        InputError {
            file: file_name.to_string(),
            line: inner.line(),
            column: inner.column().max(1),
            path: if path == "." { String::new() } else { path },
            message,
        }
    })
}

/// serde_json appends " at line L column C"; we print the position ourselves.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Every time in a scenario is at most a simulated day: far beyond any useful run,
/// and far from the arithmetic limits of nanosecond clocks.
const TIME_NS_MAX: Nanos = 86_400 * faultline_sim::SECOND;

/// Each time the file gives, with its field path.
fn times_of(file: &ScenarioFile) -> Vec<(String, Nanos)> {
    let mut times = vec![
        ("duration".to_string(), file.duration.0),
        ("quiet".to_string(), file.quiet.0),
    ];
    if let Some(latency) = &file.network.latency {
        times.push(("network.latency.min".into(), latency.min.0));
        times.push(("network.latency.max".into(), latency.max.0));
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

fn check_time_limits(file: &ScenarioFile) -> Result<(), Problem> {
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
fn script_within_run(file: &ScenarioFile) -> Result<(), Problem> {
    let end = Duration(file.duration.0.saturating_add(file.quiet.0));
    let script = file.workload.iter().flat_map(|w| w.script.iter());
    match script.enumerate().find(|(_, entry)| entry.at >= end) {
        Some((i, entry)) => Err(problem(
            format!("workload.script[{i}].at"),
            format!(
                "{} is not before the end of the run (duration {} + quiet {} = {end}); the operation would never start",
                entry.at, file.duration, file.quiet
            ),
        )),
        None => Ok(()),
    }
}

fn validate_nodes(file: &ScenarioFile) -> Result<usize, Problem> {
    let nodes = file.protocol.nodes as usize;
    if !(1..=1_000).contains(&nodes) {
        return Err(problem(
            "protocol.nodes",
            format!("{nodes} nodes; expected 1 to 1000"),
        ));
    }
    Ok(nodes)
}

fn validate_options(
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

/// Builds the protocol once, so a bad option value or node count is reported here,
/// located, rather than when the run starts.
/// Builds the protocol as a run would, then checks every role the file aims a
/// fault at is one its nodes may claim.
fn check_setup(scenario: &Scenario) -> Result<(), Problem> {
    let roles = (scenario.info.check_setup)(&scenario.setup()).map_err(|e| match &e {
        SetupError::BadOption { name, .. } => problem(format!("protocol.{name}"), e.to_string()),
        SetupError::Invalid(message) => problem("protocol", message.clone()),
    })?;
    let known = |role: &str| roles.contains(&role);
    let unknown = roles::first_unknown_role(&scenario.file, known);
    unknown.map_or(Ok(()), |(path, role)| {
        Err(problem(
            path,
            roles::unknown_role_message(&role, scenario.info.name, roles),
        ))
    })
}

/// `{"fails_with": P}` must name a property a run of this protocol can fail with.
fn validate_expected_property(file: &ScenarioFile, info: &ProtocolInfo) -> Result<(), Problem> {
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

fn validate_bugs(file: &ScenarioFile, info: &ProtocolInfo) -> Result<(), Problem> {
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

fn workload_of(file: &ScenarioFile, info: &ProtocolInfo) -> Result<Workload, Problem> {
    let section = file.workload.clone().unwrap_or_default();
    if !section.script.is_empty() {
        return scripted_workload(&section, info);
    }
    let defaults = Workload::default();
    let clients = section.clients.map_or(defaults.clients, |c| c as usize);
    if clients == 0 || clients > 1_000 {
        return Err(problem("workload.clients", "expected 1 to 1000 clients"));
    }
    let keys = section.keys.map_or(defaults.keys, |k| k as usize);
    if keys == 0 {
        return Err(problem("workload.keys", "expected at least one key"));
    }
    let read_ratio = section.read_ratio.unwrap_or(defaults.read_ratio);
    if !(0.0..=1.0).contains(&read_ratio) {
        return Err(problem(
            "workload.read_ratio",
            "expected a fraction from 0 to 1",
        ));
    }
    Ok(Workload {
        clients,
        keys,
        ops: section.ops.map_or(defaults.ops, |o| o as usize),
        read_ratio,
        think_ns_mean: section.think.map(|d| d.0),
        script: Vec::new(),
    })
}

/// A workload of explicit operations: the random-workload fields do not apply, every
/// entry names a client in range, and the protocol's clients can run every entry.
fn scripted_workload(section: &WorkloadSection, info: &ProtocolInfo) -> Result<Workload, Problem> {
    no_random_fields(section)?;
    let clients = script_clients(section)?;
    let script: Vec<ScriptedOp> = section
        .script
        .iter()
        .map(|e| ScriptedOp {
            client: e.client as usize,
            at_ns: e.at.0,
            f: e.f.clone(),
            key: e.key.clone(),
            value: e.value.clone(),
        })
        .collect();
    (info.check_script)(&script).map_err(|p| {
        let field = if p.field.is_empty() {
            String::new()
        } else {
            format!(".{}", p.field)
        };
        problem(format!("workload.script[{}]{field}", p.entry), p.message)
    })?;
    Ok(Workload {
        clients: clients as usize,
        script,
        ..Workload::default()
    })
}

/// A script lists every operation, so the random workload's knobs would mean nothing.
fn no_random_fields(section: &WorkloadSection) -> Result<(), Problem> {
    let random_only = [
        ("keys", section.keys.is_some()),
        ("ops", section.ops.is_some()),
        ("read_ratio", section.read_ratio.is_some()),
        ("think", section.think.is_some()),
    ];
    match random_only.iter().find(|(_, set)| *set) {
        Some((name, _)) => Err(problem(
            format!("workload.{name}"),
            "applies only to random operations; remove it (workload.script lists every operation)",
        )),
        None => Ok(()),
    }
}

/// How many clients a script runs on: `clients` if given (every entry must name one
/// of them), else one more than the highest client named.
fn script_clients(section: &WorkloadSection) -> Result<u32, Problem> {
    let entries = || section.script.iter().enumerate();
    let (highest, entry) = entries()
        .map(|(i, e)| (e.client, i))
        .max()
        .expect("a script has entries");
    if section.clients.is_none() && highest >= 1_000 {
        return Err(problem(
            format!("workload.script[{entry}].client"),
            format!("client {highest} is out of range; expected 0 to 999"),
        ));
    }
    let clients = section.clients.unwrap_or(highest + 1);
    if clients == 0 || clients > 1_000 {
        return Err(problem("workload.clients", "expected 1 to 1000 clients"));
    }
    match entries().find(|(_, e)| e.client >= clients) {
        Some((i, e)) => Err(problem(
            format!("workload.script[{i}].client"),
            format!(
                "client {} is out of range; workload.clients is {clients}",
                e.client
            ),
        )),
        None => Ok(clients),
    }
}

fn network_of(section: &NetworkSection) -> Result<NetworkConfig, Problem> {
    let mut network = NetworkConfig::default();
    if let Some(latency) = &section.latency {
        if latency.min > latency.max {
            return Err(problem("network.latency.min", "min is above max"));
        }
        network.latency_ns_min = latency.min.0;
        network.latency_ns_max = latency.max.0;
        network.latency_shape = match latency.shape {
            LatencyShapeName::Uniform => LatencyShape::Uniform,
            LatencyShapeName::LongTail => LatencyShape::LongTail,
        };
    }
    for (name, p) in [("drop", section.drop), ("duplicate", section.duplicate)] {
        if !(0.0..=1.0).contains(&p) {
            return Err(problem(
                format!("network.{name}"),
                "expected a probability from 0 to 1",
            ));
        }
    }
    network.drop_probability = section.drop;
    network.duplicate_probability = section.duplicate;
    Ok(network)
}

fn probability(name: &str, value: Option<f64>) -> Result<f64, Problem> {
    match value {
        Some(p) if !(0.0..=1.0).contains(&p) => Err(problem(
            format!("faults.random.{name}"),
            "expected a probability from 0 to 1",
        )),
        other => Ok(other.unwrap_or(0.0)),
    }
}

fn nemesis_of(random: &RandomSection) -> Result<NemesisConfig, Problem> {
    let every = |d: Option<Duration>, name: &str| -> Result<Option<Nanos>, Problem> {
        match d {
            Some(Duration(0)) => Err(problem(
                format!("faults.random.{name}"),
                "expected a positive duration",
            )),
            other => Ok(other.map(|d| d.0)),
        }
    };
    let bias = random.leader_bias.unwrap_or(0.3);
    if !(0.0..=1.0).contains(&bias) {
        return Err(problem(
            "faults.random.leader_bias",
            "expected a probability from 0 to 1",
        ));
    }
    let (pause_role, pause_role_bias) = pause_role_of(random)?;
    Ok(NemesisConfig {
        partition_every_ns: every(random.partition_every, "partition_every")?,
        partition_for_ns_max: random.partition_for.map_or(2_000 * MILLISECOND, |d| d.0),
        crash_every_ns: every(random.crash_every, "crash_every")?,
        crash_for_ns_max: random.crash_for.map_or(1_000 * MILLISECOND, |d| d.0),
        pause_every_ns: every(random.pause_every, "pause_every")?,
        pause_for_ns_max: random.pause_for.map_or(500 * MILLISECOND, |d| d.0),
        clock_every_ns: every(random.clock_every, "clock_every")?,
        clock_jump_ns_max: random.clock_jump_max.map_or(100 * MILLISECOND, |d| d.0),
        clock_drift_ppm_max: random.clock_drift_ppm_max.unwrap_or(1_000),
        leader_bias: bias,
        new_leader_crash: probability("new_leader_crash", random.new_leader_crash)?,
        new_leader_crash_within_ns: random
            .new_leader_crash_within
            .map_or(100 * MILLISECOND, |d| d.0),
        pause_role,
        pause_role_bias,
        partition_clients: random.partition_clients.unwrap_or(false),
    })
}

/// The role pauses aim at, and how often; the bias means nothing without the role.
fn pause_role_of(random: &RandomSection) -> Result<(Option<String>, f64), Problem> {
    let Some(role) = &random.pause_role else {
        if random.pause_role_bias.is_some() {
            return Err(problem(
                "faults.random.pause_role_bias",
                "applies only with pause_role; add \"pause_role\": a role such as \"holder\"",
            ));
        }
        return Ok((None, 0.0));
    };
    if !is_role_name(role) {
        return Err(problem(
            "faults.random.pause_role",
            format!("`{role}` is not a role name; expected lowercase letters and `_`, such as \"holder\""),
        ));
    }
    let bias = random.pause_role_bias.unwrap_or(0.5);
    if !(0.0..=1.0).contains(&bias) {
        return Err(problem(
            "faults.random.pause_role_bias",
            "expected a probability from 0 to 1",
        ));
    }
    Ok((Some(role.clone()), bias))
}

/// Faults happen in `[0, duration)`; at `duration` everything is undone.
fn within_fault_period(
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
            "{} is not before the end of the fault period (duration {duration}); expected an earlier time or a longer duration",
            entry.at
        ),
    ))
}

/// The kernel faults for one schedule entry (a partition with `for` adds its heal).
fn fault_of(
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
    } else if let Some(spec) = &entry.crash {
        FaultAction::Crash {
            target: targets.server(spec, "crash")?,
            restart_after_ns: for_ns,
        }
    } else if let Some(spec) = &entry.restart {
        FaultAction::Restart(targets.server(spec, "restart")?)
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
fn check_action_fields(entry: &ScheduleEntry, path: &str) -> Result<(), Problem> {
    let actions = action_names(entry);
    if actions.len() != 1 {
        let found = if actions.is_empty() {
            "none".to_string()
        } else {
            actions.join(", ")
        };
        return Err(problem(
            path,
            format!("expected exactly one action (partition, heal, crash, restart, pause, resume, clock_jump, clock_drift_ppm, recover_all); found {found}"),
        ));
    }
    if entry.for_.is_some() && !matches!(actions[0], "partition" | "crash" | "pause") {
        return Err(problem(
            format!("{path}.for"),
            "`for` applies only to partition, crash and pause",
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
struct Targets<'a> {
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

    /// A server: a restarted client would start its operations, and their ids, over.
    fn server(&self, spec: &TargetSpec, field: &str) -> Result<Target, Problem> {
        let target = self.any(spec, field)?;
        match target {
            Target::Node(n) if n as usize >= self.servers => Err(problem(
                format!("{}.{field}", self.path),
                format!(
                    "node {n} is a client; only servers (0 to {}) crash and restart (pause a client instead)",
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

fn action_names(entry: &ScheduleEntry) -> Vec<&'static str> {
    [
        ("partition", entry.partition.is_some()),
        ("heal", entry.heal.is_some()),
        ("crash", entry.crash.is_some()),
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

fn check_partition_nodes(
    shape: &PartitionShape,
    path: &str,
    node_count: usize,
) -> Result<(), Problem> {
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

/// Writes an applied fault back as a schedule entry (the shrinker's and the trace
/// header's form). Crash and pause lose their `for`: the World recorded the restart
/// or resume it caused as a fault of its own.
pub fn entry_from_applied(applied: &AppliedFault) -> ScheduleEntry {
    let mut entry = ScheduleEntry {
        at: Duration(applied.at_ns),
        ..ScheduleEntry::default()
    };
    let spec = |t: &Target| Some(TargetSpec(t.clone()));
    match &applied.action {
        FaultAction::Partition(shape) => entry.partition = Some(PartitionSpec(shape.clone())),
        FaultAction::Heal => entry.heal = Some(true),
        FaultAction::Crash { target, .. } => entry.crash = spec(target),
        FaultAction::Restart(target) => entry.restart = spec(target),
        FaultAction::Pause { target, .. } => entry.pause = spec(target),
        FaultAction::Resume(target) => entry.resume = spec(target),
        FaultAction::ClockJump { target, by_ns } => {
            entry.clock_jump = Some(crate::duration::SignedDuration(*by_ns));
            entry.node = spec(target);
        }
        FaultAction::ClockDrift { target, drift_ppm } => {
            entry.clock_drift_ppm = Some(*drift_ppm);
            entry.node = spec(target);
        }
        FaultAction::RecoverAll => entry.recover_all = Some(true),
    }
    entry
}

#[cfg(test)]
mod tests {
    use super::*;

    fn random_section(text: &str) -> Result<NemesisConfig, Problem> {
        nemesis_of(&serde_json::from_str::<RandomSection>(text).unwrap())
    }

    #[test]
    fn a_pause_role_is_a_role_name_with_a_probability() {
        let config = random_section(r#"{"pause_every": "1s", "pause_role": "holder"}"#);
        let config = config.ok().expect("valid");
        assert_eq!(config.pause_role.as_deref(), Some("holder"));
        assert_eq!(config.pause_role_bias, 0.5);
        let err = random_section(r#"{"pause_role_bias": 0.5}"#).err().unwrap();
        assert_eq!(err.path, "faults.random.pause_role_bias");
        let err = random_section(r#"{"pause_role": "Holder!"}"#)
            .err()
            .unwrap();
        assert_eq!(err.path, "faults.random.pause_role");
        let err = random_section(r#"{"pause_role": "holder", "pause_role_bias": 2}"#);
        let err = err.err().unwrap();
        assert!(err.message.contains("probability"), "{}", err.message);
        let plain = random_section(r#"{"pause_every": "1s"}"#)
            .ok()
            .expect("valid");
        assert_eq!(plain.pause_role, None);
    }
}
