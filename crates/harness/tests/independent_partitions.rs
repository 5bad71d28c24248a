//! Independent partitions from a scenario file: with `faults.independent_partitions`
//! a scheduled partition with `for` is a cut that heals only itself, so the random
//! nemesis's heals do not end it early (without the knob they do); `network.across_cut`
//! holds messages for the heal; bad values are located errors.

use faultline_harness::Registry;
use faultline_harness::{run, RunOptions, Scenario};
use faultline_protocols::BuiltinProtocols;
use faultline_sim::{FaultAction, PartitionShape, SECOND};

/// Raft with node 0 isolated from 1s for 4s, under random partitions of its own.
fn scenario(independent: bool) -> String {
    format!(
        r#"{{
  "protocol": {{ "kind": "raft", "nodes": 5 }},
  "faults": {{
    "independent_partitions": {independent},
    "schedule": [ {{ "at": "1s", "partition": {{ "isolate": 0 }}, "for": "4s" }} ],
    "random": {{ "partition_every": "300ms", "partition_for": "200ms" }}
  }},
  "workload": {{ "clients": 2, "ops": 40 }},
  "duration": "6s"
}}"#
    )
}

/// When node 0 was first no longer isolated after 1s: the cuts isolating it are
/// counted (a random cut may isolate it too) until a heal leaves none.
fn isolation_end_ns(independent: bool) -> u64 {
    let registry = Registry::builtin();
    let scenario = Scenario::parse(&scenario(independent), "cuts.json", &registry).unwrap();
    let outcome = run(&scenario, &RunOptions::default()).unwrap();
    let isolated = PartitionShape::Groups(vec![vec![0], vec![1, 2, 3, 4]]);
    let mut live = 0;
    for fault in outcome.faults.iter().filter(|f| f.skipped.is_none()) {
        match &fault.action {
            FaultAction::Partition(shape) | FaultAction::Cut { shape, .. }
                if *shape == isolated =>
            {
                live += 1
            }
            FaultAction::HealCut(shape) if *shape == isolated => live -= 1,
            FaultAction::Heal | FaultAction::RecoverAll => live = 0,
            _ => continue,
        }
        if live == 0 && fault.at_ns > SECOND {
            return fault.at_ns;
        }
    }
    panic!("the isolation never ends")
}

#[test]
fn a_scheduled_cut_outlives_the_random_heals_only_when_independent() {
    assert!(
        isolation_end_ns(false) < 5 * SECOND,
        "a random heal ends it early"
    );
    assert_eq!(
        isolation_end_ns(true),
        5 * SECOND,
        "it ends when its own window does"
    );
}

#[test]
fn partitions_become_cuts_and_holding_is_a_network_setting() {
    let registry = Registry::builtin();
    let text = scenario(true).replace(
        r#""protocol""#,
        r#""network": { "across_cut": "hold" }, "protocol""#,
    );
    let scenario = Scenario::parse(&text, "cuts.json", &registry).unwrap();
    assert!(scenario.network.hold_across_cut);
    assert!(matches!(
        scenario.schedule[..],
        [(_, FaultAction::Cut { heal_after_ns: Some(d), .. })] if d == 4 * SECOND
    ));
    assert!(scenario.nemesis.unwrap().independent_partitions);
}

#[test]
fn bad_values_are_located_errors() {
    let registry = Registry::builtin();
    let text = scenario(true).replace(
        r#""protocol""#,
        r#""network": { "across_cut": "keep" }, "protocol""#,
    );
    let err = Scenario::parse(&text, "cuts.json", &registry).unwrap_err();
    assert_eq!(
        (err.path.as_str(), err.line),
        ("network.across_cut", 2),
        "{err}"
    );
    assert!(err.message.contains("hold"), "{err}");
    let text = scenario(true).replace(r#": true,"#, r#": "yes","#);
    let err = Scenario::parse(&text, "cuts.json", &registry).unwrap_err();
    assert_eq!(err.path, "faults.independent_partitions", "{err}");
    assert_eq!(err.line, 4, "{err}");
}
