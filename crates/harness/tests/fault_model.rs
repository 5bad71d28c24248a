//! Runs stay inside the fault model a protocol declares, and a run outside it says
//! so: no false alarms on correct protocol code.
//!
//! - Two-phase commit on a slow network (no faults): the coordinator's vote timer
//!   fires while yes votes are in flight, and its abort is not blamed on it.
//! - The lock under swarm, where the scenario leaves the clock bounds unset: swarm
//!   would draw 100ms clock jumps, far past the lock's 22ms clock-error allowance;
//!   it stays inside the allowance unless the run asks to go beyond the model, and
//!   then a failure says it was outside the model. The lock's clock bug, which
//!   breaks leases inside the model, is still found under swarm.

mod common;

use faultline_harness::{run, Outcome, Registry, RunOptions, Scenario, ScenarioFile, Verdict};
use faultline_protocols::BuiltinProtocols;

const OUTSIDE: &str = "outside the protocol's fault model";

fn outcome_of(file: ScenarioFile) -> Outcome {
    let scenario = Scenario::from_file_named(file, "test", &Registry::builtin()).unwrap();
    run(&scenario, &RunOptions::default()).unwrap()
}

fn failure_note(outcome: &Outcome) -> String {
    format!(
        "seed {}: {:?} {:?}",
        outcome.seed, outcome.property, outcome.detail
    )
}

#[test]
fn twopc_on_a_slow_network_passes_200_seeds() {
    for seed in 0..200 {
        let outcome = outcome_of(common::scenario_file("twopc", "slow_network", seed, None));
        assert_eq!(outcome.verdict, Verdict::Pass, "{}", failure_note(&outcome));
        assert_eq!(outcome.beyond_model, None);
    }
}

/// The lock's nemesis scenario with its clock bounds left unset, under swarm.
fn lock_swarm_unset_clocks(seed: u64, beyond_model: bool) -> ScenarioFile {
    let mut file = common::scenario_file("lock", "nemesis", seed, None);
    let random = file.faults.random.as_mut().unwrap();
    random.clock_jump_max = None;
    random.clock_drift_ppm_max = None;
    file.faults.swarm = true;
    file.faults.beyond_model = beyond_model;
    file
}

/// A seed whose swarm run leaves the lock's model (a 100ms clock jump) and fails.
const SEED_OUTSIDE_THE_MODEL: u64 = 9;

#[test]
fn lock_swarm_stays_inside_the_clock_allowance_for_300_seeds() {
    for seed in 0..300 {
        let outcome = outcome_of(lock_swarm_unset_clocks(seed, false));
        assert_eq!(outcome.verdict, Verdict::Pass, "{}", failure_note(&outcome));
        assert_eq!(outcome.beyond_model, None, "seed {seed}");
    }
}

/// Clock faults every 5 ms: dozens of jumps land in one lease, each small enough,
/// but together they walked a clock far past the allowance (7 of 100 seeds failed
/// `leases_disjoint`, inside the model, before the jumps of one window were bounded
/// together).
#[test]
fn frequent_clock_jumps_stay_inside_the_allowance_together() {
    for seed in 0..100 {
        let mut file = common::scenario_file("lock", "nemesis", seed, None);
        let random = file.faults.random.as_mut().unwrap();
        random.clock_every = Some(faultline_harness::duration::Duration(5_000_000));
        random.clock_jump_max = None;
        let outcome = outcome_of(file);
        assert_eq!(outcome.verdict, Verdict::Pass, "{}", failure_note(&outcome));
        assert_eq!(outcome.beyond_model, None, "seed {seed}");
    }
}

#[test]
fn beyond_the_model_the_failure_comes_back_and_says_so() {
    let outcome = outcome_of(lock_swarm_unset_clocks(SEED_OUTSIDE_THE_MODEL, true));
    assert_eq!(outcome.verdict, Verdict::Fail);
    assert_eq!(outcome.property.as_deref(), Some("leases_disjoint"));
    let detail = outcome.detail.unwrap();
    assert!(detail.contains(OUTSIDE), "{detail}");
    let beyond = outcome.beyond_model.unwrap();
    assert!(
        beyond.contains("clock error up to") && beyond.contains("> allowance 22.000ms"),
        "{beyond}"
    );
}

/// `scenarios/lock/redlock_clock_jump.json` with its scheduled jump set to `jump`.
fn redlock_jump(jump: &str) -> ScenarioFile {
    let mut file = common::scenario_file("lock", "redlock_clock_jump", 0, None);
    let entry = file
        .faults
        .schedule
        .iter_mut()
        .find(|e| e.clock_jump.is_some())
        .unwrap();
    entry.clock_jump = Some(faultline_harness::duration::SignedDuration(
        faultline_harness::duration::parse_signed(jump).unwrap(),
    ));
    file
}

#[test]
fn a_scheduled_clock_jump_past_the_allowance_is_reported_not_changed() {
    assert_eq!(outcome_of(redlock_jump("15ms")).beyond_model, None);
    let outcome = outcome_of(redlock_jump("40ms"));
    let beyond = outcome.beyond_model.expect("a 40ms jump exceeds 22ms");
    assert!(
        beyond.contains(OUTSIDE) && beyond.contains("40.000ms"),
        "{beyond}"
    );
    let applied_jump = outcome.faults.iter().any(|f| {
        use faultline_sim::FaultAction::ClockJump;
        matches!(f.action, ClockJump { by_ns, .. } if by_ns == 40_000_000)
    });
    assert!(applied_jump, "the scheduled jump applied as written");
}

#[test]
fn the_redlock_clock_bug_is_still_found_under_swarm() {
    let found = (0..300).find_map(|seed| {
        let mut file =
            common::scenario_file("lock", "redlock", seed, Some("lock.redlock_no_drift"));
        file.faults.swarm = true;
        let outcome = outcome_of(file);
        (outcome.verdict == Verdict::Fail).then_some(outcome)
    });
    let outcome = found.expect("lock.redlock_no_drift found within 300 swarm seeds");
    assert_eq!(outcome.property.as_deref(), Some("leases_disjoint"));
    assert_eq!(outcome.beyond_model, None, "found inside the model");
}
