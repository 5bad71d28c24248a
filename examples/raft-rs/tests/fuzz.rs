//! raft-rs under faultline's nemesis, from `cargo test`: every seed passes with a
//! correct adapter, plain and swarm, and repeats itself exactly (the determinism
//! test is what would show raft-rs's thread-local rng or a hash map leaking into a
//! run); every named adapter bug is caught by the property its `BugInfo` names first.

use faultline::prelude::*;
use faultline::testing::Fuzz;
use raftrs::RaftRs;

const NEMESIS: &str = "scenarios/raftrs/nemesis.json";

fn registry() -> Registry {
    Registry::builtin().with::<RaftRs>()
}

#[test]
fn the_nemesis_passes_with_a_correct_adapter() {
    Fuzz::file(registry(), NEMESIS)
        .seeds(0..100)
        .assert_passes();
}

#[test]
fn the_nemesis_passes_with_a_correct_adapter_in_swarm_mode() {
    Fuzz::file(registry(), NEMESIS)
        .seeds(0..100)
        .swarm()
        .assert_passes();
}

#[test]
fn every_seed_repeats_itself_and_replays_from_its_trace() {
    Fuzz::file(registry(), NEMESIS)
        .seeds(0..10)
        .assert_deterministic();
}

#[test]
fn every_named_adapter_bug_is_caught_by_its_first_listed_property() {
    for bug in RaftRs::bugs() {
        Fuzz::file(registry(), NEMESIS)
            .seeds(0..300)
            .assert_caught(bug.name, bug.violates[0]);
    }
}

#[test]
fn torn_writes_and_frequent_snapshots_pass_with_a_correct_adapter() {
    Fuzz::file(registry(), "scenarios/raftrs/torn_snapshots.json")
        .seeds(0..50)
        .swarm()
        .assert_passes();
}
