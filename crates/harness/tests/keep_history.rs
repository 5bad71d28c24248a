//! A run that keeps no history in its outcome (`RunOptions::keep_history` off, as
//! fuzzing and benchmarks run) is judged exactly as one that keeps it: same verdict,
//! detail, counterexample and trace, from the live stream when it passes and from the
//! whole history when it does not (run again keeping its record, when it forgot it).

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

/// Without its history kept, a run of a protocol whose checks read observations as
/// they come forgets its record once read: a passing one returns no fault list
/// (its faults are counted all the same) and is judged as one that kept it.
#[test]
fn a_run_that_forgets_its_record_is_judged_and_counted_alike() {
    let scenarios = [
        "scenarios/raft/nemesis.json",
        "scenarios/paxos/nemesis.json",
        "scenarios/twopc/nemesis.json",
        "scenarios/saga/nemesis.json",
        "scenarios/lock/nemesis.json",
        "scenarios/zk/nemesis.json",
        "scenarios/gossip/nemesis.json",
        "scenarios/raft/client_crashes.json",
        "scenarios/paxos/client_crashes.json",
    ];
    for relative in scenarios {
        for seed in 0..2 {
            let (kept, unkept) = both_ways(relative, seed);
            let at = format!("{relative} seed {seed}");
            assert_eq!(kept.verdict, Verdict::Pass, "{at}: {:?}", kept.detail);
            assert_judged_alike(&kept, &unkept);
            assert_eq!(kept.fault_tally(), unkept.fault_tally(), "{at}");
            assert_eq!(kept.events, unkept.events, "{at}");
            assert_eq!(kept.reached, unkept.reached, "{at}");
            assert!(kept.applied_fault_count() > 0, "{at}: the nemesis was busy");
            assert!(
                unkept.faults.is_empty(),
                "{at}: the record was forgotten: {:?}",
                unkept.faults
            );
        }
    }
}

/// A run that forgot its record and fails on a verdict judged from the history is
/// run again keeping it; one that breaks a safety property on the way is judged as
/// it stood. Either way it says what a run that kept its record says.
#[test]
fn a_failing_run_that_forgot_its_record_is_judged_as_one_that_kept_it() {
    let failing = [
        ("traces/regressions/raft.stale_read.json", 11),
        ("traces/regressions/twopc.decision_not_logged.json", 0),
        ("traces/regressions/twopc.late_decision_overwrites.json", 1),
        ("scenarios/raft/nemesis.json", 0),
    ];
    for (relative, seed) in failing {
        let mut scenario = scenario(relative, seed);
        if relative.contains("nemesis") {
            scenario.quiet_ns = 0; // stuck: too many operations for no quiet period
        }
        let kept = run(&scenario, &RunOptions::default()).expect("runs");
        let without = RunOptions {
            keep_history: false,
            ..RunOptions::default()
        };
        let unkept = run(&scenario, &without).expect("runs");
        assert_ne!(kept.verdict, Verdict::Pass, "{relative}");
        assert_judged_alike(&kept, &unkept);
        assert!(unkept.detail.is_some(), "{relative}: a detail");
        assert_eq!(kept.fault_tally(), unkept.fault_tally(), "{relative}");
        assert_eq!(kept.events, unkept.events, "{relative}");
        // Judged from the history: run again keeping the record, faults and all;
        // a safety property broken on the way: judged as it stood, faults counted.
        let property = kept.property.as_deref().unwrap_or_default();
        let from_history = ["linearizability", "stuck"].contains(&property);
        assert_eq!(unkept.faults.is_empty(), !from_history, "{relative}");
    }
}
