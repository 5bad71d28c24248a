//! The oracle `cargo xtask mutants` judges each mutant of a protocol by: the fuzz
//! campaign a user would run, each protocol's default scenario over a range of
//! seeds, plain and then with swarm. A mutant is caught when any run does not pass
//! (a safety property, linearizability, stuck, a panic, a runaway), and the test
//! fails naming the property, which the task reads from the log.
//!
//! Ignored in ordinary test runs: it is the judge of a mutated tree, not a test of
//! this one. It judges the protocol whose source holds cargo-mutants' marker (every
//! protocol when none does), or the one `FAULTLINE_ORACLE_PROTOCOL` names;
//! `FAULTLINE_ORACLE_SEEDS` is the range (`0..300` by default).

use faultline_harness::seeds::{SeedRange, Shard};
use faultline_harness::{run, Registry, RunOptions, Scenario, Verdict};
use faultline_protocols::BuiltinProtocols;
use std::path::PathBuf;

/// The protocol's default scenario, `scenarios/<protocol>/nemesis.json`.
fn nemesis(protocol: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios")
        .join(protocol)
        .join("nemesis.json")
}

#[test]
#[ignore = "the mutation oracle, run by `cargo xtask mutants`"]
fn the_fuzz_campaign_passes() {
    let registry = Registry::builtin();
    let only = std::env::var("FAULTLINE_ORACLE_PROTOCOL")
        .ok()
        .or_else(mutated_protocol);
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
            let path = nemesis(protocol);
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let parsed = Scenario::parse(&text, &path.display().to_string(), &registry).unwrap();
            for seed in seeds.seeds(Shard::ALL) {
                let mut file = parsed.file.clone();
                file.seed = seed;
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

/// The protocol whose source cargo-mutants changed: its files hold the marker it
/// writes beside every mutation.
fn mutated_protocol() -> Option<String> {
    const MARKER: &str = "~ changed by cargo-mutants ~";
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let protocols = std::fs::read_dir(&src).ok()?.filter_map(Result::ok);
    protocols
        .filter(|entry| entry.path().is_dir())
        .find(|entry| {
            let files = std::fs::read_dir(entry.path()).into_iter().flatten();
            files
                .filter_map(Result::ok)
                .any(|f| std::fs::read_to_string(f.path()).is_ok_and(|t| t.contains(MARKER)))
        })
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
}
