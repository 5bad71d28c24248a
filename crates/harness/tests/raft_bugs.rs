//! Each named Raft bug, switched on, makes the default nemesis scenario fail with one
//! of the properties the bug is documented to violate, within a bounded number of seeds;
//! the same seed passes with the bug off. (`raft.commit_previous_term` is not found
//! by the default nemesis yet: see BENCHMARKS.md.)

use faultline_harness::{run, RunOptions, Scenario, Verdict};
use faultline_protocols::raft::bugs::BUGS;

const SEEDS_MAX: u64 = 300;

fn nemesis(seed: u64, bug: Option<&str>) -> Scenario {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/raft/nemesis.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let mut file = Scenario::parse(&text, path).unwrap().file;
    file.seed = seed;
    file.bugs = bug.into_iter().map(str::to_string).collect();
    Scenario::from_file_named(file, path).unwrap()
}

#[test]
fn every_findable_raft_bug_is_caught_by_the_right_property() {
    for bug in BUGS
        .iter()
        .filter(|b| b.name != "raft.commit_previous_term")
    {
        let found = (0..SEEDS_MAX).find_map(|seed| {
            let outcome = run(&nemesis(seed, Some(bug.name)), &RunOptions::default()).unwrap();
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
        let clean = run(&nemesis(seed, None), &RunOptions::default()).unwrap();
        assert_eq!(
            clean.verdict,
            Verdict::Pass,
            "seed {seed} passes with {} off",
            bug.name
        );
    }
}

#[test]
fn the_nemesis_passes_a_slice_of_seeds_without_bugs() {
    for seed in 0..100 {
        let outcome = run(&nemesis(seed, None), &RunOptions::default()).unwrap();
        assert_eq!(
            outcome.verdict,
            Verdict::Pass,
            "seed {seed}: {:?} {:?}",
            outcome.property,
            outcome.detail
        );
    }
}
