//! `faultline fuzz SCENARIO --seeds A..B`: many seeds, all cores, a reproducer for
//! every failure, and a campaign that can be stopped and resumed.
//!
//! Each simulation stays single-threaded; rayon spreads seeds over `--jobs` threads.
//! Seeds run in fixed batches in order (see `campaign`), so the failures found do not
//! depend on the job count, and the seeds run before a stop (the first failure, the
//! time budget, SIGINT or SIGTERM) are a prefix of the shard: the summary prints the
//! command that runs the rest. Every failing seed is re-run with its trace kept and
//! written under `--out`, named by scenario, property and seed, with the command that
//! replays it.
//!
//! The parts: [`preflight`] checks every output before any seed runs, [`runner`] runs
//! the batches, [`failure`] records and prints each failure as it is found,
//! [`summary`] prints the totals, the [`coverage`] of declared situations and the
//! resume command, [`junit`] writes the report CI systems read.

mod coverage;
mod failure;
mod guided;
mod junit;
mod preflight;
mod runner;
mod summary;

use crate::app::App;
use crate::exit::{usage_error, Exit};
use crate::files::write_atomically;
use crate::interrupt::Interrupts;
use crate::run_cmd::{load_scenario, FaultFlags};
use clap::Args;
use faultline_harness::duration::Duration;
use faultline_harness::seeds::{SeedRange, Shard};
use std::path::PathBuf;

/// What `fuzz --help` says after the options.
const AFTER_HELP: &str = "\
Output: results (each failure with its trace, replay, shrink and reproduce commands; the
summary; the command that resumes a campaign stopped early) go to stdout; progress and
diagnostics go to stderr.

Stopping early: the time budget and SIGINT/SIGTERM stop drawing new batches of seeds;
the summary and the JUnit report then list the seeds not run and the resume command
(`--seeds NEXT..B` with the same shard and flags). A second signal exits at once.

