//! Every scenario file in `scenarios/` is valid and ends as its `expect` says: `pass`
//! scenarios pass (liveness included), `fail` scenarios find their bug. The size and
//! long-run benchmarks (`benches/scale/`, `benches/long/`: up to minutes each in a
//! release build) live outside `scenarios/` so `faultline test scenarios` stays quick;
//! they are only validated here, and `cargo xtask bench scale long` runs them.

use faultline_harness::Registry;
use faultline_harness::{run, RunOptions, Scenario};
use faultline_protocols::BuiltinProtocols;
use std::path::{Path, PathBuf};

fn scenario_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("scenarios/ exists") {
        let path = entry.unwrap().path();
        if path.is_dir() {
            scenario_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// The scenario in `file`, which must parse and say what it checks; with its name.
fn parse_described(file: &Path) -> (String, Scenario) {
    let text = std::fs::read_to_string(file).unwrap();
    let name = file.display().to_string();
    let scenario =
        Scenario::parse(&text, &name, &Registry::builtin()).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !scenario.file.description.is_empty(),
        "{name}: says what it checks"
    );
    (name, scenario)
}

#[test]
fn every_scenario_file_meets_its_expectation() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let mut files = Vec::new();
    scenario_files(&root, &mut files);
    files.sort();
    assert!(files.len() >= 3, "found the scenario files");
    let mut wrong = Vec::new();
    for file in &files {
        let (name, scenario) = parse_described(file);
        let outcome = run(&scenario, &RunOptions::default()).unwrap();
        let property = scenario.expect.property();
        let expected = outcome.verdict == scenario.expect.verdict()
            && property.is_none_or(|p| outcome.property.as_deref() == Some(p));
        if !expected {
            wrong.push(format!(
                "{name}: expected {:?}, got {:?} {:?}: {:?}",
                scenario.expect, outcome.verdict, outcome.property, outcome.detail
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_benchmark_scenario_file_is_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../benches");
    let mut files = Vec::new();
    scenario_files(&root, &mut files);
    assert!(files.len() >= 10, "found the benchmark scenario files");
    for file in &files {
        parse_described(file);
    }
}
