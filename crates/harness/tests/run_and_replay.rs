//! End-to-end properties of a run: determinism (same seed, same trace; other seed,
//! other trace; a 200-node gossip too), replay of a recorded trace, a divergence
//! being reported, and snapshots of the `--timeline` rendering for two small scenarios.

use faultline_harness::replay::replay;
use faultline_harness::Registry;
use faultline_harness::{run, timeline, trace_file, RunOptions, Scenario, Verdict};
use faultline_protocols::BuiltinProtocols;

const BROADCAST: &str = r#"{
  "name": "tiny-broadcast",
  "description": "3 nodes broadcast every 2ms; node 2 is cut off from 5ms to 9ms",
  "protocol": { "kind": "broadcast", "nodes": 3, "interval_us": 2000 },
  "network": { "latency": { "min": "1ms", "max": "3ms" } },
  "faults": { "schedule": [ { "at": "5ms", "partition": [[0, 1], [2]], "for": "4ms" } ] },
  "duration": "10ms",
  "quiet": "0ms",
  "seed": 3
}"#;

const PINGPONG: &str = r#"{
  "name": "tiny-pingpong",
  "description": "two nodes bounce a ball 6 times; node 1 pauses for 2ms",
  "protocol": { "kind": "pingpong", "nodes": 2, "messages": 6 },
  "network": { "latency": { "min": "1ms", "max": "1ms" } },
  "faults": { "schedule": [ { "at": "2500us", "pause": 1, "for": "2ms" } ] },
  "duration": "5ms",
  "quiet": "1s"
}"#;

const NEMESIS: &str = r#"{
  "name": "busy-broadcast",
  "protocol": { "kind": "broadcast", "nodes": 5 },
  "network": { "latency": { "min": "1ms", "max": "10ms" }, "drop": 0.05, "duplicate": 0.05 },
  "faults": { "random": { "partition_every": "100ms", "crash_every": "150ms",
                          "pause_every": "200ms", "clock_every": "100ms" } },
  "duration": "1s",
  "quiet": "0ms"
}"#;

const GOSSIP: &str = r#"{
  "name": "wide-gossip",
  "description": "200 nodes spread rumors while partitions come and go",
  "protocol": { "kind": "gossip", "nodes": 200, "memory": 16 },
  "network": { "latency": { "min": "1ms", "max": "20ms" }, "duplicate": 0.05 },
  "faults": { "random": { "partition_every": "100ms", "partition_for": "50ms",
                          "crash_every": "200ms" } },
  "duration": "300ms",
  "quiet": "0ms"
}"#;

fn scenario(text: &str, seed: Option<u64>) -> Scenario {
    let mut scenario =
        Scenario::parse(text, "test.json", &Registry::builtin()).expect("valid scenario");
    if let Some(seed) = seed {
        let mut file = scenario.file.clone();
        file.seed = seed;
        scenario = Scenario::from_file_named(file, "test.json", &Registry::builtin()).unwrap();
    }
    scenario
}

fn traced(scenario: &Scenario) -> faultline_harness::Outcome {
    run(scenario, &RunOptions::traced()).expect("runs")
}

#[test]
fn the_same_seed_gives_an_identical_trace() {
    let a = traced(&scenario(NEMESIS, Some(11)));
    let b = traced(&scenario(NEMESIS, Some(11)));
    assert_eq!(a.trace_hash, b.trace_hash);
    assert_eq!(a.trace, b.trace);
    assert!(a.applied_fault_count() > 5, "the nemesis was busy");
}

#[test]
fn a_wide_gossip_repeats_and_replays_exactly() {
    let s = scenario(GOSSIP, Some(4));
    let a = traced(&s);
    let b = traced(&s);
    assert_eq!(a.trace_hash, b.trace_hash);
    assert_eq!(a.trace, b.trace);
    assert!(a.stats.messages_delivered > 5_000, "rumors spread");
    let text = trace_file::render(&s.file, &a);
    let trace = trace_file::parse(&text, "t.jsonl").unwrap();
    let report = replay(&trace, "t.jsonl", &Registry::builtin()).unwrap();
    assert_eq!(report.divergence, None);
}

