//! `cargo xtask mutants [--protocol P] [--sample N] [--seeds A..B] [--jobs J]
//! [--report-only | --retest]`: how
//! many bugs nobody named the fuzz campaign finds. cargo-mutants (installed from
//! crates.io when missing) generates mutants of each protocol's source, the bug
//! switches, invariant checkers and declarations excluded, applies each in a
//! scratch copy and rebuilds; the oracle is the fuzz campaign a user runs (the
//! ignored test `crates/protocols/tests/mutation_oracle.rs`: the default scenario
//! over the seeds, plain then swarm, and the protocol's other fuzzing scenarios over
//! the first 50). A sample of each protocol's mutants keeps a run near an hour on two
//! cores. The per-protocol table (mutants, caught by which property, survived,
//! score, time) goes to BENCHMARKS.md; survivors go to `docs/mutation-survivors.md`,
//! where a reviewer classifies each as equivalent (with a reason) or missed; those
//! classifications are kept across runs. `--retest` judges the last run's survivors
//! again on the current tree (after a new check or scenario) and reports the run
//! with their new outcomes.

use crate::bench::replace_section;
use crate::cmd::{self, root};
use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

pub const MUTANTS_START: &str = "<!-- mutants:start -->";
pub const MUTANTS_END: &str = "<!-- mutants:end -->";
const PROTOCOLS: [&str; 7] = ["raft", "paxos", "twopc", "saga", "lock", "zk", "raft_txn"];
/// Files that are not the protocol's behaviour: bug switches, checkers, names.
const EXCLUDED: [&str; 5] = [
    "**/bugs.rs",
    "**/invariants.rs",
    "**/properties.rs",
    "**/situations.rs",
    "**/builtin.rs",
];
const SURVIVORS: &str = "docs/mutation-survivors.md";

/// What the run was asked for.
struct Options {
    protocols: Vec<String>,
    sample: usize,
    seeds: String,
    jobs: usize,
    /// Only rewrite the table and survivors from the last run's outcomes.
    report_only: bool,
    /// Judge the last run's survivors again on the current tree, then report.
    retest: bool,
}

/// One protocol's results.
#[derive(Clone, Default)]
struct Tally {
    listed: usize,
    tested: usize,
    unviable: usize,
    timeout: usize,
    caught_by: BTreeMap<String, usize>,
    survived: Vec<String>,
}

pub fn run(args: &[String]) -> Result<()> {
    let options = parse(args)?;
    ensure_cargo_mutants()?;
    if options.retest {
        retest_survivors(&options)?;
    }
    let (tallies, seconds) = if options.report_only || options.retest {
        last_campaign(&options)?
    } else {
        campaign(&options)?
    };
    let classified = classifications();
    let mut rows = String::new();
    let mut survivors = Vec::new();
    for protocol in &options.protocols {
        let tally = tallies.get(protocol).cloned().unwrap_or_default();
        rows += &row(protocol, &tally, &classified);
        survivors.extend(tally.survived.iter().map(|s| (protocol.clone(), s.clone())));
    }
    replace_section(
        MUTANTS_START,
        MUTANTS_END,
        &section(&options, &rows, seconds),
    )?;
    write_survivors(&survivors)
}

fn parse(args: &[String]) -> Result<Options> {
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
    };
    let protocols = match value("--protocol") {
        Some(p) if PROTOCOLS.contains(&p.as_str()) => vec![p.clone()],
        Some(p) => bail!("--protocol {p}: expected one of {}", PROTOCOLS.join(", ")),
        None => PROTOCOLS.iter().map(|p| p.to_string()).collect(),
    };
    let number = |flag: &str, default: usize| -> Result<usize> {
        value(flag).map_or(Ok(default), |v| {
            v.parse()
                .ok()
                .filter(|n| *n > 0)
                .with_context(|| format!("{flag} {v}: expected a positive number"))
        })
    };
    Ok(Options {
        protocols,
        sample: number("--sample", 12)?,
        seeds: value("--seeds").cloned().unwrap_or_else(|| "0..300".into()),
        jobs: number("--jobs", 2)?,
        report_only: args.iter().any(|a| a == "--report-only"),
        retest: args.iter().any(|a| a == "--retest"),
    })
}

