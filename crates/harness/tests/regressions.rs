//! The regression corpus: every shrunk reproducer in `traces/regressions/` must fail
//! with its bug switched on, and pass once the bug is switched off (the fixed code).

use faultline_harness::Registry;
use faultline_harness::{run, RunOptions, Scenario, Verdict};
use faultline_protocols::BuiltinProtocols;
use std::path::Path;

#[test]
fn every_regression_fails_with_its_bug_and_passes_without() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../traces/regressions");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("traces/regressions exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut problems = Vec::new();
    for file in &files {
        let name = file.display().to_string();
        let text = std::fs::read_to_string(file).unwrap();
        let with_bug =
            Scenario::parse(&text, &name, &Registry::builtin()).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !with_bug.bugs.is_empty(),
            "{name}: a regression names its bug"
        );
        assert!(
            with_bug.file.description.starts_with("Regression for"),
            "{name}: has its note"
        );
        let outcome = run(&with_bug, &RunOptions::default()).unwrap();
        if outcome.verdict != Verdict::Fail {
            problems.push(format!(
                "{name}: expected a failure with {:?}, got {:?}",
                with_bug.bugs, outcome.verdict
            ));
        }
        let mut fixed = with_bug.file.clone();
        fixed.bugs.clear();
        let fixed = Scenario::from_file_named(fixed, &name, &Registry::builtin()).unwrap();
        let outcome = run(&fixed, &RunOptions::default()).unwrap();
        if outcome.verdict != Verdict::Pass {
            problems.push(format!(
                "{name}: expected a pass with the bug off, got {:?} {:?}: {:?}",
                outcome.verdict, outcome.property, outcome.detail
            ));
        }
    }
    eprintln!("checked {} regression reproducers", files.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
