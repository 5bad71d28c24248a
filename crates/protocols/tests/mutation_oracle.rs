//! The oracle `cargo xtask mutants` judges each mutant of a protocol by: the fuzz
//! campaign a user would run on each of the protocol's fuzzing scenarios (every file
//! in `scenarios/<protocol>/` with a random nemesis, no bugs on, expecting a pass):
//! the default one, `nemesis.json`, over a range of seeds plain and then with swarm,
//! the others (a second service such as Redlock, client crashes, slow disks) over
//! the first `FAULTLINE_ORACLE_OTHER_SEEDS` of it (50 by default), plain. A mutant
//! is caught when any run does not pass (a safety property, linearizability,
//! stuck, a panic, a runaway) or when the default scenario's campaign no longer
//! reaches a situation the scenario requires (`never_reached`), and the test fails
//! naming the property, which the task reads from the log.
//!
//! Ignored in ordinary test runs: it is the judge of a mutated tree, not a test of
//! this one. It judges the protocol whose source holds cargo-mutants' marker (every
//! protocol when none does), or the one `FAULTLINE_ORACLE_PROTOCOL` names;
//! `FAULTLINE_ORACLE_SEEDS` is the range (`0..300` by default).

use faultline_harness::reached::RequiredSituations;
use faultline_harness::seeds::{SeedRange, Shard};
use faultline_harness::{run, Outcome, Registry, RunOptions, Scenario, ScenarioFile, Verdict};
use faultline_protocols::BuiltinProtocols;
use std::path::PathBuf;

/// The protocol's fuzzing scenarios, the default one (`nemesis.json`) first.
fn fuzzing_scenarios(protocol: &str, registry: &Registry) -> Vec<(String, ScenarioFile)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios")
        .join(protocol);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort_by_key(|path| (!path.ends_with("nemesis.json"), path.clone()));
    let mut scenarios = Vec::new();
    for path in paths {
        let name = format!(
            "scenarios/{protocol}/{}",
            path.file_name().unwrap().to_string_lossy()
        );
        let text = std::fs::read_to_string(&path).expect("a scenario file reads");
        let parsed = Scenario::parse(&text, &name, registry).expect("a valid scenario");
        let fuzzed = parsed.file.faults.random.is_some() && parsed.file.bugs.is_empty();
        if fuzzed && parsed.expect.verdict() == Verdict::Pass {
            scenarios.push((name, parsed.file));
        }
    }
    scenarios
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
    let others: usize = std::env::var("FAULTLINE_ORACLE_OTHER_SEEDS")
        .map_or(Ok(50), |n| n.parse())
        .expect("FAULTLINE_ORACLE_OTHER_SEEDS is a number");
    let protocols = registry
        .protocols()
        .iter()
        .filter(|p| only.as_deref().is_none_or(|o| o == p.name));
    let names: Vec<&str> = protocols.map(|p| p.name).collect();
    assert!(!names.is_empty(), "no protocol named {only:?}");
    for protocol in &names {
        for (index, (path, file)) in fuzzing_scenarios(protocol, &registry).iter().enumerate() {
            let (swarms, count) = match index {
                0 => (&[false, true][..], usize::MAX),
                _ => (&[false][..], others),
            };
            for &swarm in swarms {
                let scenario = Scenario::from_file_named(file.clone(), path, &registry).unwrap();
                let mut required = RequiredSituations::of(&scenario);
                for seed in seeds.seeds(Shard::ALL).take(count) {
                    required.add(&judge(&registry, path, file, seed, swarm));
                }
                let reach = required.judge(true);
                assert!(
                    !reach.missed(),
                    "caught: never_reached by {path}{}: {}",
                    if swarm { " --swarm" } else { "" },
                    reach.detail().unwrap_or_default()
                );
            }
        }
    }
}

/// One run of the campaign; a run that does not pass fails the test, naming the
/// property (`caught: PROPERTY by ...`).
fn judge(registry: &Registry, path: &str, file: &ScenarioFile, seed: u64, swarm: bool) -> Outcome {
    let mut file = file.clone();
    file.seed = seed;
    file.faults.swarm = swarm;
    let scenario = Scenario::from_file_named(file, path, registry).unwrap();
    let outcome = run(&scenario, &RunOptions::default()).unwrap();
    assert!(
        outcome.verdict == Verdict::Pass,
        "caught: {} by {path} seed {seed}{}: {}",
        outcome.property.as_deref().unwrap_or("?"),
        if swarm { " --swarm" } else { "" },
        outcome.detail.as_deref().unwrap_or("")
    );
    outcome
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
