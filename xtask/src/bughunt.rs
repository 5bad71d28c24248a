//! `cargo xtask bughunt [--seeds N] [--campaigns K] [--bug NAME] [--save-regressions]`:
//! the testbed's power, measured.
//!
//! For every named bug: fuzz its default scenario (`faultline list bugs --json`) over seeds
//! `0..N` with the bug on, without and with `--swarm`, and record the seeds needed to
//! first detection and the property caught; check the same seeds pass with no bug;
//! shrink the first failure and record the reproducer's size and the shrink time.
//! Then compare plain, swarm and guided fuzzing as campaigns: the range splits into
//! K blocks of N/K seeds; a plain or swarm campaign's runs to detection is the first
//! failing seed of its block (read off the run above), a guided campaign is
//! `fuzz --guided --seeds BLOCK` on the same block (its fresh runs take the block's
//! seeds), and each column is the median over the K campaigns. `--bug NAME` measures
//! only that bug and prints its row instead of rewriting BENCHMARKS.md.
//! Results go into the bughunt section of BENCHMARKS.md. With `--save-regressions`
//! each shrunk reproducer is frozen under `traces/regressions/` with its note.

use crate::bench::{BUGHUNT_END, BUGHUNT_START};
use crate::cmd::{self, output, root};
use anyhow::{Context, Result};
use serde_json::Value;
use std::fmt::Write;
use std::time::Instant;

/// The result of one fuzz campaign for one bug.
struct Hunt {
    first_seed: Option<u64>,
    /// Every failing seed, ascending.
    failing: Vec<u64>,
    /// Seeds of the range that failed.
    failed: u64,
    property: Option<String>,
    trace: Option<String>,
}

pub fn run(args: &[String]) -> Result<()> {
    let seeds: u64 = flag_value(args, "--seeds").map_or(Ok(1_000), |v| v.parse())?;
    let campaigns: u64 = flag_value(args, "--campaigns").map_or(Ok(20), |v| v.parse())?;
    let only = flag_value(args, "--bug");
    let block = (seeds / campaigns.max(1)).max(1);
    let save = args.iter().any(|a| a == "--save-regressions");
    let faultline = cmd::faultline_fuzz()?;
    let bugs: Vec<Value> = serde_json::from_str(&output(&faultline, &["list", "bugs", "--json"])?)?;
    let mut section = header(seeds, campaigns, block);
    let mut baselines = String::new();
    section += "| bug | expected property | seeds to detection | failing seeds | property caught \
        | with --swarm | failing with --swarm | median runs: plain / swarm / guided \
        | shrunk: faults / ops / sim time | shrink time |\n\
        |---|---|---|---|---|---|---|---|---|---|\n";
    let mut scenarios_seen: Vec<String> = Vec::new();
    for bug in &bugs {
        let name = bug["name"].as_str().context("bug name")?;
        let scenario = bug["scenario"]
            .as_str()
            .context("bug scenario")?
            .to_string();
        if !root().join(&scenario).exists() || only.is_some_and(|b| b != name) {
            continue;
        }
        if !scenarios_seen.contains(&scenario) {
            scenarios_seen.push(scenario.clone());
            baselines += &baseline(&faultline, &scenario, seeds)?;
        }
        let plain = hunt(&faultline, &scenario, seeds, Some(name), false)?;
        let swarm = hunt(&faultline, &scenario, seeds, Some(name), true)?;
        let expected: Vec<&str> = bug["violates"]
            .as_array()
            .map_or(Vec::new(), |v| v.iter().filter_map(Value::as_str).collect());
        let guided = guided_detections(&faultline, &scenario, name, campaigns, block)?;
        let medians = medians_text(&plain, &swarm, &guided, campaigns, block);
        let (shrunk, shrink_time) = match plain.trace.as_ref().or(swarm.trace.as_ref()) {
            Some(trace) => shrink(&faultline, trace, name, bug, save)?,
            None => ("not found".into(), "-".into()),
        };
        let _ = writeln!(
            section,
            "| `{name}`{} | {} | {} | {} | {} | {} | {} | {medians} | {shrunk} | {shrink_time} |",
            if scenario.ends_with("/nemesis.json") {
                String::new()
            } else {
                format!(" (on `{scenario}`)")
            },
            expected.join(", "),
            seeds_to_detection(&plain, seeds),
            plain.failed,
            plain
                .property
                .clone()
                .or(swarm.property.clone())
                .unwrap_or_else(|| "-".into()),
            seeds_to_detection(&swarm, seeds),
            swarm.failed,
        );
    }
    if only.is_some() {
        print!("{section}");
        return Ok(());
    }
    section += "\nBaselines (the same seeds with no bug switched on):\n\n";
    section += &baselines;
    section += &format!("\n{BUGHUNT_END}\n");
    replace_bughunt_section(&section)
}