Exit codes:
  0    every seed run passed (with --require-complete: and every planned seed ran)
  1    a property failed (a seed's, or never_reached: a situation the scenario
       requires in checks.reached that no seed of a whole campaign of 100 or more
       seeds reached)
  2    only stuck or unknown seeds; or --require-complete and seeds were left unrun
  3    bad input or usage (with --json: a line {\"error\": ..., \"exit\": 3} on stdout)
  130  stopped by SIGINT (Ctrl-C), after writing the summary and the JUnit report
  143  stopped by SIGTERM, likewise
The JUnit report has a failing test case exactly when the exit code is not 0.";

#[derive(Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct FuzzArgs {
    /// Scenario file to fuzz.
    pub scenario: PathBuf,
    /// Seeds to run, `A..B`: from A up to B, B excluded (`0..1000` is 1000 seeds).
    /// A bare number is refused as ambiguous.
    #[arg(long, value_parser = SeedRange::parse)]
    pub seeds: SeedRange,
    /// Threads, at least 1 (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = parse_jobs)]
    pub jobs: Option<usize>,
    /// Run only shard K of N (`K/N`, 0-based): every N-th seed from the K-th.
    #[arg(long, value_parser = Shard::parse)]
    pub shard: Option<Shard>,
    /// The seed also decides which fault kinds are on and how hard.
    #[arg(long)]
    pub swarm: bool,
    /// Guided fuzzing: keep runs that reach rare situations or new combinations of
    /// them and mutate their explicit form (faults, script, timing, seed) besides
    /// running fresh seeds. The range's length is the number of runs; fresh runs take
    /// its seeds in order and its start seeds the mutations. Not with --shard.
    #[arg(long, conflicts_with = "shard")]
    pub guided: bool,
    /// Let the random faults go beyond what the protocol declares it survives; each
    /// failure's detail then says it was outside the protocol's fault model.
    #[arg(long)]
    pub beyond_model: bool,
    /// Switch on a named bug (repeatable).
    #[arg(long = "bug", value_name = "NAME")]
    pub bugs: Vec<String>,
    /// Stop drawing new seeds after this long (e.g. `50m`); the summary reports the
    /// seeds not run and the command that runs them.
    #[arg(long, value_parser = parse_budget)]
    pub time_budget: Option<Duration>,
    /// Exit 2 (and fail the JUnit campaign test case) when the campaign stopped before
    /// running every seed: the time budget, a signal, or the first failure without
    /// --keep-going. Without it, a campaign cut short by the time budget exits 0 if
    /// every seed it ran passed.
    #[arg(long)]
    pub require_complete: bool,
    /// Keep going after a failure (default: stop at the first failing batch).
    #[arg(long)]
    pub keep_going: bool,
    /// Where failure traces go (created if missing; checked before any seed runs).
    #[arg(long, default_value = "traces/failures")]
    pub out: PathBuf,
    /// Write traces for at most this many failures (the first ones, in seed order);
    /// later failures are still reported, with the command that reproduces them.
    #[arg(long, default_value_t = DEFAULT_MAX_TRACES, value_name = "N")]
    pub max_traces: usize,
    /// Write JUnit XML here, for CI systems: one test case per failing seed and one
    /// for the campaign. Checked before any seed runs.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Replace output files (the JUnit report, traces) even if faultline did not
    /// write them.
    #[arg(long)]
    pub force: bool,
    /// One JSON line per failure and one summary line on stdout; errors are a JSON
    /// line too (`{"error": ..., "exit": 3}` on stdout).
    #[arg(long)]
    pub json: bool,
}

/// Traces written by default before later failures are only listed.
const DEFAULT_MAX_TRACES: usize = 20;

fn parse_budget(text: &str) -> Result<Duration, String> {
    let nanos = faultline_harness::duration::parse_signed(text)?;
    u64::try_from(nanos)
        .map(Duration)
        .map_err(|_| "expected a positive duration".into())
}

/// The most threads `--jobs` may ask for: more than any machine's cores, few
/// enough that a typo (`--jobs 99999999`) is refused rather than starting a
/// thread per unit until the system runs out of memory.
const JOBS_MAX: usize = 1024;

/// `--jobs` of `fuzz` and `test`: 1 to [`JOBS_MAX`] threads.
pub(crate) fn parse_jobs(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("expected at least 1 thread (leave --jobs out to use all cores)".into()),
        Ok(jobs) if jobs > JOBS_MAX => Err(format!(
            "expected at most {JOBS_MAX} threads (leave --jobs out to use all cores)"
        )),
        Ok(jobs) => Ok(jobs),
        Err(_) => Err(format!("`{text}` is not a number of threads")),
    }
}

impl FuzzArgs {
    /// The shard this run covers (the whole range without `--shard`).
    fn shard(&self) -> Shard {
        self.shard.unwrap_or(Shard::ALL)
    }
}

pub fn fuzz_command(app: &App, args: &FuzzArgs) -> Result<i32, Exit> {
    let flags = FaultFlags {
        swarm: args.swarm,
        beyond_model: args.beyond_model,
    };
    let (scenario, _) = load_scenario(app, Some(&args.scenario), None, &args.bugs, flags)?;
    preflight::check_outputs(args).map_err(usage_error)?;
    let interrupts = Interrupts::install().map_err(usage_error)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .map_err(|e| usage_error(e.into()))?;
    let report = if args.guided {
        guided::run_guided_campaign(app, &scenario, args, &pool, &interrupts)?
    } else {
        runner::run_campaign(app, &scenario, args, &pool, &interrupts)?
    };
    let resume = summary::resume_command(app, args, &report);
    summary::print(&scenario, args, &report, resume.as_deref());
    if let Some(path) = &args.junit {
        let xml = junit::render(&scenario, args, &report, resume.as_deref());
        write_atomically(path, &xml).map_err(usage_error)?;
    }
    Ok(report.exit_code(args.require_complete))
}
