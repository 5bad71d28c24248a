//! Clients as faulty as servers: a client node that crashes comes back as a new
//! process with a fresh identity (a fresh session with the servers). The crashed
//! process's operation stays pending in the history and never blocks the new one;
//! the new process runs the rest of the plan. Protocols whose clients do not
//! restart refuse client crashes rather than fail for the wrong reason.

use faultline_api::{ClientEventKind, TimedClientEvent};
use faultline_harness::{run, Outcome, Registry, RunOptions, Scenario, Verdict};
use faultline_protocols::BuiltinProtocols;
use std::collections::BTreeMap;

fn scenario(protocol: &str, faults: &str, seed: u64) -> Result<Scenario, String> {
    let text = format!(
        r#"{{
  "protocol": {protocol},
  "faults": {faults},
  "workload": {{ "clients": 3, "ops": 90 }},
  "duration": "6s",
  "seed": {seed}
}}"#
    );
    Scenario::parse(&text, "clients.json", &Registry::builtin()).map_err(|e| e.to_string())
}

fn outcome(protocol: &str, faults: &str, seed: u64) -> Outcome {
    let options = RunOptions {
        keep_trace: false,
        ..RunOptions::default()
    };
    run(&scenario(protocol, faults, seed).unwrap(), &options).unwrap()
}

const RAFT: &str = r#"{ "kind": "raft", "nodes": 3 }"#;

/// Per history process: how many invocations and completions it made.
fn per_process(history: &[TimedClientEvent]) -> BTreeMap<u64, (usize, usize)> {
    let mut counts = BTreeMap::new();
    for event in history {
        let (invoked, completed) = counts.entry(event.value.process).or_insert((0, 0));
        match event.value.kind {
            ClientEventKind::Invoke => *invoked += 1,
            _ => *completed += 1,
        }
    }
    counts
}

#[test]
fn a_crashed_client_comes_back_as_a_new_process_and_the_run_passes() {
    // Nodes 0-2 are servers, 3-5 clients (6 nodes): client 3 restarts as process 9.
    let faults = r#"{ "schedule": [ { "at": "1s", "crash": 3, "for": "300ms" } ] }"#;
    let crashed_mid_operation = (0..20).find(|&seed| {
        let run = outcome(RAFT, faults, seed);
        assert_eq!(run.verdict, Verdict::Pass, "seed {seed}: {:?}", run.detail);
        let counts = per_process(&run.history);
        let (invoked, completed) = counts.get(&3).copied().unwrap_or_default();
        let fresh = counts.get(&9).copied().unwrap_or_default();
        assert!(
            fresh.0 > 0,
            "seed {seed}: the new process ran nothing: {counts:?}"
        );
        assert_eq!(
            fresh.0, fresh.1,
            "seed {seed}: the new process finished its work"
        );
        invoked == completed + 1
    });
    assert!(
        crashed_mid_operation.is_some(),
        "in 20 seeds the crash never caught client 3 mid-operation"
    );
}

#[test]
fn random_client_crashes_pass_a_slice_of_seeds_and_replay() {
    let faults = r#"{ "random": { "client_crash_every": "400ms", "crash_for": "300ms",
        "crash_every": "2s" } }"#;
    for seed in 0..30 {
        let run = outcome(RAFT, faults, seed);
        assert_eq!(run.verdict, Verdict::Pass, "seed {seed}: {:?}", run.detail);
        let client_crashes = run.faults.iter().filter(|f| {
            f.skipped.is_none()
                && matches!(f.action, faultline_sim::FaultAction::Crash {
                    target: faultline_sim::Target::Node(n), ..
                } if n >= 3)
        });
        assert!(client_crashes.count() > 0, "seed {seed}: no client crashed");
        assert_eq!(run.trace_hash, outcome(RAFT, faults, seed).trace_hash);
    }
}

#[test]
fn client_crashes_are_refused_where_the_clients_do_not_restart() {
    let saga = r#"{ "kind": "saga", "nodes": 4 }"#;
    let named = r#"{ "schedule": [ { "at": "1s", "crash": 5, "for": "300ms" } ] }"#;
    let error = scenario(saga, named, 0).unwrap_err();
    assert!(error.contains("faults.schedule[0].crash"), "{error}");
    assert!(error.contains("Assumptions::clients_restart"), "{error}");
    let random = r#"{ "random": { "client_crash_every": "1s" } }"#;
    let error = scenario(saga, random, 0).unwrap_err();
    assert!(
        error.contains("faults.random.client_crash_every"),
        "{error}"
    );
    let beyond = r#"{ "beyond_model": true,
        "schedule": [ { "at": "1s", "crash": 5, "for": "300ms" } ] }"#;
    assert!(
        scenario(saga, beyond, 0).is_ok(),
        "beyond the model it runs"
    );
}
