//! What `faultline run` tells a person (or, with `--json`, a program) about one
//! run: what ran, the faults applied and skipped by kind, what was checked and on
//! how much, the declared situations it reached, the verdict, and what to do next:
//! keep a trace, replay it, shrink it, fuzz more seeds. The first thing a new user
//! sees, so it says what a green result covers rather than only that it is green.

use crate::app::App;
use faultline_harness::{Outcome, Scenario, Verdict};
use faultline_sim::time::format_nanos;
use serde_json::json;
use std::ffi::OsString;
use std::path::PathBuf;

/// The `--json` object (the CLI contract), with the fault tally and checks added.
pub fn json(
    scenario: &Scenario,
    outcome: &Outcome,
    wall_ns: u64,
    repro: &str,
    trace: Option<&PathBuf>,
) -> serde_json::Value {
    let tally = outcome.fault_tally();
    let mut object = json!({
        "scenario": scenario.file.name,
        "protocol": scenario.info.name,
        "verdict": outcome.verdict,
        "seed": outcome.seed,
        "events": outcome.events,
        "sim_time_ns": outcome.sim_time_ns,
        "wall_ns": wall_ns,
        "trace_hash": outcome.trace_hash_hex(),
        "faults_applied": tally.applied_total(),
        "faults_skipped": tally.skipped_total(),
        "faults": tally.to_json(),
        "checked": checked(scenario, outcome),
        "messages_delivered": outcome.stats.messages_delivered,
        "client_ops_completed": outcome.completed_ops(),
        "bugs": scenario.bugs,
        "coverage": coverage_json(scenario, outcome),
    });
    if outcome.verdict != Verdict::Pass {
        object["property"] = json!(outcome.property);
        object["detail"] = json!(outcome.detail);
        object["repro"] = json!(repro);
        if let Some(counterexample) = &outcome.counterexample {
            object["counterexample"] = counterexample.clone();
        }
    }
    if let Some(path) = trace {
        object["trace"] = json!(path.display().to_string());
    }
    if let Some(beyond) = &outcome.beyond_model {
        object["beyond_model"] = json!(beyond);
    }
    object
}

/// The situations the run reached, with counts, and the declared ones it did not.
fn coverage_json(scenario: &Scenario, outcome: &Outcome) -> serde_json::Value {
    let declared = scenario.info.situations;
    let reached: Vec<_> = outcome
        .reached
        .iter()
        .map(|&(name, count)| json!({"name": name, "count": count}))
        .collect();
    json!({
        "declared": declared.len(),
        "reached": declared.len() - outcome.unreached(declared).len(),
        "situations": reached,
        "not_reached": outcome.unreached(declared),
    })
}

/// "reached: 9 of 12 situations (not reached: a; b)", or nothing when the protocol
/// neither declares nor marks any.
fn coverage_line(scenario: &Scenario, outcome: &Outcome) -> String {
    let declared = scenario.info.situations;
    if declared.is_empty() {
        return match outcome.reached.len() {
            0 => String::new(),
            n => format!("  reached: {n} situations (none declared)\n"),
        };
    }
    let unreached = outcome.unreached(declared);
    let not_reached = if unreached.is_empty() {
        String::new()
    } else {
        format!(" (not reached: {})", unreached.join("; "))
    };
    format!(
        "  reached: {} of {} situations{not_reached}\n",
        declared.len() - unreached.len(),
        declared.len()
    )
}

/// What the run judged, in words: every check it reached before its verdict.
fn checked(scenario: &Scenario, outcome: &Outcome) -> Vec<String> {
    let mut checks = vec![invariants_checked(scenario)];
    if outcome.verdict != Verdict::Pass {
        checks.push(format!(
            "until {} broke at {}",
            outcome.property.as_deref().unwrap_or("a property"),
            format_nanos(outcome.sim_time_ns)
        ));
        return checks;
    }
    if scenario.info.has_clients {
        checks.push(format!(
            "liveness: every client operation completed within {} of the faults healing",
            format_nanos(scenario.quiet_ns)
        ));
    }
    if let Some(bound_ns) = scenario.availability_ns {
        checks.push(format!(
            "availability: once the faults healed, every client operation completed within {}",
            format_nanos(bound_ns)
        ));
        checks.extend(down_for_good_missed(scenario, outcome, bound_ns));
    }
    if let Some(model) = scenario.info.history_model {
        checks.push(format!(
            "linearizability of {} client operations against the {model} model",
            outcome.completed_ops()
        ));
    }
    if let Some(isolation) = &outcome.isolation {
        checks.push(format!("isolation: {isolation}"));
    }
    checks
}

/// Words for a `checks.down_for_good` crash the run never reached: the clients were
/// done, and the run over, before the role's holder was due to go down (one
/// availability bound after the faults healed), so nothing was checked without it.
fn down_for_good_missed(scenario: &Scenario, outcome: &Outcome, bound_ns: u64) -> Option<String> {
    let role = scenario.down_for_good.as_deref()?;
    let due_ns = scenario.duration_ns.saturating_add(bound_ns);
    (outcome.sim_time_ns < due_ns).then(|| {
        format!(
            "but no {role} was taken down for good: the clients were done and the run over at \
             {}, before it was due at {} (give the clients more operations)",
            format_nanos(outcome.sim_time_ns),
            format_nanos(due_ns)
        )
    })
}

