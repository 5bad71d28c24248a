//! `faultline shrink TRACE -o MINIMAL.json`: from a failing trace to a small scenario
//! file that fails the same way with `faultline run`.

use crate::app::App;
use crate::exit::{usage_error, Exit};
use crate::files::{self, check_replaceable, write_output, Destination};
use crate::output::errln;
use crate::progress::Progress;
use crate::replay_cmd::load_trace;
use crate::report::{write_report, REPORT_HEAD};
use clap::Args;
use faultline_harness::readable_json::to_readable_json;
use faultline_harness::shrink::{shrink, ShrinkObserver, ShrinkResult, Size};
use faultline_harness::{run, RunOptions, Scenario, ScenarioFile};
use faultline_sim::time::format_nanos;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Args, Debug)]
pub struct ShrinkArgs {
    /// The trace of a failing run (from `faultline run --trace` or `faultline fuzz`;
    /// `-`: stdin).
    pub trace: PathBuf,
    /// Where to write the minimal scenario (`-`: stdout, and the report goes to
    /// stderr). Written before anything is printed; a regular file holds the
    /// unshrunk failing scenario until shrinking ends.
    #[arg(short = 'o', long = "output", value_name = "MINIMAL.json")]
    pub output: PathBuf,
    /// Stop searching after this long and keep the smallest failing scenario so far.
    #[arg(long, default_value = "60s", value_parser = parse_budget)]
    pub time_budget: Duration,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
    /// A note to open the description with (what broke, which fix), for a
    /// regression corpus.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// Where to write the HTML report of the minimal run. Default: beside a file
    /// output, with `.html` for its extension (none when the output is stdout).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

impl ShrinkArgs {
    /// The report's path: the one asked for, or beside a file output.
    fn report_path(&self) -> Option<PathBuf> {
        if self.report.is_some() {
            return self.report.clone();
        }
        (!files::is_stdout(&self.output)).then(|| self.output.with_extension("html"))
    }
}

fn parse_budget(text: &str) -> Result<Duration, String> {
    let nanos = faultline_harness::duration::parse_signed(text)?;
    u64::try_from(nanos)
        .map(Duration::from_nanos)
        .map_err(|_| "expected a positive duration".into())
}

struct Watch {
    started: Instant,
    budget: Duration,
    progress: Progress,
    last_size: Option<Size>,
}

impl ShrinkObserver for Watch {
    fn on_attempt(&mut self, attempts: u32, current: &Size, accepted: bool) {
        // Only a smaller size is news (rounding a time keeps the size).
        let smaller = self.last_size.as_ref().is_none_or(|last| {
            (last.faults, last.ops, last.clients, last.nodes)
                != (current.faults, current.ops, current.clients, current.nodes)
        });
        if accepted && smaller {
            self.last_size = Some(current.clone());
            self.progress.println(&format!(
                "  run {attempts}: still fails with {} faults, {} ops, {} clients, {} nodes, {}",
                current.faults,
                current.ops,
                current.clients,
                current.nodes,
                format_nanos(current.sim_time_ns)
            ));
        }
        self.progress.advance(1, 0);
    }

