//! A node down for good by its role (`checks.down_for_good`): one availability
//! bound after the faults, the next lock holder crashes holding the lock and never
//! comes back (a client, in protocols whose clients never restart). The lock and zk
//! scenarios pass with it; a lease or a session that outlives the bound fails
//! `unavailable`, because from then on every acquire is refused: answered, never
//! served. And the file is checked: one of `leader_down` and `down_for_good`, with
//! availability, naming a role the protocol's nodes claim.

mod common;

use common::scenario_file;
use faultline_harness::{run, Outcome, Registry, RunOptions, Scenario, ScenarioFile, Verdict};
use faultline_protocols::BuiltinProtocols;
use faultline_sim::FaultAction;

/// A run of `protocol`'s `holder_down.json` at `seed`, its file changed by `change`,
/// and the failure's detail (empty when it passed).
fn holder_down(
    protocol: &str,
    seed: u64,
    change: impl Fn(&mut ScenarioFile),
    registry: &Registry,
) -> (Outcome, String) {
    let mut file = scenario_file(protocol, "holder_down", seed, None);
    change(&mut file);
    let mut scenario = Scenario::from_file_named(file, "holder_down.json", registry).unwrap();
    scenario.seed = seed;
    let outcome = run(&scenario, &RunOptions::default()).unwrap();
    let detail = outcome.detail.clone().unwrap_or_default();
    (outcome, detail)
}

/// The node the run crashed for good, if any: a crash that never restarts.
fn crashed_for_good(outcome: &Outcome) -> Option<u32> {
    outcome
        .faults
        .iter()
        .find_map(|applied| match applied.action {
            FaultAction::Crash {
                target: faultline_sim::Target::Node(node),
                restart_after_ns: None,
            } if applied.skipped.is_none() => Some(node),
            _ => None,
        })
}

#[test]
fn a_dead_holder_is_crashed_and_the_others_go_on() {
    let registry = Registry::builtin();
    for (protocol, first_client) in [("lock", 3), ("zk", 4)] {
        for seed in 0..5 {
            let (outcome, detail) = holder_down(protocol, seed, |_| {}, &registry);
            assert_eq!(
                outcome.verdict,
                Verdict::Pass,
                "{protocol} {seed}: {detail}"
            );
            let down = crashed_for_good(&outcome).expect("a holder went down for good");
            assert!(
                down >= first_client,
                "{protocol} {seed}: n{down} is a client"
            );
        }
    }
}

#[test]
fn a_lease_or_session_that_outlives_the_bound_is_unavailable() {
    let registry = Registry::builtin();
    let cases = [
        ("lock", "ttl_ms", 10_000),
        ("zk", "session_timeout_ms", 20_000),
    ];
    for (protocol, option, long) in cases {
        for seed in 0..3 {
            let longer = |file: &mut ScenarioFile| {
                file.protocol.options.insert(option.into(), long.into());
            };
            let (outcome, detail) = holder_down(protocol, seed, longer, &registry);
            assert_eq!(
                outcome.verdict,
                Verdict::Fail,
                "{protocol} {seed}: {detail}"
            );
            assert_eq!(outcome.property.as_deref(), Some("unavailable"), "{detail}");
            assert!(detail.contains("answered but none succeeded"), "{detail}");
            assert!(detail.contains("availability bound 3.000s"), "{detail}");
        }
    }
}

#[test]
fn down_for_good_needs_availability_one_spelling_and_a_claimed_role() {
    let registry = Registry::builtin();
    let parse = |checks: &str, protocol: &str| {
        let text = format!(r#"{{"protocol": {protocol}, "checks": {checks}}}"#);
        Scenario::parse(&text, "down.json", &registry).unwrap_err()
    };
    let lock = r#"{"kind": "lock", "nodes": 3}"#;
    let err = parse(r#"{"down_for_good": "holder"}"#, lock);
    assert_eq!(err.path, "checks.down_for_good");
    assert!(
        err.message.contains("`checks.availability` too"),
        "{}",
        err.message
    );
    let both = r#"{"availability": "1s", "leader_down": true, "down_for_good": "holder"}"#;
    let err = parse(both, lock);
    assert_eq!(err.path, "checks.down_for_good");
    assert!(
        err.message.contains("one of `leader_down`"),
        "{}",
        err.message
    );
    let raft = r#"{"kind": "raft", "nodes": 3}"#;
    let err = parse(r#"{"availability": "1s", "down_for_good": "holder"}"#, raft);
    assert_eq!(err.path, "checks.down_for_good");
    assert!(err.message.contains("no `holder` role"), "{}", err.message);
    assert!(err.message.contains("leader"), "{}", err.message);
}
