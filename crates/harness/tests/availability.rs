//! Availability mode (`"checks": {"availability": "2s"}`, the harness property
//! `unavailable`): the default scenario of every protocol with clients still passes
//! with it on; a Raft store whose clients stall for 3s before retrying a request
//! lost to a crashed leader passes the ordinary liveness check (every operation
//! completes within the quiet period) but fails availability, naming the operation;
//! and a bad bound is a located input error.

mod common;

use common::scenario_file;
use faultline_harness::duration::Duration;
use faultline_harness::{run, Registry, RunOptions, Scenario, Verdict};
use faultline_protocols::BuiltinProtocols;
use faultline_sim::SECOND;

const STALLING: &str = r#"{
  "name": "raft-slow-retry",
  "protocol": { "kind": "raft", "nodes": 3, "client_retry_ms": 3000,
                "client_retry_max_ms": 3000 },
  "faults": { "schedule": [ { "at": "2s", "crash": "leader", "for": "200ms" } ] },
  "workload": { "clients": 3, "keys": 2, "ops": 300 },
  "duration": "3s",
  "quiet": "10s",
  "checks": { "availability": "2s" }
}"#;

fn verdict_of(scenario: &Scenario) -> (Verdict, Option<String>, String) {
    let outcome = run(scenario, &RunOptions::default()).unwrap();
    let detail = outcome.detail.clone().unwrap_or_default();
    (outcome.verdict, outcome.property, detail)
}

#[test]
fn every_default_scenario_passes_in_availability_mode() {
    let registry = Registry::builtin();
    for protocol in ["raft", "paxos", "twopc", "saga", "lock"] {
        for seed in 0..10 {
            let mut file = scenario_file(protocol, "nemesis", seed, None);
            file.checks.availability = Some(Duration(2 * SECOND));
            let scenario = Scenario::from_file_named(file, protocol, &registry).unwrap();
            let (verdict, property, detail) = verdict_of(&scenario);
            assert_eq!(
                verdict,
                Verdict::Pass,
                "{protocol} seed {seed}: {property:?} {detail}"
            );
        }
    }
}

#[test]
fn a_client_stalled_after_the_heal_is_unavailable_but_not_stuck() {
    let registry = Registry::builtin();
    let stalling = Scenario::parse(STALLING, "stalling.json", &registry).unwrap();
    let mut without = stalling.file.clone();
    without.checks.availability = None;
    let without = Scenario::from_file_named(without, "stalling.json", &registry).unwrap();
    for seed in 0..5 {
        let mut with = stalling.clone();
        with.seed = seed;
        let (verdict, property, detail) = verdict_of(&with);
        assert_eq!(verdict, Verdict::Fail, "seed {seed}");
        assert_eq!(
            property.as_deref(),
            Some("unavailable"),
            "seed {seed}: {detail}"
        );
        assert!(detail.contains("the faults healed at 2.200s"), "{detail}");
        assert!(detail.contains("availability bound 2.000s"), "{detail}");
        let mut plain = without.clone();
        plain.seed = seed;
        assert_eq!(
            verdict_of(&plain).0,
            Verdict::Pass,
            "seed {seed} without the check"
        );
    }
}

#[test]
fn a_zero_bound_or_a_protocol_without_clients_is_a_located_error() {
    let registry = Registry::builtin();
    let zero = STALLING.replace(r#""availability": "2s""#, r#""availability": "0s""#);
    let err = Scenario::parse(&zero, "zero.json", &registry).unwrap_err();
    assert_eq!((err.path.as_str(), err.line), ("checks.availability", 9));
    assert!(err.message.contains("longer than 0s"), "{}", err.message);
    let broadcast = r#"{"protocol": {"kind": "broadcast", "nodes": 3},
        "checks": {"availability": "1s"}}"#;
    let err = Scenario::parse(broadcast, "b.json", &registry).unwrap_err();
    assert_eq!(err.path, "checks.availability");
    assert!(err.message.contains("has no clients"), "{}", err.message);
    let unknown = STALLING.replace(r#""availability""#, r#""availabilty""#);
    let err = Scenario::parse(&unknown, "typo.json", &registry).unwrap_err();
    assert!(err.path.starts_with("checks"), "{}", err.path);
}
