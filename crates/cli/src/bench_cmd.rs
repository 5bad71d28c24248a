//! `faultline bench SCENARIO`: how fast the simulator runs a scenario.
//!
//! Runs the scenario `--repeat` times (at least once) in this process (no trace kept, so memory
//! stays flat) and reports the median wall time, events and messages per second, simulated
//! seconds per wall second and the process's peak memory. `cargo xtask bench` calls it
//! once per benchmark shape, each in a fresh process, to fill BENCHMARKS.md.

use crate::app::App;
use crate::exit::Exit;
use crate::output::outln;
use crate::run_cmd::{load_scenario, FaultFlags};
use clap::Args;
use faultline_harness::duration::Duration;
use faultline_harness::{run, RunOptions, Scenario};
use serde_json::json;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Scenario to time (without one: the embedded default).
    pub scenario: Option<PathBuf>,
    /// Runs to take the median of (at least 1).
    #[arg(long, default_value_t = 5, value_parser = parse_repeat)]
    pub repeat: u32,
    /// Override the scenario's duration (e.g. to show memory stays flat as runs grow).
    #[arg(long, value_parser = parse_duration)]
    pub duration: Option<Duration>,
    /// Seed to run (default: the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

fn parse_repeat(text: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(0) => Err("expected at least 1 run to time".into()),
        Ok(repeat) => Ok(repeat),
        Err(_) => Err(format!("`{text}` is not a number of runs")),
    }
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    let nanos = faultline_harness::duration::parse_signed(text)?;
    u64::try_from(nanos)
        .map(Duration)
        .map_err(|_| "expected a positive duration".into())
}

pub fn bench_command(app: &App, args: &BenchArgs) -> Result<i32, Exit> {
    let (mut scenario, _) = load_scenario(
        app,
        args.scenario.as_ref(),
        args.seed,
        &[],
        FaultFlags::default(),
    )?;
    if let Some(duration) = args.duration {
        let mut file = scenario.file.clone();
        file.duration = duration;
        scenario =
            Scenario::from_file_named(file, "--duration", &app.registry).map_err(Exit::input)?;
    }
    let mut walls_ns = Vec::new();
    let mut last = None;
    for _ in 0..args.repeat {
        let started = Instant::now();
        let outcome = run(
            &scenario,
            &RunOptions {
                keep_history: false,
                ..RunOptions::default()
            },
        )
        .map_err(Exit::input)?;
        walls_ns.push(started.elapsed().as_nanos() as u64);
        last = Some(outcome);
    }
    let outcome = last.expect("at least one run");
    walls_ns.sort_unstable();
    let median_ns = walls_ns[walls_ns.len() / 2].max(1);
    let per_second = |count: u64| count as f64 * 1e9 / median_ns as f64;
    let report = json!({
        "scenario": scenario.file.name,
        "verdict": outcome.verdict,
        "property": outcome.property,
        "runs": walls_ns.len(),
        "wall_ns_median": median_ns,
        "events": outcome.events,
        "messages_delivered": outcome.stats.messages_delivered,
        "events_per_second": per_second(outcome.events),
        "messages_per_second": per_second(outcome.stats.messages_delivered),
        "sim_seconds_per_wall_second": outcome.sim_time_ns as f64 / median_ns as f64,
        "sim_time_ns": outcome.sim_time_ns,
        "peak_rss_kib": peak_rss_kib(),
        "trace_hash": outcome.trace_hash_hex(),
    });
    if args.json {
        outln!("{report}");
    } else {
        outln!(
            "{}: median of {} runs {:.2}ms, {:.2}M events/s, {:.2}M messages/s, {:.0} simulated s \
                per wall s, peak RSS {} KiB",
            scenario.file.name,
            walls_ns.len(),
            median_ns as f64 / 1e6,
            per_second(outcome.events) / 1e6,
            per_second(outcome.stats.messages_delivered) / 1e6,
            outcome.sim_time_ns as f64 / median_ns as f64,
            peak_rss_kib().unwrap_or(0),
        );
    }
    Ok(0)
}

/// The process's peak resident memory (Linux `VmHWM`), if known.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
