//! Several crashes at once from the random nemesis: `crash_max_concurrent` takes
//! servers down together, never more than the protocol tolerates (a Raft minority)
//! unless the scenario goes `beyond_model`, which the verdict then says.

use faultline_harness::{run, Outcome, Registry, RunOptions, Scenario};
use faultline_protocols::BuiltinProtocols;
use faultline_sim::{FaultAction, Target};
use std::collections::BTreeSet;

fn outcome(random: &str, beyond_model: bool) -> Outcome {
    let text = format!(
        r#"{{
  "protocol": {{ "kind": "raft", "nodes": 5 }},
  "faults": {{ "beyond_model": {beyond_model}, "random": {random} }},
  "workload": {{ "clients": 2, "ops": 60 }},
  "duration": "20s",
  "seed": 3
}}"#
    );
    let registry = Registry::builtin();
    let scenario = Scenario::parse(&text, "together.json", &registry).unwrap();
    run(&scenario, &RunOptions::default()).unwrap()
}

/// The most servers down at the same time during the run.
fn most_down(outcome: &Outcome) -> usize {
    let mut down = BTreeSet::new();
    let mut most = 0;
    for fault in outcome.faults.iter().filter(|f| f.skipped.is_none()) {
        match &fault.action {
            FaultAction::Crash {
                target: Target::Node(n),
                ..
            } => {
                down.insert(*n);
            }
            FaultAction::Restart(Target::Node(n)) => {
                down.remove(n);
            }
            FaultAction::RecoverAll => down.clear(),
            _ => {}
        }
        most = most.max(down.len());
    }
    most
}

const TOGETHER: &str = r#"{ "crash_every": "1s", "crash_for": "600ms", "leader_bias": 0,
    "crash_max_concurrent": 4 }"#;

#[test]
fn crashes_come_together_within_the_minority_raft_tolerates() {
    let single = outcome(r#"{ "crash_every": "1s", "crash_for": "600ms" }"#, false);
    assert_eq!(most_down(&single), 1);
    let together = outcome(TOGETHER, false);
    assert_eq!(most_down(&together), 2, "capped at a minority of five");
    assert_eq!(together.beyond_model, None);
    assert_eq!(together.verdict, single.verdict);
}

#[test]
fn beyond_the_model_more_go_down_and_the_verdict_says_so() {
    let beyond = outcome(TOGETHER, true);
    assert!(most_down(&beyond) > 2, "{}", most_down(&beyond));
    let words = beyond.beyond_model.expect("outside the model");
    assert!(words.contains("4 servers crashed together > 2"), "{words}");
}

#[test]
fn the_bound_is_validated() {
    let registry = Registry::builtin();
    for (bound, words) in [("0", "at least 1"), ("6", "more than the 5 servers")] {
        let text = format!(
            r#"{{
  "protocol": {{ "kind": "raft", "nodes": 5 }},
  "faults": {{ "random": {{ "crash_every": "1s", "crash_max_concurrent": {bound} }} }}
}}"#
        );
        let err = Scenario::parse(&text, "together.json", &registry).unwrap_err();
        assert_eq!(err.path, "faults.random.crash_max_concurrent", "{err}");
        assert_eq!(err.line, 3, "{err}");
        assert!(err.message.contains(words), "{err}");
    }
}