    fn should_stop(&self) -> bool {
        self.started.elapsed() >= self.budget
    }
}

pub fn shrink_command(app: &App, args: &ShrinkArgs) -> Result<i32, Exit> {
    refuse_existing(&args.output, args.force).map_err(usage_error)?;
    if let Some(report) = args.report_path() {
        check_replaceable(&report, args.force, REPORT_HEAD).map_err(usage_error)?;
    }
    let (trace, name) = load_trace(app, &args.trace)?;
    let mut original = trace.header.scenario.clone();
    original.seed = trace.header.seed;
    let stdout_taken = files::is_stdout(&args.output);
    let checkpoint = match Destination::of(&args.output, true).map_err(usage_error)? {
        Destination::Regular { real } => Some(real),
        _ => None,
    };
    if checkpoint.is_some() {
        // Written before anything is printed: whatever ends the command early (a
        // closed pipe on stderr, Ctrl-C), the output holds a scenario that fails.
        let unshrunk = unshrunk_scenario(app, &original, &name);
        write_output(&args.output, &to_readable_json(&unshrunk)).map_err(usage_error)?;
    }
    let mut watch = Watch {
        started: Instant::now(),
        budget: args.time_budget,
        progress: Progress::spinner("candidate runs"),
        last_size: None,
    };
    errln!("shrinking {name} (seed {}) ...", original.seed);
    let result = shrink(&original, &app.registry, &mut watch).map_err(|e| {
        // Nothing to shrink (the run passes): no file claims it fails.
        if let Some(real) = &checkpoint {
            let _ = std::fs::remove_file(real);
        }
        Exit::input(e)
    })?;
    watch.progress.finish();
    let minimal = minimal_scenario(app, args, &original, &name, &result);
    write_output(&args.output, &to_readable_json(&minimal)).map_err(usage_error)?;
    let page = args
        .report_path()
        .map(|path| write_minimal_report(app, &path, args.force, minimal, &name));
    let mut report = shrink_report(app, args, &result, watch.started.elapsed());
    report += &page.unwrap_or_default();
    files::print_report(&report, stdout_taken);
    Ok(0)
}

/// Runs the minimal scenario with its trace kept and writes its HTML report to
/// `path`; says what it wrote, or why it could not (the scenario is written already).
fn write_minimal_report(
    app: &App,
    path: &Path,
    force: bool,
    minimal: ScenarioFile,
    name: &str,
) -> String {
    let written = Scenario::from_file_named(minimal, name, &app.registry)
        .map_err(anyhow::Error::new)
        .and_then(|scenario| {
            let traced = run(&scenario, &RunOptions::traced())?;
            write_report(path, force, &scenario, &traced)
        });
    match written {
        Ok(()) => format!("wrote the minimal run's report to {}\n", path.display()),
        Err(e) => format!("report not written: {e:#}\n"),
    }
}

/// Refuses an existing regular file unless `force`; a device, a FIFO or a stream
/// is written as it is.
fn refuse_existing(output: &Path, force: bool) -> anyhow::Result<()> {
    let destination = Destination::of(output, true)?;
    if let Destination::Regular { real } = destination {
        if real.exists() && !force {
            anyhow::bail!(
                "{}: exists; refusing to overwrite it (pass --force to replace it)",
                output.display()
            );
        }
    }
    Ok(())
}

/// The trace's whole scenario, written first and replaced when shrinking ends.
fn unshrunk_scenario(app: &App, original: &ScenarioFile, name: &str) -> ScenarioFile {
    let mut unshrunk = original.clone();
    unshrunk.description = format!(
        "Not shrunk: `{}` stopped before it finished. This is the whole failing scenario of {name} \
            (seed {}).",
        app.command(["shrink"]),
        original.seed
    );
    unshrunk
}

/// The shrunk scenario, named and described for a regression corpus.
fn minimal_scenario(
    app: &App,
    args: &ShrinkArgs,
    original: &ScenarioFile,
    name: &str,
    result: &ShrinkResult,
) -> ScenarioFile {
    let mut minimal = result.minimal.clone();
    minimal.name = format!("{}-shrunk", original.name);
    let note = args
        .note
        .as_ref()
        .map_or(String::new(), |n| format!("{n} "));
    minimal.description = format!(
        "{note}Shrunk by `{}` from {name} (seed {}). Reproduces {} {}: {}",
        app.command(["shrink"]),
        original.seed,
        result.signature.verdict.label(),
        result.signature.property,
        result.detail
    );
    minimal
}

/// What shrinking did, for a person: sizes before and after, and how to run the
/// result.
fn shrink_report(app: &App, args: &ShrinkArgs, result: &ShrinkResult, elapsed: Duration) -> String {
    let (b, a) = (&result.before, &result.after);
    let mut text = format!(
        "shrunk in {:.1}s over {} runs{}:\n",
        elapsed.as_secs_f64(),
        result.attempts,
        if elapsed >= args.time_budget {
            " (time budget reached)"
        } else {
            ""
        }
    );
    text += &format!("  faults      {:>8} -> {}\n", b.faults, a.faults);
    text += &format!("  operations  {:>8} -> {}\n", b.ops, a.ops);
    text += &format!("  clients     {:>8} -> {}\n", b.clients, a.clients);
    text += &format!("  nodes       {:>8} -> {}\n", b.nodes, a.nodes);
    text += &format!(
        "  sim time    {:>8} -> {}\n",
        format_nanos(b.sim_time_ns),
        format_nanos(a.sim_time_ns)
    );
    text += &format!("  events      {:>8} -> {}\n", b.events, a.events);
    if !result.explicit {
        text += "  (the explicit fault timeline did not reproduce; the random nemesis was kept)\n";
    }
    if files::is_stdout(&args.output) {
        text += "wrote the minimal scenario to stdout\n";
    } else {
        text += &format!(
            "wrote {} — it fails with: {}\n",
            args.output.display(),
            app.command(["run".as_ref(), args.output.as_os_str()])
        );
    }
    text
}
