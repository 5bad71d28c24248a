//! `faultline fuzz SCENARIO --seeds A..B`: many seeds, all cores, a reproducer for
//! every failure.
//!
//! Each simulation stays single-threaded; rayon spreads seeds over `--jobs` threads.
//! Seeds run in fixed batches in order (see `campaign`), so the failures found do not
//! depend on the job count. Every failing seed is re-run with its trace kept and
//! written under `--out`, named by scenario, property and seed, with the command that
//! replays it.

use crate::app::App;
use crate::exit::{usage_error, Exit};
use crate::files::write_atomically;
use crate::output::{errln, outln};
use crate::progress::Progress;
use crate::run_cmd::{load_scenario, repro_command};
use clap::Args;
use faultline_harness::campaign::{failure_file_name, run_seed, with_seed, Tally, BATCH_SEEDS};
use faultline_harness::seeds::{SeedRange, Shard};
use faultline_harness::{run, trace_file, Outcome, RunOptions, Scenario, Verdict};
use rayon::prelude::*;
use serde_json::json;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Args, Debug)]
pub struct FuzzArgs {
    /// Scenario file to fuzz.
    pub scenario: PathBuf,
    /// Seeds to run, `A..B` (B exclusive).
    #[arg(long, value_parser = SeedRange::parse)]
    pub seeds: SeedRange,
    /// Threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Run only shard K of N (`K/N`, 0-based): every N-th seed from the K-th.
    #[arg(long, value_parser = Shard::parse)]
    pub shard: Option<Shard>,
    /// The seed also decides which fault kinds are on and how hard.
    #[arg(long)]
    pub swarm: bool,
    /// Switch on a named bug (repeatable).
    #[arg(long = "bug", value_name = "NAME")]
    pub bugs: Vec<String>,
    /// Stop cleanly after this long (e.g. `60s`) and report the seeds covered.
    #[arg(long, value_parser = parse_budget)]
    pub time_budget: Option<Duration>,
    /// Keep going after a failure (default: stop at the first failing batch).
    #[arg(long)]
    pub keep_going: bool,
    /// Where failure traces go.
    #[arg(long, default_value = "traces/failures")]
    pub out: PathBuf,
    /// Write traces for at most this many failures (the first ones, in seed order);
    /// later failures are still reported, with the command that reproduces them.
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub max_traces: usize,
    /// Write JUnit XML here, for CI systems.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// One JSON line per failure and one summary line on stdout.
    #[arg(long)]
    pub json: bool,
}

fn parse_budget(text: &str) -> Result<Duration, String> {
    let nanos = faultline_harness::duration::parse_signed(text)?;
    u64::try_from(nanos)
        .map(Duration::from_nanos)
        .map_err(|_| "expected a positive duration".into())
}

/// A failing seed and where its trace went (`None` past `--max-traces`).
struct Failure {
    outcome: Outcome,
    trace: Option<PathBuf>,
}

pub fn fuzz_command(app: &App, args: &FuzzArgs) -> Result<i32, Exit> {
    let (scenario, _) = load_scenario(app, Some(&args.scenario), None, &args.bugs, args.swarm)?;
    let seeds = args.seeds.seeds(args.shard.unwrap_or(Shard::ALL));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .map_err(|e| usage_error(e.into()))?;
    let started = Instant::now();
    let mut progress = Progress::new(seeds.len() as u64, "seeds");
    let mut tally = Tally::default();
    let mut failures = Vec::new();
    for batch in seeds.chunks(BATCH_SEEDS) {
        if args
            .time_budget
            .is_some_and(|budget| started.elapsed() >= budget)
        {
            break;
        }
        let outcomes: Vec<Outcome> = pool
            .install(|| {
                batch
                    .par_iter()
                    .map(|&seed| run_seed(&scenario, seed))
                    .collect::<Result<_, _>>()
            })
            .map_err(Exit::input)?;
        for outcome in outcomes {
            tally.add(&outcome);
            if outcome.verdict != Verdict::Pass {
                let failure = if failures.len() < args.max_traces {
                    record_failure(&scenario, args, outcome)?
                } else {
                    Failure {
                        outcome,
                        trace: None,
                    }
                };
                report_failure(app, &scenario, args, &failure, &mut progress);
                failures.push(failure);
            }
        }
        progress.advance(batch.len() as u64, tally.not_passed());
        if !failures.is_empty() && !args.keep_going {
            break;
        }
    }
    progress.finish();
    let wall = started.elapsed();
    summarise(&scenario, args, &tally, wall, seeds.len() as u64);
    if let Some(path) = &args.junit {
        write_atomically(path, &junit_xml(app, &scenario, &tally, &failures, wall))
            .map_err(usage_error)?;
    }
    Ok(tally.exit_code())
}

