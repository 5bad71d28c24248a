//! `faultline run SCENARIO`: one scenario, one seed, a verdict.
//!
//! Prints a short summary (or one JSON object with `--json`); a failing run always
//! prints its seed and the exact command that reproduces it.

use crate::app::App;
use crate::exit::{usage_error, Exit};
use crate::files::{self, check_replaceable, read_text};
use crate::run_report;
use anyhow::Result;
use clap::Args;
use faultline_harness::scenario::validate::parse_file;
use faultline_harness::{run, trace_file, Outcome, RunOptions, Scenario, ScenarioFile};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args, Debug)]
pub struct RunArgs {
    /// Scenario file (JSON). Without one, runs the embedded default scenario.
    pub scenario: Option<PathBuf>,
    /// Seed to run (default: the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Switch on a named bug (repeatable); see `faultline list bugs`.
    #[arg(long = "bug", value_name = "NAME")]
    pub bugs: Vec<String>,
    /// Let the seed choose which fault kinds are on and how hard.
    #[arg(long)]
    pub swarm: bool,
    /// Let the random faults go beyond what the protocol declares it survives (a
    /// lock's clock-error allowance, say); the verdict then says so.
    #[arg(long)]
    pub beyond_model: bool,
    /// Write the JSON Lines trace here (`-`: stdout, and the summary goes to stderr).
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
    /// Write the client history (JSON Lines, for `faultline check`) here (`-`: stdout).
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
    /// Replace output files even if faultline did not write them.
    #[arg(long)]
    pub force: bool,
    /// Print one JSON object instead of the summary.
    #[arg(long)]
    pub json: bool,
}

/// The command-line switches that change a scenario's faults.
#[derive(Clone, Copy, Debug, Default)]
pub struct FaultFlags {
    /// `--swarm`
    pub swarm: bool,
    /// `--beyond-model`
    pub beyond_model: bool,
}

/// Loads a scenario file (or the default) and applies command-line overrides.
pub fn load_scenario(
    app: &App,
    path: Option<&PathBuf>,
    seed: Option<u64>,
    bugs: &[String],
    faults: FaultFlags,
) -> Result<(Scenario, String), Exit> {
    let (source, name) = match path {
        Some(p) => (read_scenario_text(app, p)?, p.display().to_string()),
        None => {
            let default = app.registry.default_scenario().ok_or_else(|| {
                usage_error(anyhow::anyhow!(
                    "no scenario given, and this build has no default scenario"
                ))
            })?;
            (default.source.to_string(), default.name.to_string())
        }
    };
    let mut file: ScenarioFile = parse_file(&source, &name).map_err(Exit::input)?;
    if let Some(seed) = seed {
        file.seed = seed;
    }
    for bug in bugs {
        if !file.bugs.contains(bug) {
            file.bugs.push(bug.clone());
        }
    }
    file.faults.swarm |= faults.swarm;
    file.faults.beyond_model |= faults.beyond_model;
    // Validate against the source for located errors, then with overrides applied.
    if let Err(e) = Scenario::parse(&source, &name, &app.registry) {
        // Disk errors outside the protocol's model: `--beyond-model` allows them.
        let disk_errors = ["disk.fsync_errors", "disk.corrupt_on_restart"];
        if !(faults.beyond_model && disk_errors.contains(&e.path.as_str())) {
            return Err(Exit::input(e));
        }
    }
    let scenario = Scenario::from_file_named(file, &name, &app.registry).map_err(|mut e| {
        if e.path.starts_with("bugs") {
            e.path = "--bug".into();
        }
        Exit::input(e)
    })?;
    Ok((scenario, name))
}

/// Reads a scenario file; a trace given instead is named as one, with the command
/// that replays it.
fn read_scenario_text(app: &App, path: &std::path::Path) -> Result<String, Exit> {
    let text = read_text(path).map_err(usage_error)?;
    if trace_file::looks_like_trace(&text) {
        return Err(usage_error(anyhow::anyhow!(
            "{}: is a faultline trace, not a scenario; to run it again: {}",
            path.display(),
            app.command(["replay".as_ref(), path.as_os_str()])
        )));
    }
    Ok(text)
}

/// The command line that reproduces a run of `scenario`.
pub fn repro_command(app: &App, path: Option<&PathBuf>, scenario: &Scenario) -> String {
    app.command(run_report::run_words(path, scenario))
}

pub fn run_command(app: &App, args: &RunArgs) -> Result<i32, Exit> {
    let (scenario, _) = load_scenario(
        app,
        args.scenario.as_ref(),
        args.seed,
        &args.bugs,
        FaultFlags {
            swarm: args.swarm,
            beyond_model: args.beyond_model,
        },
    )?;
    files::refuse_shared_outputs(&[
        ("--trace", args.trace.as_deref()),
        ("--history", args.history.as_deref()),
    ])
    .map_err(usage_error)?;
    if let Some(path) = &args.trace {
        check_replaceable(path, args.force, trace_file::HEADER_START).map_err(usage_error)?;
    }
    if let Some(path) = &args.history {
        check_replaceable(path, args.force, "{\"process\"").map_err(usage_error)?;
    }
    let options = RunOptions {
        keep_trace: args.trace.is_some(),
        keep_history: args.history.is_some(),
    };
    let started = Instant::now();
    let outcome = run(&scenario, &options).map_err(Exit::input)?;
    let wall_ns = started.elapsed().as_nanos() as u64;
    let mut outputs = Vec::new();
    if let Some(path) = &args.trace {
        outputs.push((path.as_path(), trace_file::render(&scenario.file, &outcome)));
    }
    if let Some(path) = &args.history {
        outputs.push((path.as_path(), history_jsonl(&outcome)));
    }
    files::write_outputs(&outputs).map_err(usage_error)?;
    let stdout_taken = outputs.iter().any(|(path, _)| files::is_stdout(path));
    let repro = repro_command(app, args.scenario.as_ref(), &scenario);
    if args.json {
        files::print_report(
            &format!(
                "{}\n",
                run_report::json(&scenario, &outcome, wall_ns, &repro, args.trace.as_ref())
            ),
            stdout_taken,
        );
    } else {
        files::print_report(
            &run_report::text(
                app,
                args.scenario.as_ref(),
                &scenario,
                &outcome,
                wall_ns,
                &repro,
                args.trace.as_ref(),
            ),
            stdout_taken,
        );
    }
    Ok(outcome.verdict.exit_code())
}

/// One JSON line per client event, with its true time last (`"time_ns"`; readers of
/// the format ignore fields they do not know).
fn history_jsonl(outcome: &Outcome) -> String {
    let mut text = String::new();
    for event in &outcome.history {
        let json = serde_json::to_string(&event.value).expect("serialisable");
        let fields = json.strip_suffix('}').expect("an object");
        text.push_str(&format!("{fields},\"time_ns\":{}}}\n", event.time_ns));
    }
    text
}
