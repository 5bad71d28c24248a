//! `faultline fuzz --guided`: the same failures whatever `--jobs`, a summary that says
//! how many runs were fresh and mutated and what the corpus holds, and a failure
//! found by a mutated run kept as a scenario file that `run` reproduces and a trace
//! that `replay` re-runs; `--shard` is refused.

mod common;

use common::*;
use serde_json::Value;

fn raft_nemesis() -> String {
    format!(
        "{}/../../scenarios/raft/nemesis.json",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// A guided campaign over seeds 300..360 with the Figure 8 bug: found at run 22 by
/// a mutant (see the harness's guided test). Returns the JSON lines.
fn guided(out: &std::path::Path, jobs: &str) -> (i32, Vec<Value>) {
    let scenario = raft_nemesis();
    let output = faultline(&[
        "fuzz",
        &scenario,
        "--seeds",
        "300..360",
        "--guided",
        "--bug",
        "raft.commit_previous_term",
        "--json",
        "--jobs",
        jobs,
        "--force",
        "--out",
        out.to_str().unwrap(),
    ]);
    let lines = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (output.status.code().unwrap(), lines)
}

#[test]
fn a_mutated_runs_failure_is_kept_as_a_scenario_that_runs_and_a_trace_that_replays() {
    let dir = workdir("guided-kept");
    let (code, lines) = guided(&dir.join("traces"), "2");
    assert_eq!(code, 1);
    let failure = &lines[0];
    // Run 32: a fresh seed with role triggers added, kept as its own scenario file.
    assert_eq!(failure["run"], 32, "{failure}");
    let origin = failure["origin"].as_str().unwrap();
    assert!(origin.contains("role triggers added"), "{origin}");
    let summary = lines.last().unwrap();
    let guided = &summary["guided"];
    let made = guided["fresh"].as_u64().unwrap() + guided["mutated"].as_u64().unwrap();
    assert_eq!(made, summary["seeds_run"].as_u64().unwrap(), "{summary}");
    assert!(guided["corpus"].as_u64().unwrap() > 0, "{summary}");

    // `reproduce` names the kept scenario file; it fails alone, by the same property.
    let repro = failure["repro"].as_str().unwrap();
    let kept = repro
        .split_whitespace()
        .find(|w| w.ends_with("-run32.json"))
        .unwrap();
    let run = faultline(&["run", kept, "--json"]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let verdict: Value = serde_json::from_str(stdout(&run).trim()).unwrap();
    assert_eq!(verdict["property"], failure["property"]);

    let replay = faultline(&["replay", failure["trace"].as_str().unwrap()]);
    assert_eq!(replay.status.code(), Some(1), "{}", stdout(&replay));
}

#[test]
fn the_same_guided_campaign_on_one_thread_finds_the_same_run() {
    let dir = workdir("guided-jobs");
    let (_, one) = guided(&dir.join("one"), "1");
    let (_, two) = guided(&dir.join("two"), "2");
    assert_eq!(one[0]["run"], two[0]["run"]);
    assert_eq!(one[0]["seed"], two[0]["seed"]);
    assert_eq!(one.last().unwrap()["guided"], two.last().unwrap()["guided"]);
}

#[test]
fn the_text_summary_counts_fresh_and_mutated_runs_and_shards_are_refused() {
    let dir = workdir("guided-text");
    let scenario = raft_nemesis();
    let out = dir.join("traces");
    let output = faultline(&[
        "fuzz",
        &scenario,
        "--seeds",
        "0..6",
        "--guided",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("6 runs made"), "{text}");
    assert!(
        text.contains("guided: 6 fresh runs (5 with role triggers), 0 mutated"),
        "{text}"
    );
    let refused = faultline(&[
        "fuzz", &scenario, "--seeds", "0..6", "--guided", "--shard", "0/2",
    ]);
    assert_eq!(refused.status.code(), Some(3));
}
