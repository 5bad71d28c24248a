//! Every scenario file in `scenarios/` is valid and ends as its `expect` says: `pass`
//! scenarios pass (liveness included), `fail` scenarios find their bug. The size and
//! long-run benchmarks (`scenarios/bench/scale/`, `scenarios/bench/long/`: up to a
//! minute each) are only validated here; `cargo xtask bench scale long` and
//! `faultline test scenarios` run them.

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

/// Benchmark scenarios too large to run on every `cargo test`.
const MEASURED_ONLY: &[&str] = &["bench/scale", "bench/long"];

#[test]
fn every_scenario_file_meets_its_expectation() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let mut files = Vec::new();
    scenario_files(&root, &mut files);
    files.sort();
    assert!(files.len() >= 3, "found the scenario files");
    let mut wrong = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let name = file.display().to_string();
        let scenario =
            Scenario::parse(&text, &name, &Registry::builtin()).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !scenario.file.description.is_empty(),
            "{name}: says what it checks"
        );
        if MEASURED_ONLY
            .iter()
            .any(|dir| file.starts_with(root.join(dir)))
        {
            continue;
        }
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