fn ensure_cargo_mutants() -> Result<()> {
    let found = Command::new("cargo")
        .args(["mutants", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("cargo-mutants is not installed; installing it from crates.io");
        cmd::run("cargo", &["install", "cargo-mutants", "--locked"])?;
    }
    Ok(())
}

/// The filters that select the protocols' mutants.
fn filters(protocols: &[String]) -> Vec<String> {
    let mut args = vec!["--package".into(), "faultline-protocols".into()];
    for protocol in protocols {
        args.extend([
            "--file".into(),
            format!("crates/protocols/src/{protocol}/**"),
        ]);
    }
    for excluded in EXCLUDED {
        args.extend(["--exclude".into(), excluded.into()]);
    }
    args
}

/// One cargo-mutants run over a sample of every selected protocol's mutants (one
/// baseline build, then incremental builds); each protocol's results.
fn campaign(options: &Options) -> Result<(BTreeMap<String, Tally>, Option<f64>)> {
    let listed = list(&options.protocols)?;
    let total: usize = listed.values().sum();
    let wanted = options.sample * options.protocols.len();
    let shards = (total / wanted).max(1);
    let output = root().join("target/mutants");
    let mut args: Vec<String> = vec!["mutants".into()];
    args.extend(filters(&options.protocols));
    let shard = format!("0/{shards}");
    let jobs = options.jobs.to_string();
    let out = output.display().to_string();
    // Round-robin: every n-th mutant, so the sample spreads over every file.
    let rest = [
        "--shard",
        &shard,
        "--sharding",
        "round-robin",
        "--jobs",
        &jobs,
        "--output",
        &out,
    ];
    args.extend(rest.map(String::from));
    eprintln!("mutants: {total} mutants, testing shard 0 of {shards} (about {wanted})");
    let started = Instant::now();
    judge_with_oracle(args, &options.seeds, &output)?;
    let mut tallies = outcomes(&output.join("mutants.out"), None)?;
    for (protocol, count) in listed {
        tallies.entry(protocol).or_default().listed = count;
    }
    Ok((tallies, Some(started.elapsed().as_secs_f64())))
}

/// Where `--retest` judges the last run's survivors again.
const RETEST_DIR: &str = "target/mutants-retest";

/// Judges the last run's survivors again on the current tree (after a new check or
/// scenario, say): the same oracle, only those mutants, into `RETEST_DIR`, whose
/// outcomes then stand in for theirs in the report.
fn retest_survivors(options: &Options) -> Result<()> {
    let missed = root().join("target/mutants/mutants.out/missed.txt");
    let text = std::fs::read_to_string(&missed)
        .with_context(|| format!("{}: no last run to retest", missed.display()))?;
    let mut args: Vec<String> = vec!["mutants".into()];
    args.extend(filters(&options.protocols));
    for name in text.lines().filter(|l| !l.trim().is_empty()) {
        // `file:line:col: replace ...`: the part after the location names the mutant.
        let what = name.split_once(": ").map_or(name, |(_, what)| what);
        args.extend(["--re".into(), regex_escape(what)]);
    }
    let output = root().join(RETEST_DIR);
    let out = output.display().to_string();
    let jobs = options.jobs.to_string();
    args.extend(["--jobs", &jobs, "--output", &out].map(String::from));
    judge_with_oracle(args, &options.seeds, &output)
}

/// Runs cargo-mutants with `args` (its mutant selection and output) and the fuzz
/// oracle over `seeds`, writing its outcomes under `output`.
fn judge_with_oracle(mut args: Vec<String>, seeds: &str, output: &Path) -> Result<()> {
    // After `--`: cargo test's arguments, then the test binary's.
    let oracle = ["--", "--test", "mutation_oracle", "--", "--ignored"];
    args.extend(oracle.map(String::from));
    std::fs::create_dir_all(output)?;
    // Each of cargo-mutants' parallel jobs builds its scratch copy in its own target
    // directory; a shared CARGO_TARGET_DIR would have the jobs overwrite each other's
    // binaries and judge one mutant with another's (seen: a mutant that makes every
    // run stuck reported missed).
    if std::env::var_os("CARGO_TARGET_DIR").is_some() {
        eprintln!("mutants: ignoring CARGO_TARGET_DIR (each parallel job needs its own)");
    }
    let status = Command::new("cargo")
        .args(&args)
        .current_dir(root())
        .env("FAULTLINE_ORACLE_SEEDS", seeds)
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .context("cannot start cargo mutants")?;
    // 2 and 3 mean survivors and timeouts, which the outcomes hold; 1 is a usage
    // error and 4 a baseline that failed (the oracle fails on the unmutated tree).
    if matches!(status.code(), Some(1) | Some(4) | None) {
        bail!(
            "cargo mutants failed ({status}); its log is under {}",
            output.display()
        );
    }
    Ok(())
}

/// `text` as a regular expression that matches only itself.
fn regex_escape(text: &str) -> String {
    let mut escaped = String::new();
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~ ".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// The last run's results (`target/mutants`), as `campaign` would return them: for
/// rewriting the table after a run that stopped at its end, or after reclassifying.
/// A mutant judged again by `--retest` takes its newer outcome.
fn last_campaign(options: &Options) -> Result<(BTreeMap<String, Tally>, Option<f64>)> {
    let dir = root().join("target/mutants/mutants.out");
    let mut tallies = outcomes(&dir, Some(&root().join(RETEST_DIR).join("mutants.out")))?;
    for (protocol, count) in list(&options.protocols)? {
        tallies.entry(protocol).or_default().listed = count;
    }
    let all: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("outcomes.json"))?)?;
    Ok((tallies, run_seconds(&all)))
}

