//! `faultline replay TRACE`: run a trace's scenario again from its header alone,
//! check the new run is identical event by event, and report the first divergence.
//! `--timeline` prints the run as a readable per-event timeline that explains a
//! failure: node states, faults, client operations and a marker at the violation;
//! `--node`, `--from`/`--to`, `--around-violation` and `--timers` choose what it shows.

use crate::app::App;
use crate::exit::{usage_error, Exit};
use crate::files::read_input;
use crate::output::outln;
use clap::Args;
use faultline_harness::outcome::Outcome;
use faultline_harness::replay::{replay, summary_differences};
use faultline_harness::timeline;
use faultline_harness::trace_file::{self, Trace};
use faultline_sim::time::format_nanos;
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct ReplayArgs {
    /// A trace written by `faultline run --trace` or `faultline fuzz` (`-`: stdin).
    pub trace: PathBuf,
    /// Print the run as a readable timeline: one line per event, faults marked !!,
    /// node states (==) and the violation (>>>) inline.
    #[arg(long)]
    pub timeline: bool,
    /// With --timeline: show timer events too (hidden by default).
    #[arg(long, requires = "timeline")]
    pub timers: bool,
    /// With --timeline: only events on, or messages from, this node (repeatable).
    #[arg(long = "node", value_name = "N", requires = "timeline")]
    pub nodes: Vec<u32>,
    /// With --timeline: only events at or after this simulated time (e.g. 5.2s).
    #[arg(long, value_name = "TIME", value_parser = parse_time_ns, requires = "timeline")]
    pub from: Option<u64>,
    /// With --timeline: only events at or before this simulated time (also `--until`).
    #[arg(long, visible_alias = "until", value_name = "TIME", value_parser = parse_time_ns,
          requires = "timeline")]
    pub to: Option<u64>,
    /// With --timeline: only the DURATION before the violating event (e.g. 300ms).
    #[arg(long, value_name = "DURATION", value_parser = parse_time_ns, requires = "timeline",
          conflicts_with_all = ["from", "to"])]
    pub around_violation: Option<u64>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Exit code when the replay differs from the recording: the run is not reproducible.
const EXIT_DIVERGED: i32 = 2;

pub fn replay_command(app: &App, args: &ReplayArgs) -> Result<i32, Exit> {
    if let (Some(from), Some(to)) = (args.from, args.to) {
        if from > to {
            let (from, to) = (format_nanos(from), format_nanos(to));
            let why = anyhow::anyhow!("--from {from} is after --to {to}: the window is empty");
            return Err(usage_error(why));
        }
    }
    let (trace, name) = load_trace(app, &args.trace)?;
    let report = replay(&trace, &name, &app.registry).map_err(Exit::input)?;
    let outcome = &report.outcome;
    if args.timeline {
        crate::output::emit(&explained_timeline(outcome, args));
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

/// A simulated time or duration such as `5.2s` or `300ms`, in nanoseconds.
fn parse_time_ns(text: &str) -> Result<u64, String> {
    let nanos = faultline_harness::duration::parse_signed(text)?;
    u64::try_from(nanos).map_err(|_| "expected a time of zero or more, like 5.2s".into())
}

/// The replayed run's timeline, filtered as the arguments ask.
fn explained_timeline(outcome: &Outcome, args: &ReplayArgs) -> String {
    let events = outcome.trace.as_deref().unwrap_or_default();
    let view = timeline_of(outcome);
    let mut filter = timeline::Filter {
        nodes: args.nodes.clone(),
        from_ns: args.from,
        to_ns: args.to,
        timers: args.timers,
    };
    if let Some(before_ns) = args.around_violation {
        let at_ns = outcome
            .violation_event
            .and_then(|index| timeline::event_time_ns(events, index))
            .unwrap_or(outcome.sim_time_ns);
        filter.from_ns = Some(at_ns.saturating_sub(before_ns));
        filter.to_ns = Some(at_ns);
    }
    timeline::render_explained(&view, &filter)
}

/// The timeline of a run kept with its trace: events, node states and the violation.
pub fn timeline_of(outcome: &Outcome) -> timeline::Timeline<'_> {
    let violation = outcome
        .property
        .as_deref()
        .map(|property| timeline::ViolationMark {
            event: outcome.violation_event,
            property,
            detail: outcome.detail.as_deref().unwrap_or(""),
        });
    timeline::Timeline {
        events: outcome.trace.as_deref().unwrap_or_default(),
        states: &outcome.states,
        violation,
    }
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
        Some(d) if is_summary(d) => {
            outln!(
                "replay of {name}: DIVERGED at the summary line: the {} events are the same, \
                 what the summary records of them is not (the trace was edited, or the code \
                 changed since it was recorded)",
                report.recorded_events
            );
            let (recorded, replayed) = (d.expected.as_ref(), d.got.as_ref());
            let differences = recorded
                .zip(replayed)
                .map(|(r, g)| summary_differences(r, g));
            for (key, recorded, replayed) in differences.unwrap_or_default() {
                outln!("  {key}: recorded {recorded}, replayed {replayed}");
            }
        }
        Some(d) => {
            outln!(
                "replay of {name}: DIVERGED at event {} (nondeterminism, or the code changed \
                since it was recorded)",
                d.index
            );
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
    let whose = if report.divergence.is_some() {
        "the replayed run's verdict"
    } else {
        "verdict"
    };
    outln!("  {whose}: {}{property}", outcome.verdict.label());
}

/// Whether the divergence is the summary line's (both sides are summaries).
fn is_summary(divergence: &faultline_harness::replay::Divergence) -> bool {
    let summary =
        |v: &Option<serde_json::Value>| v.as_ref().is_some_and(|v| v.get("summary").is_some());
    summary(&divergence.expected) && summary(&divergence.got)
}
