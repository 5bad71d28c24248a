//! The regression corpus: every shrunk reproducer in `traces/regressions/` records
//! the property it fails with (`"expect": {"fails_with": P}`), must fail with exactly
//! that property with its bug switched on, and pass once the bug is switched off
//! (the fixed code). A change that makes a reproducer fail some other way is a
//! change in what it shows, and is seen here.

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
        let Some(property) = with_bug.expect.property() else {
            problems.push(format!(
                "{name}: records no property (\"expect\": {{\"fails_with\": ..}})"
            ));
            continue;
        };
        let outcome = run(&with_bug, &RunOptions::default()).unwrap();
        if outcome.verdict != Verdict::Fail || outcome.property.as_deref() != Some(property) {
            problems.push(format!(
                "{name}: expected a failure of {property} with {:?}, got {:?} {:?}",
                with_bug.bugs, outcome.verdict, outcome.property
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