/// Re-runs a failing seed with its trace kept and writes the trace.
fn record_failure(scenario: &Scenario, args: &FuzzArgs, outcome: Outcome) -> Result<Failure, Exit> {
    let seeded = with_seed(scenario, outcome.seed);
    let traced = run(&seeded, &RunOptions { keep_trace: true }).map_err(Exit::input)?;
    debug_assert_eq!(
        traced.trace_hash, outcome.trace_hash,
        "a seed reruns identically"
    );
    let trace = args.out.join(failure_file_name(scenario, &outcome));
    write_atomically(&trace, &trace_file::render(&seeded.file, &traced)).map_err(usage_error)?;
    Ok(Failure {
        outcome,
        trace: Some(trace),
    })
}

fn report_failure(
    app: &App,
    scenario: &Scenario,
    args: &FuzzArgs,
    failure: &Failure,
    progress: &mut Progress,
) {
    let outcome = &failure.outcome;
    let repro = repro_command(
        app,
        Some(&args.scenario),
        &with_seed(scenario, outcome.seed),
    );
    let trace = failure.trace.as_ref().map(|t| t.display().to_string());
    let replay = |t: &PathBuf| app.command(["replay".as_ref(), t.as_os_str()]);
    let shrink = |t: &PathBuf| {
        app.command([
            "shrink".as_ref(),
            t.as_os_str(),
            "-o".as_ref(),
            "minimal.json".as_ref(),
        ])
    };
    if args.json {
        let line = json!({
            "seed": outcome.seed,
            "verdict": outcome.verdict,
            "property": outcome.property,
            "detail": outcome.detail,
            "trace": trace,
            "repro": repro,
            "replay": failure.trace.as_ref().map(replay),
            "shrink": failure.trace.as_ref().map(shrink),
        });
        outln!("{line}");
        return;
    }
    let headline = format!(
        "{} seed {}: {} — {}",
        outcome.verdict.label(),
        outcome.seed,
        outcome.property.as_deref().unwrap_or("?"),
        outcome.detail.as_deref().unwrap_or(""),
    );
    let how = match &failure.trace {
        Some(t) => format!(
            "  trace:     {}\n  replay:    {}\n  shrink:    {}",
            t.display(),
            replay(t),
            shrink(t)
        ),
        None => format!(
            "  trace:     not written (--max-traces {} reached)",
            args.max_traces
        ),
    };
    progress.println(&format!("{headline}\n{how}\n  reproduce: {repro}"));
}

fn summarise(scenario: &Scenario, args: &FuzzArgs, tally: &Tally, wall: Duration, planned: u64) {
    let seeds_per_second = tally.seeds_run as f64 / wall.as_secs_f64().max(1e-9);
    if args.json {
        let line = json!({
            "scenario": scenario.file.name,
            "seeds": args.seeds.to_string(),
            "seeds_planned": planned,
            "seeds_run": tally.seeds_run,
            "passed": tally.passed,
            "failed": tally.failed,
            "stuck": tally.stuck,
            "unknown": tally.unknown,
            "failed_by_property": tally.failed_by_property,
            "wall_ns": wall.as_nanos() as u64,
            "seeds_per_second": seeds_per_second,
        });
        outln!("{line}");
        return;
    }
    let covered = if tally.seeds_run < planned {
        format!(" (of {planned} planned: stopped early)")
    } else {
        String::new()
    };
    errln!(
        "fuzz {}: {} seeds run{covered}, {} passed, {} failed, {} stuck, {} unknown in {:.1}s ({seeds_per_second:.0} seeds/s)",
        scenario.file.name,
        tally.seeds_run,
        tally.passed,
        tally.failed,
        tally.stuck,
        tally.unknown,
        wall.as_secs_f64(),
    );
    for (property, count) in &tally.failed_by_property {
        errln!("  {property}: {count}");
    }
}

fn junit_xml(
    app: &App,
    scenario: &Scenario,
    tally: &Tally,
    failures: &[Failure],
    wall: Duration,
) -> String {
    let name = xml_escape(&scenario.file.name);
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n<testsuite name=\"faultline fuzz {name}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3}\">\n",
        tally.seeds_run,
        tally.failed,
        tally.stuck + tally.unknown,
        wall.as_secs_f64()
    );
    for failure in failures {
        let outcome = &failure.outcome;
        let tag = if outcome.verdict == Verdict::Fail {
            "failure"
        } else {
            "error"
        };
        let trace = failure.trace.as_ref().map_or(String::new(), |t| {
            format!(
                "\ntrace: {}\nreplay: {}",
                xml_escape(&t.display().to_string()),
                xml_escape(&app.command(["replay".as_ref(), t.as_os_str()]))
            )
        });
        xml += &format!(
            "  <testcase classname=\"{name}\" name=\"seed {}\">\n    <{tag} message=\"{}\">{}{trace}</{tag}>\n  </testcase>\n",
            outcome.seed,
            xml_escape(outcome.property.as_deref().unwrap_or("?")),
            xml_escape(outcome.detail.as_deref().unwrap_or("")),
        );
    }
    xml += &format!(
        "  <testcase classname=\"{name}\" name=\"{} passing seeds\"/>\n</testsuite>\n</testsuites>\n",
        tally.passed
    );
    xml
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
