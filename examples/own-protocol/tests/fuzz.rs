//! The ABD register under faultline's nemesis, from `cargo test`: every seed passes
//! with no bug on, plain and swarm, and repeats itself exactly; every named bug is caught by the
//! property its `BugInfo` names first; the focused scenarios fail or pass as they `expect`.

use abd::Abd;
use faultline::prelude::*;
use faultline::testing::Fuzz;

const NEMESIS: &str = "scenarios/abd/nemesis.json";

fn registry() -> Registry {
    Registry::builtin().with::<Abd>()
}

#[test]
fn the_nemesis_passes_without_bugs() {
    Fuzz::file(registry(), NEMESIS)
        .seeds(0..200)
        .assert_passes();
}

#[test]
fn the_nemesis_passes_without_bugs_in_swarm_mode() {
    Fuzz::file(registry(), NEMESIS)
        .seeds(0..200)
        .swarm()
        .assert_passes();
}

#[test]
fn every_seed_repeats_itself_and_replays_from_its_trace() {
    Fuzz::file(registry(), NEMESIS)
        .seeds(0..20)
        .assert_deterministic();
}

#[test]
fn every_named_bug_is_caught_by_its_first_listed_property() {
    for bug in Abd::bugs() {
        Fuzz::file(registry(), NEMESIS)
            .seeds(0..200)
            .assert_caught(bug.name, bug.violates[0]);
    }
}

#[test]
fn crashes_right_after_an_ack_pass_and_expose_an_ack_before_fsync() {
    let scenario = "scenarios/abd/crash_points.json";
    Fuzz::file(registry(), scenario)
        .seeds(0..100)
        .assert_passes();
    Fuzz::file(registry(), scenario)
        .seeds(0..100)
        .assert_caught("abd.no_fsync", "write_quorum");
}

#[test]
fn a_read_without_write_back_is_caught_when_it_returns_a_minority_value() {
    let scenario = "scenarios/abd/partial_write_no_write_back.json";
    Fuzz::file(registry(), scenario)
        .seeds(0..1)
        .assert_caught("abd.no_write_back", "read_quorum");
    Fuzz::file(registry(), "scenarios/abd/partial_write.json")
        .seeds(0..20)
        .assert_passes();
}
