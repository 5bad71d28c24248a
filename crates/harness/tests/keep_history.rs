//! A run that keeps no history in its outcome (`RunOptions::keep_history` off, as
//! fuzzing and benchmarks run) is judged exactly as one that keeps it: same verdict,
//! detail, counterexample and trace, from the live stream when it passes and from the
//! whole history the world still holds when it does not.

use faultline_harness::Registry;
use faultline_harness::{run, Outcome, RunOptions, Scenario, Verdict};
use faultline_protocols::BuiltinProtocols;
use std::path::Path;

fn scenario(relative: &str, seed: u64) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative);
    let text = std::fs::read_to_string(&path).expect("the file is in the repository");
    let mut scenario = Scenario::parse(&text, relative, &Registry::builtin()).expect("valid");
    scenario.seed = seed;
    scenario.file.seed = seed;
    scenario
}

fn both_ways(relative: &str, seed: u64) -> (Outcome, Outcome) {
    let scenario = scenario(relative, seed);
    let kept = run(&scenario, &RunOptions::default()).expect("runs");
    let without = RunOptions {
        keep_history: false,
        ..RunOptions::default()
    };
    (kept, run(&scenario, &without).expect("runs"))
}

fn assert_judged_alike(kept: &Outcome, unkept: &Outcome) {
    assert_eq!(kept.verdict, unkept.verdict);
    assert_eq!(kept.property, unkept.property);
    assert_eq!(kept.detail, unkept.detail);
    assert_eq!(kept.counterexample, unkept.counterexample);
    assert_eq!(kept.trace_hash, unkept.trace_hash);
    assert_eq!(kept.completed_ops(), unkept.completed_ops());
}

#[test]
fn a_passing_run_is_judged_alike_without_its_history_kept() {
    for seed in 0..3 {
        let (kept, unkept) = both_ways("scenarios/raft/nemesis.json", seed);
        assert_eq!(kept.verdict, Verdict::Pass, "seed {seed}");
        assert_judged_alike(&kept, &unkept);
        assert!(!kept.history.is_empty());
        assert!(unkept.history.is_empty(), "no history copied out");
        assert!(unkept.completed_ops() > 100, "counted all the same");
    }
}

#[test]
fn a_non_linearizable_run_gets_its_counterexample_without_its_history_kept() {
    let (kept, unkept) = both_ways("traces/regressions/raft.stale_read.json", 11);
    assert_eq!(kept.verdict, Verdict::Fail);
    assert_eq!(kept.property.as_deref(), Some("linearizability"));
    assert!(unkept.counterexample.is_some(), "checked whole");
    assert_judged_alike(&kept, &unkept);
}

#[test]
fn a_stuck_run_gets_its_detail_without_its_history_kept() {
    // Too many operations for the quiet period: stuck, with the words that say so.
    let mut scenario = scenario("scenarios/raft/nemesis.json", 0);
    scenario.quiet_ns = 0;
    let kept = run(&scenario, &RunOptions::default()).expect("runs");
    let without = RunOptions {
        keep_history: false,
        ..RunOptions::default()
    };
    let unkept = run(&scenario, &without).expect("runs");
    assert_eq!(kept.verdict, Verdict::Stuck, "{:?}", kept.detail);
    assert_judged_alike(&kept, &unkept);
}
