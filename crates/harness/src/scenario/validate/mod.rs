//! Validation: a parsed [`ScenarioFile`] becomes a typed [`Scenario`], or an
//! [`InputError`] that names file, line, column, field path and what was expected.
//!
//! Parsing happens once, here; everything downstream works with nanoseconds, resolved
//! protocol names and kernel fault actions, never with strings. The rules live by
//! concern: `times` (limits, scripts inside the run), `protocol` (nodes, options,
//! bugs, roles, the expected property), `workload`, `network`, `disk`, `schedule`
//! (explicit faults), `random` (the nemesis), `triggers` (faults the run sets off)
//! and `checks` (optional checks such as
//! availability).

mod checks;
mod disk;
mod network;
pub(crate) mod protocol;
mod random;
mod schedule;
mod times;
mod triggers;
mod workload;

pub use super::from_applied::entry_from_applied;
pub use disk::{DiskErrors, SlowFsync};

use crate::error::InputError;
use crate::registry::{ProtocolInfo, Registry};
use crate::scenario::file::*;
use crate::scenario::locate::locate;
use faultline_api::{Bugs, Setup, Workload};
use faultline_sim::disk::UnsyncedOnCrash;
use faultline_sim::nemesis::NemesisConfig;
use faultline_sim::{FaultAction, Nanos, NetworkConfig};
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
    /// Slow fsyncs (`disk.slow_fsync`), if any.
    pub slow_fsync: Option<SlowFsync>,
    /// Fsyncs that fail (`disk.fsync_errors`), if any.
    pub fsync_errors: Option<DiskErrors>,
    /// Records found corrupt at restarts (`disk.corrupt_on_restart`), if any.
    pub corrupt_on_restart: Option<DiskErrors>,
    /// Explicit faults, in file order.
    pub schedule: Vec<(Nanos, FaultAction)>,
    pub nemesis: Option<NemesisConfig>,
    /// Faults the run sets off (`faults.triggers`), in file order.
    pub triggers: Vec<crate::triggers::TriggerSpec>,
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
    /// Availability mode (`checks.availability`): once the faults healed, every client
    /// operation completes within this long.
    pub availability_ns: Option<Nanos>,
    /// `checks.down_for_good` (or `leader_down`): the role whose next holder
    /// crashes for good one availability bound after the end of the faults.
    pub down_for_good: Option<String>,
    /// `checks.reached`: the declared situations a campaign must reach.
    pub required_situations: Vec<&'static str>,
}

/// Collects where a rule broke, to locate it in the source afterwards.
pub(super) struct Problem {
    pub(super) path: String,
    pub(super) message: String,
}

