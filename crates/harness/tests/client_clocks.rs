//! Clients' clocks are as faulty as the servers': with `faults.random.clock_clients`
//! random clock faults hit client nodes too (without it, servers only), kept within
//! the lock's drift allowance, and the lock still passes.

use faultline_harness::{run, Outcome, Registry, RunOptions, Scenario};
use faultline_protocols::BuiltinProtocols;
use faultline_sim::{FaultAction, Target};

fn outcome(clock_clients: bool) -> Outcome {
    let text = format!(
        r#"{{
  "protocol": {{ "kind": "lock", "nodes": 3 }},
  "faults": {{ "random": {{ "clock_every": "200ms", "clock_jump_max": "10ms",
    "clock_clients": {clock_clients} }} }},
  "workload": {{ "clients": 3, "ops": 60 }},
  "duration": "6s"
}}"#
    );
    let registry = Registry::builtin();
    let scenario = Scenario::parse(&text, "clocks.json", &registry).unwrap();
    run(&scenario, &RunOptions::default()).unwrap()
}

/// The nodes whose clocks the run's faults moved.
fn clock_nodes(outcome: &Outcome) -> Vec<u32> {
    let faults = outcome.faults.iter().filter(|f| f.skipped.is_none());
    let nodes = faults.filter_map(|f| match &f.action {
        FaultAction::ClockJump {
            target: Target::Node(n),
            ..
        }
        | FaultAction::ClockDrift {
            target: Target::Node(n),
            ..
        } => Some(*n),
        _ => None,
    });
    nodes.collect()
}

#[test]
fn client_clocks_skew_only_when_asked_and_the_lock_holds() {
    let servers_only = outcome(false);
    assert!(clock_nodes(&servers_only).iter().all(|&n| n < 3));
    let with_clients = outcome(true);
    assert!(
        clock_nodes(&with_clients).iter().any(|&n| n >= 3),
        "{:?}",
        clock_nodes(&with_clients)
    );
    assert_eq!(with_clients.beyond_model, None);
    assert_eq!(with_clients.verdict, servers_only.verdict);
    assert_eq!(with_clients.property, None, "{:?}", with_clients.detail);
}