/// The wall time between `start_time` and `end_time` of `outcomes.json`.
fn run_seconds(outcomes: &Value) -> Option<f64> {
    let stamp = |key: &str| -> Option<f64> {
        let text = outcomes[key].as_str()?;
        let (_, time) = text.split_once('T')?;
        let mut parts = time.trim_end_matches('Z').split(':');
        let (h, m, s): (f64, f64, f64) = (
            parts.next()?.parse().ok()?,
            parts.next()?.parse().ok()?,
            parts.next()?.split(['+', '-']).next()?.parse().ok()?,
        );
        Some(h * 3600.0 + m * 60.0 + s)
    };
    Some((stamp("end_time")? - stamp("start_time")?).rem_euclid(86_400.0))
}

/// How many mutants each protocol's source gives.
fn list(protocols: &[String]) -> Result<BTreeMap<String, usize>> {
    let mut args: Vec<String> = vec!["mutants".into(), "--list".into(), "--json".into()];
    args.extend(filters(protocols));
    let out = Command::new("cargo")
        .args(&args)
        .current_dir(root())
        .output()
        .context("cannot start cargo mutants --list")?;
    if !out.status.success() {
        bail!(
            "cargo mutants --list failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let listing: Value =
        serde_json::from_slice(&out.stdout).context("cargo mutants --list --json")?;
    let mut counts = BTreeMap::new();
    for mutant in listing.as_array().into_iter().flatten() {
        *counts.entry(protocol_of(mutant)).or_default() += 1;
    }
    Ok(counts)
}

/// The protocol a mutant is in: the directory under `crates/protocols/src/`.
fn protocol_of(mutant: &Value) -> String {
    let file = mutant["file"].as_str().unwrap_or("");
    let rest = file.strip_prefix("crates/protocols/src/").unwrap_or(file);
    rest.split('/').next().unwrap_or("?").to_string()
}

/// Reads `outcomes.json`: each mutant's fate, and for a caught one the property the
/// oracle named in its log. A mutant `retest` judged again (same name: same file,
/// line and change) takes that outcome instead.
fn outcomes(dir: &Path, retest: Option<&Path>) -> Result<BTreeMap<String, Tally>> {
    let mut judged = judged_in(dir)?;
    if let Some(retest) = retest.filter(|r| r.join("outcomes.json").exists()) {
        for (name, later) in judged_in(retest)? {
            if let Some(earlier) = judged.get_mut(&name) {
                *earlier = later;
            }
        }
    }
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for (name, (protocol, fate)) in judged {
        let tally = tallies.entry(protocol).or_default();
        tally.tested += 1;
        match fate {
            Fate::Caught(property) => *tally.caught_by.entry(property).or_default() += 1,
            Fate::Missed => tally.survived.push(name),
            Fate::Unviable => tally.unviable += 1,
            Fate::Timeout => tally.timeout += 1,
        }
    }
    Ok(tallies)
}

/// What the oracle made of one mutant.
enum Fate {
    Caught(String),
    Missed,
    Unviable,
    Timeout,
}

/// Each mutant one run judged, by name: its protocol and fate.
fn judged_in(dir: &Path) -> Result<BTreeMap<String, (String, Fate)>> {
    let path = dir.join("outcomes.json");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("{}: cargo mutants wrote no outcomes", path.display()))?;
    let all: Value = serde_json::from_str(&text)?;
    let mut judged = BTreeMap::new();
    for outcome in all["outcomes"].as_array().into_iter().flatten() {
        let Some(mutant) = outcome["scenario"].get("Mutant") else {
            continue; // the baseline
        };
        let name = mutant["name"].as_str().unwrap_or("?").to_string();
        let fate = match outcome["summary"].as_str().unwrap_or("") {
            "CaughtMutant" => {
                let log = dir.join(outcome["log_path"].as_str().unwrap_or(""));
                Fate::Caught(caught_property(&log))
            }
            "MissedMutant" => Fate::Missed,
            "Unviable" => Fate::Unviable,
            "Timeout" => Fate::Timeout,
            other => {
                eprintln!("mutants: {name}: outcome {other}");
                continue;
            }
        };
        judged.insert(name, (protocol_of(mutant), fate));
    }
    Ok(judged)
}

/// `caught: linearizability by ...` in the oracle's panic message; `build or test`
/// when the log names none (another test failed first).
fn caught_property(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.split("caught: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .map_or_else(|| "other".to_string(), str::to_string)
}

/// A protocol's row: the raw score over every survivor, and the score over the
/// survivors not classified `equivalent` (the one the 90% is about).
fn row(protocol: &str, tally: &Tally, classified: &BTreeMap<String, String>) -> String {
    let caught: usize = tally.caught_by.values().sum();
    let judged = caught + tally.survived.len();
    let score = 100.0 * caught as f64 / judged.max(1) as f64;
    let equivalent = tally
        .survived
        .iter()
        .filter(|name| {
            classified
                .get(*name)
                .is_some_and(|c| c.starts_with("equivalent"))
        })
        .count();
    let real = judged - equivalent;
    let real_score = 100.0 * caught as f64 / real.max(1) as f64;
    let by: Vec<String> = tally
        .caught_by
        .iter()
        .map(|(property, n)| format!("{property} {n}"))
        .collect();
    format!(
        "| {protocol} | {} | {} | {} | {caught} ({}) | {} | {equivalent} | {} | {score:.0}% \
         | {real_score:.0}% |\n",
        tally.listed,
        tally.tested,
        tally.unviable,
        by.join(", "),
        tally.survived.len(),
        tally.timeout,
    )
}

fn section(options: &Options, rows: &str, seconds: Option<f64>) -> String {
    let mut text = format!("{MUTANTS_START}\n## Mutation score\n\n");
    let _ = write!(
        text,
        "Bugs nobody named: mutants of each protocol's source (cargo-mutants; bug switches, \
            invariant checkers and declarations excluded), a sample of about {} per protocol, each \
            judged by the fuzz campaign of `crates/protocols/tests/mutation_oracle.rs`: the \
            protocol's nemesis scenario over seeds {} (plain, then `--swarm`) and its other \
            fuzzing scenarios (a random nemesis, no bugs, expecting a pass) over the first 50 \
            of them. Score = caught / (caught + survived); the last column leaves out \
            survivors a reviewer classified equivalent. Unviable mutants do not build. \
            Survivors, each classified equivalent or missed, are in `{SURVIVORS}`.\n\n",
        options.sample, options.seeds
    );
    text += "| protocol | mutants | tested | unviable | caught (by property) | survived | of them \
        equivalent | timeout | score | score without equivalents |\n\
        |---|---|---|---|---|---|---|---|---|---|\n";
    text += rows;
    let retested = match root()
        .join(RETEST_DIR)
        .join("mutants.out/outcomes.json")
        .exists()
    {
        true => {
            ", then `cargo xtask mutants --retest` on its survivors (their newer outcomes count)"
        }
        false => "",
    };
    let _ = write!(
        text,
        "\nCommand: `cargo xtask mutants --sample {} --seeds {} --jobs {}` ({}){retested}.\n\
        {MUTANTS_END}\n",
        options.sample,
        options.seeds,
        options.jobs,
        match seconds {
            Some(s) => format!("{:.0} min in all, one baseline build included", s / 60.0),
            None => "run time not recorded: the run stopped before its end".to_string(),
        }
    );
    text
}

/// The classification (and reason) a reviewer gave each survivor in `SURVIVORS`, by
/// mutant name.
fn classifications() -> BTreeMap<String, String> {
    let before = std::fs::read_to_string(root().join(SURVIVORS)).unwrap_or_default();
    before
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split(" | ").collect();
            let name = cells.get(1)?.trim_matches('`').replace("\\|", "|");
            Some((name, cells.get(2..)?.join(" | ")))
        })
        .collect()
}

/// Rewrites the survivors list: each survivor of this run, with the classification
/// a reviewer gave it before (kept), or `unclassified`.
fn write_survivors(survivors: &[(String, String)]) -> Result<()> {
    let path: PathBuf = root().join(SURVIVORS);
    let classified = classifications();
    let mut text = String::from(
        "# Mutation survivors\n\nMutants of the protocols that the fuzz \
        campaign did not catch (`cargo xtask mutants`). Each is classified by a reviewer: \
        `equivalent` (the change cannot alter behaviour; the reason says why) or `missed` (a real \
        hole: a scenario, workload or invariant should catch it). A new survivor is `unclassified` \
        until reviewed; classifications are kept when the task runs again.\n\n| protocol | mutant \
        | classification | reason |\n|---|---|---|---|\n",
    );
    for (protocol, name) in survivors {
        let kept = classified
            .get(name)
            .cloned()
            .unwrap_or_else(|| "unclassified | |".into());
        let escaped = name.replace('|', "\\|");
        let _ = writeln!(text, "| {protocol} | `{escaped}` | {kept}");
    }
    std::fs::write(&path, text)?;
    eprintln!("wrote {}", path.display());
    Ok(())
}
