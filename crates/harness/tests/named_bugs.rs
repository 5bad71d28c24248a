//! Each named bug, switched on, makes its default fuzzing scenario (the protocol's
//! nemesis, or the one its `BugInfo` names) fail with one of the properties the bug is
//! documented to violate, within a bounded number of seeds, and the same seed passes
//! with the bug off. Every check of the invariants
//! that a bug trips is thereby shown able to fail.

mod common;

use faultline_harness::Registry;
use faultline_harness::{run, RunOptions, Scenario, Verdict};
use faultline_protocols::bugs::BugInfo;
use faultline_protocols::BuiltinProtocols;

const SEEDS_MAX: u64 = 300;

fn scenario(protocol: &str, name: &str, seed: u64, bug: Option<&str>) -> Scenario {
    let file = common::scenario_file(protocol, name, seed, bug);
    Scenario::from_file_named(file, name, &Registry::builtin()).unwrap()
}

fn nemesis(protocol: &str, seed: u64, bug: Option<&str>) -> Scenario {
    scenario(protocol, "nemesis", seed, bug)
}

fn hunt(protocol: &str, bugs: &[BugInfo]) {
    for bug in bugs {
        let found = (0..SEEDS_MAX).find_map(|seed| {
            let outcome = run(
                &scenario(protocol, bug.scenario, seed, Some(bug.name)),
                &RunOptions::default(),
            )
            .unwrap();
            (outcome.verdict == Verdict::Fail).then_some((seed, outcome))
        });
        let (seed, outcome) =
            found.unwrap_or_else(|| panic!("{} not found in {SEEDS_MAX} seeds", bug.name));
        let property = outcome.property.unwrap();
        assert!(
            bug.violates.contains(&property.as_str()),
            "{}: caught as {property}",
            bug.name
        );
        let clean = run(
            &scenario(protocol, bug.scenario, seed, None),
            &RunOptions::default(),
        )
        .unwrap();
        assert_eq!(
            clean.verdict,
            Verdict::Pass,
            "seed {seed} passes with {} off",
            bug.name
        );
    }
}

fn clean_slice(protocol: &str) {
    for seed in 0..100 {
        let outcome = run(&nemesis(protocol, seed, None), &RunOptions::default()).unwrap();
        assert_eq!(
            outcome.verdict,
            Verdict::Pass,
            "{protocol} seed {seed}: {:?} {:?}",
            outcome.property,
            outcome.detail
        );
    }
}

#[test]
fn every_raft_bug_is_caught_by_the_right_property() {
    hunt("raft", faultline_protocols::raft::bugs::BUGS);
}

#[test]
fn every_paxos_bug_is_caught_by_the_right_property() {
    hunt("paxos", faultline_protocols::paxos::bugs::BUGS);
}

#[test]
fn the_raft_nemesis_passes_a_slice_of_seeds_without_bugs() {
    clean_slice("raft");
}

#[test]
fn the_paxos_nemesis_passes_a_slice_of_seeds_without_bugs() {
    clean_slice("paxos");
}

#[test]
fn every_twopc_bug_is_caught_by_the_right_property() {
    hunt("twopc", faultline_protocols::twopc::bugs::BUGS);
}

#[test]
fn the_twopc_nemesis_passes_a_slice_of_seeds_without_bugs() {
    clean_slice("twopc");
}

#[test]
fn every_saga_bug_is_caught_by_the_right_property() {
    hunt("saga", faultline_protocols::saga::bugs::BUGS);
}

#[test]
fn the_saga_nemesis_passes_a_slice_of_seeds_without_bugs() {
    clean_slice("saga");
}

#[test]
fn every_lock_bug_is_caught_by_the_right_property() {
    hunt("lock", faultline_protocols::lock::bugs::BUGS);
}

#[test]
fn the_lock_scenarios_pass_a_slice_of_seeds_without_bugs() {
    clean_slice("lock");
    for seed in 0..100 {
        let redlock = scenario("lock", "redlock", seed, None);
        let outcome = run(&redlock, &RunOptions::default()).unwrap();
        assert_eq!(
            outcome.verdict,
            Verdict::Pass,
            "lock redlock seed {seed}: {:?} {:?}",
            outcome.property,
            outcome.detail
        );
    }
}

#[test]
fn every_gossip_bug_is_caught_by_the_right_property() {
    hunt("gossip", faultline_protocols::examples::gossip::BUGS);
}

#[test]
fn the_gossip_nemesis_passes_a_slice_of_seeds_without_bugs() {
    clean_slice("gossip");
}

#[test]
fn every_zk_bug_is_caught_by_the_right_property() {
    hunt("zk", faultline_protocols::zk::bugs::BUGS);
}

#[test]
fn the_zk_nemesis_passes_a_slice_of_seeds_without_bugs() {
    clean_slice("zk");
}

#[test]
fn every_raft_txn_bug_is_caught_by_the_right_property() {
    hunt("raft_txn", faultline_protocols::raft_txn::bugs::BUGS);
}

#[test]
fn the_raft_txn_nemesis_passes_a_slice_of_seeds_without_bugs() {
    clean_slice("raft_txn");
}
