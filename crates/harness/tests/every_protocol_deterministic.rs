//! Determinism for every protocol, not only the examples: each default fuzzing
//! scenario (every protocol's nemesis, and any other a named bug is hunted on), run
//! twice with the same seed, gives the same trace event for event, and its trace
//! replays from the header alone with no divergence.

mod common;

use faultline_harness::replay::replay;
use faultline_harness::Registry;
use faultline_harness::{run, trace_file, RunOptions, Scenario};
use faultline_protocols::BuiltinProtocols;

fn default_scenarios() -> Vec<(String, String)> {
    let mut scenarios: Vec<(String, String)> = Vec::new();
    for protocol in Registry::builtin().protocols() {
        let names = std::iter::once("nemesis").chain(protocol.bugs.iter().map(|b| b.scenario));
        for name in names {
            let pair = (protocol.name.to_string(), name.to_string());
            let exists = common::scenario_on_disk(protocol.name, name).exists();
            if exists && !scenarios.contains(&pair) {
                scenarios.push(pair);
            }
        }
    }
    scenarios
}

#[test]
fn every_default_scenario_repeats_and_replays_exactly() {
    let scenarios = default_scenarios();
    assert!(
        scenarios.len() >= 5,
        "found the default scenarios: {scenarios:?}"
    );
    for (protocol, name) in scenarios {
        for seed in 0..3 {
            let file = common::scenario_file(&protocol, &name, seed, None);
            let scenario = Scenario::from_file_named(file, &name, &Registry::builtin()).unwrap();
            let keep = RunOptions::traced();
            let first = run(&scenario, &keep).unwrap();
            let second = run(&scenario, &keep).unwrap();
            let label = format!("{protocol}/{name} seed {seed}");
            assert_eq!(first.trace_hash, second.trace_hash, "{label}");
            assert_eq!(first.trace, second.trace, "{label}");
            let text = trace_file::render(&scenario.file, &first);
            let trace = trace_file::parse(&text, "t.jsonl").unwrap();
            let report = replay(&trace, "t.jsonl", &Registry::builtin()).unwrap();
            assert_eq!(report.divergence, None, "{label} replays");
        }
    }
}
