//! The transactional store on Raft is held to strict serializability by the harness's
//! isolation check alone: with `raft_txn.local_read_only` a known seed of its default
//! scenario serves a stale read-only transaction, which the check names as a
//! real-time cycle, while Raft's own invariants hold; the same seed passes without
//! the bug.

mod common;

use faultline_harness::Registry;
use faultline_harness::{run, RunOptions, Scenario, Verdict};
use faultline_protocols::BuiltinProtocols;

const BUG: &str = "raft_txn.local_read_only";
/// The first seed of `scenarios/raft_txn/nemesis.json` the bug fails.
const FAILING_SEED: u64 = 2;

fn nemesis(seed: u64, bug: Option<&str>) -> Scenario {
    let file = common::scenario_file("raft_txn", "nemesis", seed, bug);
    Scenario::from_file_named(file, "nemesis", &Registry::builtin()).unwrap()
}

#[test]
fn a_stale_read_only_transaction_fails_the_isolation_check() {
    let outcome = run(&nemesis(FAILING_SEED, Some(BUG)), &RunOptions::default()).unwrap();
    assert_eq!(outcome.verdict, Verdict::Fail);
    assert_eq!(outcome.property.as_deref(), Some("isolation"));
    let detail = outcome.detail.unwrap_or_default();
    assert!(detail.contains("G-single-realtime"), "{detail}");
    assert!(detail.contains("strict-serializable"), "{detail}");
}

#[test]
fn the_same_seed_passes_without_the_bug() {
    let outcome = run(&nemesis(FAILING_SEED, None), &RunOptions::default()).unwrap();
    assert_eq!(outcome.verdict, Verdict::Pass, "{:?}", outcome.detail);
}

#[test]
fn the_default_scenario_passes_a_few_seeds() {
    for seed in 0..5 {
        let outcome = run(&nemesis(seed, None), &RunOptions::default()).unwrap();
        assert_eq!(
            outcome.verdict,
            Verdict::Pass,
            "seed {seed}: {:?}",
            outcome.detail
        );
    }
}