/// The protocol's own safety properties, counted when it declares them.
fn invariants_checked(scenario: &Scenario) -> String {
    let info = &scenario.info;
    match info.properties.len() {
        0 => "the protocol's safety invariants after every event".to_string(),
        n => format!(
            "{}'s {n} safety properties after every event (`list protocols` names them)",
            info.name
        ),
    }
}

/// The summary a person reads.
pub fn text(
    app: &App,
    path: Option<&PathBuf>,
    scenario: &Scenario,
    outcome: &Outcome,
    wall_ns: u64,
    repro: &str,
    trace: Option<&PathBuf>,
) -> String {
    let mut text = headline(scenario, outcome);
    text += &format!(
        "  simulated {} in {:.1}ms wall: {} events, {} messages delivered, {} client ops \
            completed\n",
        format_nanos(outcome.sim_time_ns),
        wall_ns as f64 / 1e6,
        outcome.events,
        outcome.stats.messages_delivered,
        outcome.completed_ops(),
    );
    text += &format!("  faults: {}\n", outcome.fault_tally().describe());
    if let Some(beyond) = &outcome.beyond_model {
        text += &format!("  fault model: {beyond}\n");
    }
    text += &format!("  checked: {}\n", checked(scenario, outcome).join("; "));
    text += &coverage_line(scenario, outcome);
    text += &format!("  trace hash {}\n", outcome.trace_hash_hex());
    match outcome.verdict {
        Verdict::Pass => text += "  verdict: PASS\n",
        verdict => {
            text += &format!(
                "  verdict: {} — {}: {}\n",
                verdict.label(),
                outcome.property.as_deref().unwrap_or("?"),
                outcome.detail.as_deref().unwrap_or("")
            );
            text += &format!("  seed: {}\n  reproduce: {repro}\n", outcome.seed);
        }
    }
    text + &next_steps(app, path, scenario, outcome, trace)
}

fn headline(scenario: &Scenario, outcome: &Outcome) -> String {
    let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let nodes = match scenario.clients() {
        0 => count(scenario.servers, "node"),
        clients => format!(
            "{} + {}",
            count(scenario.servers, "node"),
            count(clients, "client")
        ),
    };
    let bugs = if scenario.bugs.is_empty() {
        String::new()
    } else {
        format!(", bugs: {}", scenario.bugs.join(" "))
    };
    format!(
        "{} ({}, {nodes}{bugs}), seed {}{}\n",
        scenario.file.name,
        scenario.info.name,
        outcome.seed,
        if scenario.swarm { ", swarm" } else { "" },
    )
}

/// The commands worth running next: look at this run, or test more of them.
fn next_steps(
    app: &App,
    path: Option<&PathBuf>,
    scenario: &Scenario,
    outcome: &Outcome,
    trace: Option<&PathBuf>,
) -> String {
    let mut lines = Vec::new();
    // A trace sent to stdout or a device cannot be replayed from its name.
    let replayable = trace.filter(|t| std::fs::metadata(t).is_ok_and(|m| m.is_file()));
    match replayable {
        Some(trace) => {
            let shrunk = faultline_harness::trace_file::shrunk_file_name(trace);
            let trace = trace.as_os_str();
            let replay = ["replay".as_ref(), trace, "--timeline".as_ref()];
            lines.push(("replay", app.command(replay)));
            if outcome.verdict != Verdict::Pass {
                let shrink = ["shrink".as_ref(), trace, "-o".as_ref(), shrunk.as_os_str()];
                lines.push(("shrink", app.command(shrink)));
            }
        }
        None => {
            let file = format!("{}-seed{}.trace.jsonl", scenario.file.name, outcome.seed);
            let mut keep = run_words(path, scenario);
            keep.extend(["--trace".into(), file.into()]);
            lines.push(("keep a trace", app.command(keep)));
        }
    }
    if outcome.verdict == Verdict::Pass {
        // The embedded default has no file to name; the user writes their own.
        let file = path.map_or("SCENARIO.json".into(), |p| p.clone().into_os_string());
        let mut fuzz: Vec<OsString> = vec!["fuzz".into(), file, "--seeds".into(), "0..1000".into()];
        fuzz.extend(bug_and_swarm_flags(scenario));
        lines.push(("fuzz more seeds", app.command(fuzz)));
    }
    let width = lines.iter().map(|(what, _)| what.len()).max().unwrap_or(0);
    let mut text = String::from("  next:\n");
    for (what, command) in lines {
        text += &format!("    {what:<width$}  {command}\n");
    }
    text
}

/// `run [FILE] --seed N [--bug B]... [--swarm] [--beyond-model]`: the words that rerun `scenario`.
pub fn run_words(path: Option<&PathBuf>, scenario: &Scenario) -> Vec<OsString> {
    let mut words: Vec<OsString> = vec!["run".into()];
    words.extend(path.map(|p| p.clone().into_os_string()));
    words.extend(["--seed".into(), scenario.seed.to_string().into()]);
    words.extend(bug_and_swarm_flags(scenario));
    words
}

/// `--bug NAME ...`, `--swarm` and `--beyond-model` as the run had them.
fn bug_and_swarm_flags(scenario: &Scenario) -> Vec<OsString> {
    let mut words = Vec::new();
    for bug in &scenario.bugs {
        words.extend(["--bug".into(), bug.into()]);
    }
    if scenario.swarm {
        words.push("--swarm".into());
    }
    if scenario.beyond_model {
        words.push("--beyond-model".into());
    }
    words
}
