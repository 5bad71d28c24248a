//! Faults users aim precisely: a crash at a point inside a handler (`at_point`, and
//! the nemesis's `crash_point_every`), and faults the run sets off when a node newly
//! takes a role (`faults.triggers`). Each is validated against what the protocol
//! declares, applied where it says, replayed identically, and kept out of the
//! explicit form the shrinker writes.

use faultline_harness::shrink::explicit_form;
use faultline_harness::{run, Outcome, Registry, RunOptions, Scenario, Verdict};
use faultline_protocols::BuiltinProtocols;
use faultline_sim::{FaultAction, PartitionShape, Target};

fn scenario(protocol: &str, faults: &str) -> Result<Scenario, String> {
    let text = format!(
        r#"{{
  "protocol": {protocol},
  "faults": {faults},
  "workload": {{ "clients": 2, "ops": 60 }},
  "duration": "6s",
  "seed": 4
}}"#
    );
    Scenario::parse(&text, "aimed.json", &Registry::builtin()).map_err(|e| e.to_string())
}

fn outcome(protocol: &str, faults: &str) -> Outcome {
    let options = RunOptions::traced();
    run(&scenario(protocol, faults).unwrap(), &options).unwrap()
}

const RAFT: &str = r#"{ "kind": "raft", "nodes": 5 }"#;

fn applied(outcome: &Outcome) -> impl Iterator<Item = &FaultAction> {
    outcome
        .faults
        .iter()
        .filter(|f| f.skipped.is_none())
        .map(|f| &f.action)
}

#[test]
fn a_scheduled_crash_lands_at_its_point_and_replays() {
    let faults = r#"{ "schedule": [ { "at": "1s", "crash": "leader",
        "at_point": "after_apply_before_reply", "for": "300ms" } ] }"#;
    let first = outcome(RAFT, faults);
    let crash = first
        .faults
        .iter()
        .find(|f| f.action.kind_name() == "crash")
        .unwrap();
    assert!(crash.skipped.is_none(), "{crash:?}");
    assert!(crash.at_ns >= 1_000_000_000, "not before it was armed");
    let FaultAction::CrashAtPoint { point, .. } = &crash.action else {
        panic!("{crash:?}")
    };
    assert_eq!(point, "after_apply_before_reply");
    assert_eq!(first.verdict, Verdict::Pass, "{:?}", first.detail);
    assert_eq!(first.trace_hash, outcome(RAFT, faults).trace_hash);
}

#[test]
fn crash_points_are_checked_against_what_the_protocol_declares() {
    let unknown = r#"{ "schedule": [ { "at": "1s", "crash": 0, "at_point": "after_lunch" } ] }"#;
    let error = scenario(RAFT, unknown).unwrap_err();
    assert!(error.contains("faults.schedule[0].at_point"), "{error}");
    assert!(
        error.contains("unknown crash point `after_lunch`; expected one of"),
        "{error}"
    );
    let misplaced = r#"{ "schedule": [ { "at": "1s", "pause": 0, "at_point": "x" } ] }"#;
    let error = scenario(RAFT, misplaced).unwrap_err();
    assert!(
        error.contains("`at_point` applies only to crash"),
        "{error}"
    );
    let lock = r#"{ "kind": "lock", "nodes": 3 }"#;
    let none = r#"{ "random": { "crash_point_every": "1s" } }"#;
    let error = scenario(lock, none).unwrap_err();
    assert!(error.contains("declares no crash points"), "{error}");
}

#[test]
fn the_nemesis_crashes_nodes_at_points_it_draws() {
    let faults = r#"{ "random": { "crash_point_every": "500ms", "crash_for": "200ms" } }"#;
    let outcome = outcome(RAFT, faults);
    let at_points = applied(&outcome)
        .filter(|a| matches!(a, FaultAction::CrashAtPoint { .. }))
        .count();
    assert!(at_points >= 3, "{:?}", outcome.faults);
    assert_eq!(outcome.verdict, Verdict::Pass, "{:?}", outcome.detail);
}

/// Each node that became leader, and when, from the node states the run kept.
fn elections(outcome: &Outcome) -> Vec<(u64, u32)> {
    let mut leaders = Vec::new();
    let mut was_leader = std::collections::BTreeSet::new();
    for change in &outcome.states {
        let leads = change
            .state
            .as_deref()
            .is_some_and(|s| s.starts_with("leader"));
        if leads && was_leader.insert(change.node) {
            leaders.push((change.t, change.node));
        }
        if !leads {
            was_leader.remove(&change.node);
        }
    }
    leaders
}