#[test]
fn different_seeds_give_different_traces() {
    let hashes: std::collections::BTreeSet<u64> = (0..10)
        .map(|seed| {
            run(&scenario(NEMESIS, Some(seed)), &RunOptions::default())
                .unwrap()
                .trace_hash
        })
        .collect();
    assert_eq!(hashes.len(), 10);
}

#[test]
fn keeping_the_trace_does_not_change_the_run() {
    let s = scenario(NEMESIS, Some(5));
    let kept = traced(&s);
    let hashed_only = run(&s, &RunOptions::default()).unwrap();
    assert_eq!(kept.trace_hash, hashed_only.trace_hash);
    assert_eq!(kept.events, hashed_only.events);
}

#[test]
fn a_recorded_trace_replays_identically() {
    let s = scenario(NEMESIS, Some(2));
    let outcome = traced(&s);
    let text = trace_file::render(&s.file, &outcome);
    let trace = trace_file::parse(&text, "t.jsonl").unwrap();
    let report = replay(&trace, "t.jsonl", &Registry::builtin()).unwrap();
    assert_eq!(report.divergence, None);
    assert_eq!(report.outcome.trace_hash, outcome.trace_hash);
    assert_eq!(report.recorded_hash, Some(outcome.trace_hash_hex()));
}

#[test]
fn a_tampered_trace_reports_the_first_divergence() {
    let s = scenario(BROADCAST, None);
    let outcome = traced(&s);
    let text = trace_file::render(&s.file, &outcome);
    let mut trace = trace_file::parse(&text, "t.jsonl").unwrap();
    trace.events[7]["t"] = serde_json::json!(123);
    let report = replay(&trace, "t.jsonl", &Registry::builtin()).unwrap();
    let divergence = report.divergence.expect("diverges");
    assert_eq!(divergence.index, 7);
    assert_eq!(divergence.expected.unwrap()["t"], 123);
}

#[test]
fn timeline_of_a_partitioned_broadcast() {
    let outcome = traced(&scenario(BROADCAST, None));
    assert_eq!(outcome.verdict, Verdict::Pass);
    insta::assert_snapshot!(timeline::render(outcome.trace.as_deref().unwrap()));
}

#[test]
fn timeline_of_a_paused_pingpong() {
    let outcome = traced(&scenario(PINGPONG, None));
    assert_eq!(outcome.verdict, Verdict::Pass);
    insta::assert_snapshot!(timeline::render(outcome.trace.as_deref().unwrap()));
}

#[test]
fn a_protocol_that_cannot_finish_is_stuck() {
    // 6 bounces and a 2ms pause need 7.5ms; 5ms of faults and 2ms of quiet are not enough.
    let text = PINGPONG.replace("\"quiet\": \"1s\"", "\"quiet\": \"2ms\"");
    let outcome = run(&scenario(&text, None), &RunOptions::default()).unwrap();
    assert_eq!(outcome.verdict, Verdict::Stuck);
    assert_eq!(outcome.property.as_deref(), Some("stuck"));
}

#[test]
fn leader_churn_crashes_new_leaders_soon_after_their_election() {
    let text = r#"{
      "name": "churn",
      "protocol": { "kind": "raft", "nodes": 3 },
      "faults": { "random": {
        "new_leader_crash": 1.0, "new_leader_crash_within": "50ms", "crash_for": "300ms"
      } },
      "workload": { "clients": 1, "keys": 1, "ops": 10 },
      "duration": "2s",
      "quiet": "5s"
    }"#;
    let outcome = run(&scenario(text, None), &RunOptions::default()).unwrap();
    let crashes = outcome
        .faults
        .iter()
        .filter(|f| {
            matches!(f.action, faultline_sim::FaultAction::Crash { .. }) && f.skipped.is_none()
        })
        .count();
    assert!(
        crashes >= 2,
        "every new leader is crashed: {crashes} crashes"
    );
    assert_eq!(outcome.verdict, Verdict::Pass, "{:?}", outcome.detail);
}
