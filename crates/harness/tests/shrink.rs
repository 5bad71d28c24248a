//! The shrinker's promises, checked on real failures of named bugs:
//! - the explicit form of a failing run (applied faults with windows, the invoked
//!   operations as a script) is the same run: same property, same detail, same
//!   number of events;
//! - the shrunk scenario fails the same property with an ordinary run, names no
//!   random nemesis, and is within the size targets (10 faults, 30 operations).

mod common;

use faultline_harness::shrink::{explicit_form, shrink, ShrinkObserver, Size};
use faultline_harness::Registry;
use faultline_harness::{run, Outcome, RunOptions, Scenario, ScenarioFile, Verdict};
use faultline_protocols::BuiltinProtocols;

fn run_file(file: &ScenarioFile) -> Outcome {
    let scenario =
        Scenario::from_file_named(file.clone(), &file.name, &Registry::builtin()).unwrap();
    run(&scenario, &RunOptions::default()).unwrap()
}

/// The first failing seed of `bug` on its protocol's nemesis scenario.
fn first_failure(protocol: &str, bug: &str) -> (ScenarioFile, Outcome) {
    (0..300)
        .map(|seed| common::scenario_file(protocol, "nemesis", seed, Some(bug)))
        .map(|file| {
            let outcome = run_file(&file);
            (file, outcome)
        })
        .find(|(_, outcome)| outcome.verdict == Verdict::Fail)
        .unwrap_or_else(|| panic!("{bug} not found in 300 seeds"))
}

struct Quiet;

impl ShrinkObserver for Quiet {
    fn on_attempt(&mut self, _: u32, _: &Size, _: bool) {}
    fn should_stop(&self) -> bool {
        false
    }
}

#[test]
fn the_explicit_form_of_a_failing_run_is_the_same_run() {
    for (protocol, bug) in [
        ("raft", "raft.commit_previous_term"),
        ("raft", "raft.stale_read"),
        ("paxos", "paxos.accept_lower_ballot"),
    ] {
        let (file, original) = first_failure(protocol, bug);
        let info = Registry::builtin().get(protocol).cloned().unwrap();
        let explicit = explicit_form(&file, &original, &info);
        assert!(explicit.faults.random.is_none() && !explicit.faults.swarm);
        let script = &explicit.workload.as_ref().unwrap().script;
        assert!(!script.is_empty(), "{bug}: operations become a script");
        let again = run_file(&explicit);
        assert_eq!(again.property, original.property, "{bug}");
        assert_eq!(again.detail, original.detail, "{bug}");
        assert_eq!(
            again.stats.messages_sent, original.stats.messages_sent,
            "{bug}"
        );
        assert_eq!(again.sim_time_ns, original.sim_time_ns, "{bug}");
    }
}

#[test]
fn shrunk_reproducers_fail_the_same_way_and_are_small() {
    for (protocol, bug) in [
        ("raft", "raft.commit_previous_term"),
        ("raft", "raft.vote_not_persisted"),
        ("paxos", "paxos.non_unique_ballots"),
    ] {
        let (file, original) = first_failure(protocol, bug);
        let result = shrink(&file, &Registry::builtin(), &mut Quiet).unwrap();
        assert!(result.explicit, "{bug}: the explicit form reproduced");
        let minimal = &result.minimal;
        assert!(minimal.faults.random.is_none(), "{bug}");
        let again = run_file(minimal);
        assert_eq!(again.verdict, Verdict::Fail, "{bug}");
        assert_eq!(again.property, original.property, "{bug}");
        assert!(result.after.faults <= 10, "{bug}: {:?}", result.after);
        assert!(result.after.ops <= 30, "{bug}: {:?}", result.after);
        let (before, after) = (&result.before, &result.after);
        assert!(
            after.faults <= before.faults,
            "{bug}: {before:?} -> {after:?}"
        );
        assert!(after.ops <= before.ops, "{bug}: {before:?} -> {after:?}");
    }
}