/// The section's heading and the paragraph saying how it was measured.
fn header(seeds: u64, campaigns: u64, block: u64) -> String {
    format!(
        "{BUGHUNT_START}\n## Bug hunt\n\nEvery named bug (`docs/bugs.md`), fuzzed on its \
         default scenario (its protocol's `nemesis.json` unless the row names another) over \
         seeds 0..{seeds} (`cargo xtask bughunt --seeds {seeds}`; each campaign is `faultline \
         fuzz SCENARIO --seeds 0..{seeds} --bug NAME [--swarm]`). \"Seeds to detection\" is \
         the first failing seed + 1; \"failing seeds\" counts the failures over the whole \
         range (every campaign runs with `--keep-going`). The shrunk reproducer comes from \
         `faultline shrink` on the first failure (target: at most 10 faults and 30 client \
         operations, under 60 s). \"Median runs\" compares plain, swarm and guided fuzzing \
         over {campaigns} campaigns of {block} runs each: campaign k covers seeds \
         k*{block}..(k+1)*{block}; plain and swarm count seeds to the block's first failure, \
         guided runs `faultline fuzz SCENARIO --seeds k*{block}..(k+1)*{block} --guided --bug \
         NAME` (fresh runs take the block's seeds in order) and counts runs to its first \
         failure; a campaign that finds nothing counts as more than {block} (`>{block}`).\n\n"
    )
}

/// The baseline line of a scenario: its seeds with no bug switched on.
fn baseline(faultline: &str, scenario: &str, seeds: u64) -> Result<String> {
    let base = hunt(faultline, scenario, seeds, None, false)?;
    Ok(format!(
        "- `{scenario}` with no bug: {}\n",
        match base.first_seed {
            None => format!("all {seeds} seeds pass"),
            Some(s) => format!("FAILS at seed {s} ({})", base.property.unwrap_or_default()),
        }
    ))
}

fn flag_value<'a>(args: &'a [String], flag: &str) -> Option<&'a String> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
}

fn seeds_to_detection(hunt: &Hunt, seeds: u64) -> String {
    hunt.first_seed
        .map_or_else(|| format!("not within {seeds}"), |s| (s + 1).to_string())
}

/// Fuzzes every seed of the range; returns the lowest failing seed and how many failed.
fn hunt(
    faultline: &str,
    scenario: &str,
    seeds: u64,
    bug: Option<&str>,
    swarm: bool,
) -> Result<Hunt> {
    let out = format!(
        "target/bughunt/{}{}",
        bug.unwrap_or("baseline"),
        if swarm { "-swarm" } else { "" }
    );
    let range = format!("0..{seeds}");
    let mut args = vec![
        "fuzz",
        scenario,
        "--seeds",
        &range,
        "--json",
        "--keep-going",
        "--out",
        &out,
    ];
    if let Some(bug) = bug {
        args.extend(["--bug", bug]);
    }
    if swarm {
        args.push("--swarm");
    }
    let text = output(faultline, &args)?;
    let failing: Vec<u64> = {
        let mut seeds: Vec<u64> = text
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|v| v.get("verdict").is_some() && v.get("seeds_run").is_none())
            .filter_map(|v| v["seed"].as_u64())
            .collect();
        seeds.sort_unstable();
        seeds
    };
    let first = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v.get("trace").is_some())
        .min_by_key(|v| v["seed"].as_u64().unwrap_or(u64::MAX));
    let summary = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v.get("seeds_run").is_some())
        .context("fuzz printed no summary line")?;
    Ok(Hunt {
        failing,
        first_seed: first.as_ref().and_then(|f| f["seed"].as_u64()),
        failed: summary["failed"].as_u64().unwrap_or(0),
        property: first
            .as_ref()
            .and_then(|f| f["property"].as_str().map(str::to_string)),
        trace: first
            .as_ref()
            .and_then(|f| f["trace"].as_str().map(str::to_string)),
    })
}