pub(super) fn problem(path: impl Into<String>, message: impl Into<String>) -> Problem {
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
        let info = registry
            .get(&file.protocol.kind)
            .cloned()
            .ok_or_else(|| unknown_protocol(&file.protocol.kind, registry))?;
        times::check_time_limits(&file)?;
        times::script_within_run(&file)?;
        let servers = protocol::validate_nodes(&file)?;
        let options = protocol::validate_options(&file, &info)?;
        let workload = info
            .has_clients
            .then(|| workload::workload_of(&file, &info))
            .transpose()?;
        let node_count = servers + workload.as_ref().map_or(0, |w| w.clients);
        let schedule = schedule::schedule_of(&file, node_count, servers)?;
        let end_ns = file.duration.0.saturating_add(file.quiet.0);
        protocol::validate_bugs(&file, &info)?;
        protocol::validate_crash_points(&file, &info)?;
        protocol::validate_expected_property(&file, &info)?;
        let availability_ns = checks::availability_of(&file, &info)?;
        let down_for_good = checks::down_for_good_of(&file)?;
        let required_situations = checks::required_situations_of(&file, &info)?;
        let scenario = Scenario {
            info,
            servers,
            options,
            network: network::network_of(&file.network, node_count, end_ns)?,
            unsynced_on_crash: match file.disk.unsynced_on_crash {
                UnsyncedName::Lost => UnsyncedOnCrash::Lost,
                UnsyncedName::Torn => UnsyncedOnCrash::Torn,
            },
            slow_fsync: disk::slow_fsync_of(&file.disk, node_count, servers)?,
            fsync_errors: disk::disk_errors_of(
                "fsync_errors",
                file.disk.fsync_errors.as_ref(),
                node_count,
                servers,
            )?,
            corrupt_on_restart: disk::disk_errors_of(
                "corrupt_on_restart",
                file.disk.corrupt_on_restart.as_ref(),
                node_count,
                servers,
            )?,
            schedule,
            nemesis: random::nemesis_of_faults(&file.faults, servers, node_count)?,
            triggers: triggers::triggers_of(&file.faults)?,
            swarm: file.faults.swarm,
            beyond_model: file.faults.beyond_model,
            workload,
            duration_ns: file.duration.0,
            quiet_ns: file.quiet.0,
            seed: file.seed,
            bugs: file.bugs.clone(),
            expect: file.expect.clone(),
            availability_ns,
            down_for_good,
            required_situations,
            file,
        };
        protocol::check_setup(&scenario)?;
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
/// Anything after the scenario's object but whitespace is refused (a second
/// object pasted below the first would otherwise be ignored without a word).
pub fn parse_file(source: &str, file_name: &str) -> Result<ScenarioFile, InputError> {
    check_top_level(source, file_name)?;
    let deserializer = &mut serde_json::Deserializer::from_str(source);
    let file = serde_path_to_error::deserialize(&mut *deserializer).map_err(|err| {
        let path = err.path().to_string().replace(".?", "").replace('?', "");
        let inner = err.into_inner();
        input_error(file_name, &inner, path)
    })?;
    deserializer.end().map_err(|err| InputError {
        message: "text after the scenario's closing brace: expected one scenario object \
                  per file"
            .into(),
        ..input_error(file_name, &err, String::new())
    })?;
    Ok(file)
}

/// A protocol `registry` does not have, and the ones it has.
fn unknown_protocol(kind: &str, registry: &Registry) -> Problem {
    problem(
        "protocol.kind",
        format!(
            "unknown protocol `{kind}`; expected one of {} (a protocol of your own runs with \
             the binary that registers it: Registry::builtin().with::<Yours>())",
            registry.names().join(", ")
        ),
    )
}

/// A byte-order mark or a top level other than an object gets words of its own,
/// rather than serde's "expected value" or "expected struct ScenarioFile".
fn check_top_level(source: &str, file_name: &str) -> Result<(), InputError> {
    let at_start = |message: &str| InputError {
        file: file_name.to_string(),
        line: 1,
        column: 1,
        path: String::new(),
        message: message.to_string(),
    };
    if source.starts_with('\u{feff}') {
        let message = "the file starts with a byte-order mark; save it as UTF-8 without one";
        return Err(at_start(message));
    }
    let first = source.trim_start().chars().next();
    if first.is_some_and(|c| c != '{') {
        let (line, column) = position_of_first_non_blank(source);
        return Err(InputError {
            line,
            column,
            ..at_start("expected a scenario: one JSON object, `{ \"protocol\": ... }`")
        });
    }
    Ok(())
}

/// Line and column (1-based) of the first character that is not whitespace.
fn position_of_first_non_blank(source: &str) -> (usize, usize) {
    let blank = source.len() - source.trim_start().len();
    let before = &source[..blank];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn input_error(file_name: &str, err: &serde_json::Error, path: String) -> InputError {
    InputError {
        file: file_name.to_string(),
        line: err.line(),
        column: err.column().max(1),
        path: if path == "." { String::new() } else { path },
        message: strip_position(&err.to_string()),
    }
}

/// serde_json appends " at line L column C"; we print the position ourselves.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}
