//! Availability mode (`"checks": {"availability": "2s"}`, the harness property
//! `unavailable`): the default scenario of every protocol with clients still passes
//! with it on; a Raft store whose clients stall for 3s before retrying a request
//! lost to a crashed leader passes the ordinary liveness check (every operation
//! completes within the quiet period) but fails availability, naming the operation;
//! a Raft store slow to elect passes availability while its leader comes back, but
//! fails it with the leader down for good (`checks.leader_down`); and a bad bound is
//! a located input error.

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

/// Elections take 4 to 8 s, twice the availability bound: the first one is over by
/// the heal (a client's pause ends at 9.1 s), a second one, once the leader is down
/// for good, is too slow.
const SLOW_ELECTION: &str = r#"{
  "name": "raft-slow-election",
  "protocol": { "kind": "raft", "nodes": 3, "election_timeout_ms": 4000 },
  "faults": { "schedule": [ { "at": "9s", "pause": 3, "for": "100ms" } ] },
  "workload": { "clients": 2, "keys": 2, "ops": 2000, "think": "20ms" },
  "duration": "10s",
  "quiet": "40s",
  "checks": { "availability": "2s", "leader_down": true }
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
fn a_leader_down_for_good_needs_a_prompt_election() {
    let registry = Registry::builtin();
    let slow = Scenario::parse(SLOW_ELECTION, "slow.json", &registry).unwrap();
    let mut back = slow.file.clone();
    back.checks.leader_down = false;
    let back = Scenario::from_file_named(back, "slow.json", &registry).unwrap();
    for seed in 0..3 {
        let mut down = slow.clone();
        down.seed = seed;
        let (verdict, property, detail) = verdict_of(&down);
        assert_eq!(verdict, Verdict::Fail, "seed {seed}: {detail}");
        assert_eq!(
            property.as_deref(),
            Some("unavailable"),
            "seed {seed}: {detail}"
        );
        let mut up = back.clone();
        up.seed = seed;
        let (verdict, _, detail) = verdict_of(&up);
        assert_eq!(
            verdict,
            Verdict::Pass,
            "seed {seed} with the leader kept: {detail}"
        );
    }
    let quick = SLOW_ELECTION.replace(r#", "election_timeout_ms": 4000"#, "");
    let quick = Scenario::parse(&quick, "quick.json", &registry).unwrap();
    assert_eq!(
        verdict_of(&quick).0,
        Verdict::Pass,
        "default elections are prompt"
    );
}

#[test]
fn leader_down_needs_availability_and_a_leader() {
    let registry = Registry::builtin();
    let alone = SLOW_ELECTION.replace(r#""availability": "2s", "#, "");
    let err = Scenario::parse(&alone, "alone.json", &registry).unwrap_err();
    assert_eq!(err.path, "checks.leader_down");
    assert!(
        err.message.contains("`checks.availability` too"),
        "{}",
        err.message
    );
    let redlock = r#"{"protocol": {"kind": "lock", "nodes": 6, "service": "redlock"},
        "checks": {"availability": "1s", "leader_down": true}}"#;
    let err = Scenario::parse(redlock, "redlock.json", &registry).unwrap_err();
    assert_eq!(err.path, "checks.leader_down");
    assert!(err.message.contains("no `leader` role"), "{}", err.message);
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
