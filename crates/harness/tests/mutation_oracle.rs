//! The oracle `cargo xtask mutants` judges each mutant of a protocol by: the fuzz
//! campaign a user would run, each protocol's default scenario over a range of
//! seeds, plain and then with swarm. A mutant is caught when any run does not pass
//! (a safety property, linearizability, stuck, a panic, a runaway), and the test
//! fails naming the property, which the task reads from the log.
//!
//! Ignored in ordinary test runs: it is the judge of a mutated tree, not a test of
//! this one. `FAULTLINE_ORACLE_PROTOCOL` names the protocol (every one when unset)
//! and `FAULTLINE_ORACLE_SEEDS` the range (`0..300` by default).

mod common;

use faultline_harness::seeds::{SeedRange, Shard};
use faultline_harness::{run, Registry, RunOptions, Scenario, Verdict};
use faultline_protocols::BuiltinProtocols;

#[test]
#[ignore = "the mutation oracle, run by `cargo xtask mutants`"]
fn the_fuzz_campaign_passes() {
    let registry = Registry::builtin();
    let only = std::env::var("FAULTLINE_ORACLE_PROTOCOL").ok();
    let seeds = std::env::var("FAULTLINE_ORACLE_SEEDS").unwrap_or_else(|_| "0..300".into());
    let seeds = SeedRange::parse(&seeds).expect("FAULTLINE_ORACLE_SEEDS is A..B");
    let protocols = registry
        .protocols()
        .iter()
        .filter(|p| only.as_deref().is_none_or(|o| o == p.name));
    let names: Vec<&str> = protocols.map(|p| p.name).collect();
    assert!(!names.is_empty(), "no protocol named {only:?}");
    for swarm in [false, true] {
        for protocol in &names {
            if !common::scenario_on_disk(protocol, "nemesis").exists() {
                continue;
            }
            for seed in seeds.seeds(Shard::ALL) {
                let mut file = common::scenario_file(protocol, "nemesis", seed, None);
                file.faults.swarm = swarm;
                let scenario = Scenario::from_file_named(file, "nemesis", &registry).unwrap();
                let outcome = run(&scenario, &RunOptions::default()).unwrap();
                assert!(
                    outcome.verdict == Verdict::Pass,
                    "caught: {} by {protocol}/nemesis seed {seed}{}: {}",
                    outcome.property.as_deref().unwrap_or("?"),
                    if swarm { " --swarm" } else { "" },
                    outcome.detail.as_deref().unwrap_or("")
                );
            }
        }
    }
}
