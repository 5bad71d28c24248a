//! `faultline replay TRACE`: run a trace's scenario again from its header alone,
//! check the new run is identical event by event, and report the first divergence.
//! `--timeline` prints the run as a readable per-event timeline.

use crate::app::App;
use crate::exit::{usage_error, Exit};
use crate::files::read_input;
use crate::output::outln;
use clap::Args;
use faultline_harness::replay::replay;
use faultline_harness::timeline;
use faultline_harness::trace_file::{self, Trace};
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct ReplayArgs {
    /// A trace written by `faultline run --trace` or `faultline fuzz` (`-`: stdin).
    pub trace: PathBuf,
    /// Print every event as a readable timeline (faults marked with !!).
    #[arg(long)]
    pub timeline: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Exit code when the replay differs from the recording: the run is not reproducible.
const EXIT_DIVERGED: i32 = 2;

pub fn replay_command(app: &App, args: &ReplayArgs) -> Result<i32, Exit> {
    let (trace, name) = load_trace(app, &args.trace)?;
    let report = replay(&trace, &name, &app.registry).map_err(Exit::input)?;
    let outcome = &report.outcome;
    if args.timeline {
        crate::output::emit(&timeline::render(
            outcome.trace.as_deref().unwrap_or_default(),
        ));
    }
    if args.json {
        let divergence = report
            .divergence
            .as_ref()
            .map(|d| serde_json::json!({ "index": d.index, "expected": d.expected, "got": d.got }));
        let object = serde_json::json!({
            "identical": report.divergence.is_none(),
            "divergence": divergence,
            "verdict": outcome.verdict,
            "property": outcome.property,
            "seed": outcome.seed,
            "events": outcome.events,
            "sim_time_ns": outcome.sim_time_ns,
            "trace_hash": outcome.trace_hash_hex(),
            "recorded_trace_hash": report.recorded_hash,
        });
        outln!("{object}");
    } else {
        print_report(&report, &name);
    }
    if report.divergence.is_some() {
        return Ok(EXIT_DIVERGED);
    }
    Ok(outcome.verdict.exit_code())
}

/// Reads and parses the trace at `path` (`-`: stdin) and the name to report it by.
/// A scenario file given instead is named as one, with the command that runs it.
pub fn load_trace(app: &App, path: &Path) -> Result<(Trace, String), Exit> {
    let name = if path.as_os_str() == "-" {
        "stdin".to_string()
    } else {
        path.display().to_string()
    };
    let text = read_input(path).map_err(usage_error)?;
    if !trace_file::looks_like_trace(&text) && trace_file::looks_like_scenario(&text) {
        return Err(usage_error(anyhow::anyhow!(
            "{name}: is a scenario file, not a trace; to run it: {}",
            app.command(["run".as_ref(), path.as_os_str()])
        )));
    }
    let trace = trace_file::parse(&text, &name).map_err(Exit::input)?;
    Ok((trace, name))
}

fn print_report(report: &faultline_harness::replay::ReplayReport, name: &str) {
    let outcome = &report.outcome;
    match &report.divergence {
        None => outln!(
            "replay of {name}: identical ({} events, trace hash {})",
            report.recorded_events,
            outcome.trace_hash_hex()
        ),
        Some(d) => {
            outln!("replay of {name}: DIVERGED at event {} (nondeterminism, or the code changed since it was recorded)", d.index);
            let show = |v: &Option<serde_json::Value>| {
                v.as_ref().map_or("(no event)".to_string(), timeline::line)
            };
            outln!("  expected: {}", show(&d.expected));
            outln!("  got:      {}", show(&d.got));
        }
    }
    let property = outcome
        .property
        .as_ref()
        .map(|p| format!(" — {p}: {}", outcome.detail.as_deref().unwrap_or("")))
        .unwrap_or_default();
    outln!("  verdict: {}{property}", outcome.verdict.label());
}
