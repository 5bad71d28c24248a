//! Disks that fail, from a scenario file: slow fsyncs change the run but not its
//! verdict; a replaced machine (an emptied disk) is outside the model of a
//! protocol that keeps state on disk, so random replacements stay off unless
//! `beyond_model` and a scheduled one is named in the verdict; mistakes are
//! located.

use faultline_harness::{run, Outcome, Registry, RunOptions, Scenario};
use faultline_protocols::BuiltinProtocols;
use faultline_sim::FaultAction;

fn scenario(extra: &str) -> String {
    format!(
        r#"{{
  "protocol": {{ "kind": "raft", "nodes": 3 }},
  {extra}
  "workload": {{ "clients": 2, "ops": 40 }},
  "duration": "6s"
}}"#
    )
}

fn outcome(extra: &str) -> Outcome {
    let registry = Registry::builtin();
    let scenario = Scenario::parse(&scenario(extra), "disk.json", &registry).unwrap();
    run(&scenario, &RunOptions::default()).unwrap()
}

fn replaced(outcome: &Outcome) -> usize {
    let faults = outcome.faults.iter().filter(|f| f.skipped.is_none());
    faults
        .filter(|f| matches!(f.action, FaultAction::Replace { .. }))
        .count()
}

#[test]
fn slow_fsyncs_slow_the_run_and_it_still_passes() {
    let plain = outcome("");
    let slow = outcome(r#""disk": { "slow_fsync": { "min": "5ms", "max": "30ms" } },"#);
    assert_ne!(plain.trace_hash, slow.trace_hash);
    assert_eq!(slow.verdict, plain.verdict, "{:?}", slow.detail);
}

#[test]
fn replacements_stay_outside_a_disk_keeping_protocol_unless_asked() {
    let random = r#""faults": { "random": { "replace_every": "1s", "crash_for": "300ms" } },"#;
    let inside = outcome(random);
    assert_eq!(replaced(&inside), 0, "kept inside Raft's model");
    assert_eq!(inside.beyond_model, None);
    let beyond = random.replace(r#""random""#, r#""beyond_model": true, "random""#);
    let beyond = outcome(&beyond);
    assert!(replaced(&beyond) > 0);
    assert!(beyond.beyond_model.unwrap().contains("empty disk"));
    let scheduled =
        outcome(r#""faults": { "schedule": [ { "at": "2s", "replace": 1, "for": "500ms" } ] },"#);
    assert_eq!(replaced(&scheduled), 1);
    assert!(scheduled.beyond_model.unwrap().contains("empty disk"));
}

#[test]
fn mistakes_are_located() {
    let registry = Registry::builtin();
    let cases = [
        (
            r#""disk": { "slow_fsync": { "min": "9ms", "max": "1ms" } },"#,
            "disk.slow_fsync.min",
            "above max",
        ),
        (
            r#""disk": { "slow_fsync": { "min": "1ms", "max": "2ms", "nodes": [7] } },"#,
            "disk.slow_fsync.nodes[0]",
            "no node 7",
        ),
        (
            r#""faults": { "schedule": [ { "at": "1s", "replace": 3 } ] },"#,
            "faults.schedule[0].replace",
            "is a client",
        ),
    ];
    for (extra, path, words) in cases {
        let err = Scenario::parse(&scenario(extra), "disk.json", &registry).unwrap_err();
        assert_eq!(err.path, path, "{err}");
        assert_eq!(err.line, 3, "{err}");
        assert!(err.message.contains(words), "{err}");
    }
}
