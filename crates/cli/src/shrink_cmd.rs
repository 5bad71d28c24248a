//! `faultline shrink TRACE -o MINIMAL.json`: from a failing trace to a small scenario
//! file that fails the same way with `faultline run`.

use crate::app::App;
use crate::exit::{usage_error, Exit};
use crate::files::{read_text, write_atomically};
use crate::output::{errln, outln};
use crate::progress::Progress;
use clap::Args;
use faultline_harness::readable_json::to_readable_json;
use faultline_harness::shrink::{shrink, ShrinkObserver, Size};
use faultline_harness::trace_file;
use faultline_sim::time::format_nanos;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Args, Debug)]
pub struct ShrinkArgs {
    /// The trace of a failing run (from `faultline run --trace` or `faultline fuzz`).
    pub trace: PathBuf,
    /// Where to write the minimal scenario.
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
    if args.output.exists() && !args.force {
        return Err(usage_error(anyhow::anyhow!(
            "{}: exists; refusing to overwrite it (pass --force to replace it)",
            args.output.display()
        )));
    }
    let name = args.trace.display().to_string();
    let trace = trace_file::parse(&read_text(&args.trace).map_err(usage_error)?, &name)
        .map_err(Exit::input)?;
    let mut original = trace.header.scenario.clone();
    original.seed = trace.header.seed;
    let mut watch = Watch {
        started: Instant::now(),
        budget: args.time_budget,
        progress: Progress::spinner("candidate runs"),
        last_size: None,
    };
    errln!("shrinking {name} (seed {}) ...", original.seed);
    let result = shrink(&original, &app.registry, &mut watch).map_err(Exit::input)?;
    watch.progress.finish();
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
    let text = to_readable_json(&minimal);
    write_atomically(&args.output, &text).map_err(usage_error)?;
    let elapsed = watch.started.elapsed();
    let (b, a) = (&result.before, &result.after);
    outln!(
        "shrunk in {:.1}s over {} runs{}:",
        elapsed.as_secs_f64(),
        result.attempts,
        if elapsed >= args.time_budget {
            " (time budget reached)"
        } else {
            ""
        }
    );
    outln!("  faults      {:>8} -> {}", b.faults, a.faults);
    outln!("  operations  {:>8} -> {}", b.ops, a.ops);
    outln!("  clients     {:>8} -> {}", b.clients, a.clients);
    outln!("  nodes       {:>8} -> {}", b.nodes, a.nodes);
    outln!(
        "  sim time    {:>8} -> {}",
        format_nanos(b.sim_time_ns),
        format_nanos(a.sim_time_ns)
    );
    outln!("  events      {:>8} -> {}", b.events, a.events);
    if !result.explicit {
        outln!("  (the explicit fault timeline did not reproduce; the random nemesis was kept)");
    }
    outln!(
        "wrote {} — it fails with: {}",
        args.output.display(),
        app.command(["run".as_ref(), args.output.as_os_str()])
    );
    Ok(0)
}
