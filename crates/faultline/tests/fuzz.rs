//! `Fuzz` from `cargo test`: a scenario over a seed range passes, a named bug is
//! caught by its property, and each way an assertion fails says what to run next.

use faultline::prelude::*;
use faultline::testing::Fuzz;

const RAFT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../scenarios/raft/nemesis.json"
);

fn raft() -> Fuzz {
    Fuzz::file(Registry::builtin(), RAFT).traces_dir(env!("CARGO_TARGET_TMPDIR"))
}

#[test]
fn the_raft_nemesis_passes() {
    raft().seeds(0..16).assert_passes();
}

#[test]
fn a_stale_read_is_caught_by_linearizability() {
    raft()
        .seeds(0..64)
        .assert_caught("raft.stale_read", "linearizability");
}

#[test]
#[should_panic(expected = "bug `raft.stale_read` was expected to break `election_safety`")]
fn a_bug_caught_by_another_property_fails_the_assertion() {
    raft()
        .seeds(0..64)
        .assert_caught("raft.stale_read", "election_safety");
}

#[test]
#[should_panic(expected = "replay:  faultline replay")]
fn a_failing_seed_names_its_trace_and_the_commands_to_replay_and_shrink_it() {
    raft()
        .bug("raft.stale_read")
        .program("faultline")
        .seeds(0..64)
        .assert_passes();
}