#[test]
fn a_trigger_crashes_each_new_leader_at_once() {
    let faults = r#"{ "triggers": [ { "on": "leader", "fault": "crash", "for": "400ms" } ] }"#;
    let outcome = outcome(RAFT, faults);
    let crashes: Vec<(u64, u32)> = outcome
        .faults
        .iter()
        .filter_map(|f| match (&f.action, &f.skipped) {
            (
                FaultAction::Crash {
                    target: Target::Node(n),
                    ..
                },
                None,
            ) => Some((f.at_ns, *n)),
            _ => None,
        })
        .collect();
    assert!(crashes.len() >= 3, "{crashes:?}");
    let elections = elections(&outcome);
    for crash in &crashes {
        assert!(
            elections.contains(crash),
            "{crash:?} is not an election: {elections:?}"
        );
    }
    let plain = self::outcome(RAFT, "{}");
    assert_eq!(applied(&plain).count(), 1, "only the recovery at the end");
}

#[test]
fn a_trigger_isolates_the_lock_holder_a_client() {
    let lock = r#"{ "kind": "lock", "nodes": 3 }"#;
    let faults = r#"{ "triggers": [ { "on": "holder", "fault": "isolate", "within": "20ms",
        "for": "300ms", "probability": 0.5 } ] }"#;
    let outcome = outcome(lock, faults);
    let isolated = applied(&outcome).any(|a| match a {
        FaultAction::Cut {
            shape: PartitionShape::Groups(groups),
            ..
        } => groups.iter().any(|g| g.len() == 1 && g[0] >= 3),
        _ => false,
    });
    assert!(isolated, "{:?}", outcome.faults);
}

#[test]
fn triggers_are_validated() {
    let cases = [
        (
            r#"{ "on": "leadr", "fault": "crash" }"#,
            "faults.triggers[0].on",
        ),
        (
            r#"{ "on": "leader", "fault": "crash", "probability": 2 }"#,
            "probability",
        ),
        (
            r#"{ "on": "leader", "fault": "clock_jump" }"#,
            "`by` goes with",
        ),
        (
            r#"{ "on": "leader", "fault": "pause",
            "at_point": "after_fsync_before_send" }"#,
            "`at_point` applies only",
        ),
        (
            r#"{ "on": "leader", "fault": "crash", "at_point": "x" }"#,
            "unknown crash point",
        ),
        (
            r#"{ "on": "leader", "fault": "explode" }"#,
            "unknown variant",
        ),
    ];
    for (trigger, expected) in cases {
        let faults = format!(r#"{{ "triggers": [ {trigger} ] }}"#);
        let error = scenario(RAFT, &faults).unwrap_err();
        assert!(error.contains(expected), "{trigger}: {error}");
    }
}

#[test]
fn the_explicit_form_keeps_crash_points_and_drops_the_triggers() {
    let faults = r#"{ "random": { "crash_point_every": "700ms", "crash_for": "200ms" },
        "triggers": [ { "on": "leader", "fault": "pause", "within": "10ms", "for": "100ms" } ] }"#;
    let original = outcome(RAFT, faults);
    let registry = Registry::builtin();
    let info = registry.get("raft").cloned().unwrap();
    let file = scenario(RAFT, faults).unwrap().file;
    let explicit = explicit_form(&file, &original, &info);
    assert!(
        explicit.faults.triggers.is_empty(),
        "their faults are in the schedule"
    );
    let at_points = explicit
        .faults
        .schedule
        .iter()
        .filter(|e| e.at_point.is_some());
    assert!(at_points.count() >= 2, "{:?}", explicit.faults.schedule);
    let again = run(
        &Scenario::from_file_named(explicit, "explicit", &registry).unwrap(),
        &RunOptions::default(),
    )
    .unwrap();
    let applied = |o: &Outcome| -> Vec<String> {
        let fired = o.faults.iter().filter(|f| f.skipped.is_none());
        fired.map(|f| format!("{} {}", f.at_ns, f.action)).collect()
    };
    assert_eq!(applied(&again), applied(&original));
}
