//! A network that differs by link and changes during the run, from a scenario file:
//! a slow replica's messages arrive late, a phase makes the network lossy from its
//! start, links without settings of their own run exactly as before, and mistakes
//! are located errors.

use faultline_harness::{run, Outcome, Registry, RunOptions, Scenario};
use faultline_protocols::BuiltinProtocols;
use faultline_sim::SECOND;

fn scenario(network: &str) -> String {
    format!(
        r#"{{
  "protocol": {{ "kind": "raft", "nodes": 3 }},
  "network": {network},
  "workload": {{ "clients": 2, "ops": 30 }},
  "duration": "3s",
  "quiet": "5s"
}}"#
    )
}

fn outcome(network: &str) -> Outcome {
    let registry = Registry::builtin();
    let scenario = Scenario::parse(&scenario(network), "links.json", &registry).unwrap();
    let options = RunOptions::traced();
    run(&scenario, &options).unwrap()
}

const BASE: &str = r#"{ "latency": { "min": "1ms", "max": "5ms" } }"#;

#[test]
fn a_slow_replica_is_slow_and_the_rest_run_as_before() {
    let slow = r#"{ "latency": { "min": "1ms", "max": "5ms" },
        "links": [ { "from": [2], "to": [0, 1, 3, 4],
                     "latency": { "min": "200ms", "max": "200ms" } } ] }"#;
    let plain = outcome(BASE);
    let slowed = outcome(slow);
    assert_eq!(plain.verdict, slowed.verdict);
    assert_ne!(
        plain.trace_hash, slowed.trace_hash,
        "node 2's messages are late"
    );
    let unused = r#"{ "latency": { "min": "1ms", "max": "5ms" },
        "links": [ { "from": [3], "to": [4], "drop": 0 } ] }"#;
    assert_eq!(
        plain.trace_hash,
        outcome(unused).trace_hash,
        "settings equal to the network's change nothing"
    );
}

#[test]
fn a_phase_takes_effect_at_its_start() {
    let lossy = r#"{ "latency": { "min": "1ms", "max": "5ms" },
        "phases": [ { "at": "1s", "drop": 1.0 }, { "at": "2s", "drop": 0 } ] }"#;
    let out = outcome(lossy);
    let trace = out.trace.as_ref().unwrap();
    let lost_at: Vec<u64> = trace
        .iter()
        .filter(|e| e["kind"] == "drop" && e["reason"] == "lost")
        .map(|e| e["t"].as_u64().unwrap())
        .collect();
    assert!(!lost_at.is_empty(), "messages are lost in the lossy phase");
    assert!(lost_at.iter().all(|&t| (SECOND..2 * SECOND).contains(&t)));
    assert_eq!(outcome(BASE).stats.messages_dropped, 0);
}

#[test]
fn mistakes_are_located() {
    let registry = Registry::builtin();
    let cases = [
        (
            r#"{ "links": [ { "from": [0], "to": [9] } ] }"#,
            "network.links[0].to[0]",
            "no node 9",
        ),
        (
            r#"{ "links": [ { "from": [0], "to": [1],
                "latency": { "min": "5ms", "max": "1ms" } } ] }"#,
            "network.links[0].latency.min",
            "above max",
        ),
        (
            r#"{ "phases": [ { "at": "2s" }, { "at": "1s" } ] }"#,
            "network.phases[1].at",
            "time order",
        ),
        (
            r#"{ "phases": [ { "at": "9s", "drop": 0.5 } ] }"#,
            "network.phases[0].at",
            "after the run ends",
        ),
        (
            r#"{ "phases": [ { "at": "1s",
                "links": [ { "from": [1], "to": [0], "drop": 3 } ] } ] }"#,
            "network.phases[0].links[0].drop",
            "probability",
        ),
    ];
    for (network, path, words) in cases {
        let err = Scenario::parse(&scenario(network), "links.json", &registry).unwrap_err();
        assert_eq!(err.path, path, "{err}");
        assert!((3..=4).contains(&err.line), "{err}");
        assert!(err.message.contains(words), "{err}");
    }
}