/// Runs to detection of each of `campaigns` blocks of `block` seeds of a hunt over
/// them all: the first failing seed of the block, counted from the block's start.
fn block_detections(hunt: &Hunt, campaigns: u64, block: u64) -> Vec<Option<u64>> {
    (0..campaigns)
        .map(|k| {
            let start = k * block;
            let first = hunt
                .failing
                .iter()
                .find(|&&s| s >= start && s < start + block);
            first.map(|s| s - start + 1)
        })
        .collect()
}

/// Runs to detection of a guided campaign on each block (its first failing run).
fn guided_detections(
    faultline: &str,
    scenario: &str,
    bug: &str,
    campaigns: u64,
    block: u64,
) -> Result<Vec<Option<u64>>> {
    let out = format!("target/bughunt/{bug}-guided");
    let mut found = Vec::new();
    for k in 0..campaigns {
        let range = format!("{}..{}", k * block, (k + 1) * block);
        let args = [
            "fuzz", scenario, "--seeds", &range, "--guided", "--json", "--bug", bug, "--out", &out,
            "--force",
        ];
        let text = output(faultline, &args)?;
        let first_run = text
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter_map(|v| v.get("run").and_then(Value::as_u64))
            .min();
        found.push(first_run.map(|r| r + 1));
    }
    Ok(found)
}

/// The medians column: plain / swarm / guided.
fn medians_text(
    plain: &Hunt,
    swarm: &Hunt,
    guided: &[Option<u64>],
    campaigns: u64,
    block: u64,
) -> String {
    format!(
        "{} / {} / {}",
        median_text(&block_detections(plain, campaigns, block), block),
        median_text(&block_detections(swarm, campaigns, block), block),
        median_text(guided, block),
    )
}

/// The median of runs to detection, a miss counting as more than `block`.
fn median_text(detections: &[Option<u64>], block: u64) -> String {
    let mut runs: Vec<u64> = detections.iter().map(|d| d.unwrap_or(u64::MAX)).collect();
    runs.sort_unstable();
    match runs.get(runs.len().saturating_sub(1) / 2) {
        None => "-".into(),
        Some(&u64::MAX) => format!(">{block}"),
        Some(median) => median.to_string(),
    }
}

/// Shrinks a failure; returns the size column and the time column.
fn shrink(
    faultline: &str,
    trace: &str,
    bug: &str,
    info: &Value,
    save: bool,
) -> Result<(String, String)> {
    let target = if save {
        format!("traces/regressions/{bug}.json")
    } else {
        format!("target/bughunt/{bug}.min.json")
    };
    let note = format!(
        "Regression for {bug}: {}. Fixed by leaving the bug switched off (the correct code \
            path); must fail with it on and pass with it off.",
        info["mechanism"].as_str().unwrap_or("")
    );
    let started = Instant::now();
    let mut args = vec!["shrink", trace, "-o", &target, "--force"];
    if save {
        args.extend(["--note", &note]);
    }
    let text = output(faultline, &args)?;
    let seconds = started.elapsed().as_secs_f64();
    let after = |label: &str| -> String {
        text.lines()
            .find(|l| l.trim_start().starts_with(label))
            .and_then(|l| l.split("->").nth(1))
            .map_or("?".into(), |v| v.trim().to_string())
    };
    Ok((
        format!(
            "{} / {} / {}",
            after("faults"),
            after("operations"),
            after("sim time")
        ),
        format!("{seconds:.1} s"),
    ))
}

fn replace_bughunt_section(section: &str) -> Result<()> {
    crate::bench::replace_section(BUGHUNT_START, BUGHUNT_END, section)
}
