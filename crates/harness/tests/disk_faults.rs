//! Disks that fail, from a scenario file: slow fsyncs change the run but not its
//! verdict; a replaced machine (an emptied disk) is outside the model of a
//! protocol that keeps state on disk, so random replacements stay off unless
//! `beyond_model` and a scheduled one is named in the verdict; fsyncs that fail
//! halt the servers that meet them and the run still passes (with the same hash for
//! the same seed); records found corrupt keep their servers down, on at most the
//! minority Raft tolerates; disk errors a protocol does not survive are refused
//! unless `beyond_model`, which the verdict then names; mistakes are located.

use faultline_harness::{run, Outcome, Registry, RunOptions, Scenario};
use faultline_protocols::BuiltinProtocols;
use faultline_sim::FaultAction;

fn scenario(extra: &str) -> String {
    format!(
        r#"{{
  "protocol": {{ "kind": "raft", "nodes": 3 }},
  {extra}
  "workload": {{ "clients": 2, "ops": 40 }},
  "duration": "6s"
}}"#
    )
}

/// The scenario run by two-phase commit, whose coordinator and participants trust
/// their logs (they declare no tolerance of corrupt records).
fn in_twopc(text: String) -> String {
    text.replace(r#""kind": "raft""#, r#""kind": "twopc""#)
}

fn outcome(extra: &str) -> Outcome {
    outcome_of(&scenario(extra))
}

fn outcome_of(text: &str) -> Outcome {
    let registry = Registry::builtin();
    let scenario = Scenario::parse(text, "disk.json", &registry).unwrap();
    run(&scenario, &RunOptions::default()).unwrap()
}

fn replaced(outcome: &Outcome) -> usize {
    count(outcome, "replace")
}

/// Faults of `kind` the run applied.
fn count(outcome: &Outcome, kind: &str) -> usize {
    let faults = outcome.faults.iter().filter(|f| f.skipped.is_none());
    faults.filter(|f| f.action.kind_name() == kind).count()
}

#[test]
fn slow_fsyncs_slow_the_run_and_it_still_passes() {
    let plain = outcome("");
    let slow = outcome(r#""disk": { "slow_fsync": { "min": "5ms", "max": "30ms" } },"#);
    assert_ne!(plain.trace_hash, slow.trace_hash);
    assert_eq!(slow.verdict, plain.verdict, "{:?}", slow.detail);
}

#[test]
fn replacements_stay_outside_a_disk_keeping_protocol_unless_asked() {
    let random = r#""faults": { "random": { "replace_every": "1s", "crash_for": "300ms" } },"#;
    let inside = outcome(random);
    assert_eq!(replaced(&inside), 0, "kept inside Raft's model");
    assert_eq!(inside.beyond_model, None);
    let beyond = random.replace(r#""random""#, r#""beyond_model": true, "random""#);
    let beyond = outcome(&beyond);
    assert!(replaced(&beyond) > 0);
    assert!(beyond.beyond_model.unwrap().contains("empty disk"));
    let scheduled =
        outcome(r#""faults": { "schedule": [ { "at": "2s", "replace": 1, "for": "500ms" } ] },"#);
    assert_eq!(replaced(&scheduled), 1);
    assert!(scheduled.beyond_model.unwrap().contains("empty disk"));
}

#[test]
fn mistakes_are_located() {
    let registry = Registry::builtin();
    let cases = [
        (
            r#""disk": { "slow_fsync": { "min": "9ms", "max": "1ms" } },"#,
            "disk.slow_fsync.min",
            "above max",
        ),
        (
            r#""disk": { "slow_fsync": { "min": "1ms", "max": "2ms", "nodes": [7] } },"#,
            "disk.slow_fsync.nodes[0]",
            "no node 7",
        ),
        (
            r#""faults": { "schedule": [ { "at": "1s", "replace": 3 } ] },"#,
            "faults.schedule[0].replace",
            "is a client",
        ),
        (
            r#""disk": { "fsync_errors": { "probability": 1.5 } },"#,
            "disk.fsync_errors.probability",
            "from 0 to 1",
        ),
        (
            r#""disk": { "fsync_errors": { "probability": 0.1, "nodes": [] } },"#,
            "disk.fsync_errors.nodes",
            "at least one node",
        ),
        (
            r#""disk": { "corrupt_on_restart": { "probability": 0.1, "nodes": [9] } },"#,
            "disk.corrupt_on_restart.nodes[0]",
            "no node 9",
        ),
        (
            r#""disk": { "corrupt_on_restart": { "probability": 0.1 } },"#,
            "disk.corrupt_on_restart",
            "does not declare it survives records found corrupt",
        ),
    ];
    for (extra, path, words) in cases {
        let err = Scenario::parse(&in_twopc(scenario(extra)), "disk.json", &registry).unwrap_err();
        assert_eq!(err.path, path, "{err}");
        assert_eq!(err.line, 3, "{err}");
        assert!(err.message.contains(words), "{err}");
    }
}

const FSYNC_ERRORS: &str = r#""disk": { "fsync_errors": { "probability": 0.05 } },
  "faults": { "random": { "crash_every": "1s", "crash_for": "400ms" } },"#;

#[test]
fn failed_fsyncs_halt_their_servers_and_a_correct_raft_still_passes() {
    let plain =
        outcome(r#""faults": { "random": { "crash_every": "1s", "crash_for": "400ms" } },"#);
    assert_eq!(count(&plain, "halt"), 0, "no fsync errors unless asked");
    let failing = outcome(FSYNC_ERRORS);
    assert!(count(&failing, "halt") > 0, "{:?}", failing.faults);
    assert_eq!(failing.verdict.label(), "PASS", "{:?}", failing.detail);
    assert_eq!(failing.beyond_model, None, "Raft survives them (fail-stop)");
    let again = outcome(FSYNC_ERRORS);
    assert_eq!(
        (again.trace_hash, again.events),
        (failing.trace_hash, failing.events)
    );
    assert_ne!(failing.trace_hash, plain.trace_hash);
}

#[test]
fn a_server_that_ignores_failed_fsyncs_is_caught() {
    let buggy = FSYNC_ERRORS.to_string() + r#" "bugs": ["raft.ignore_fsync_error"],"#;
    let caught = (0..20).any(|seed| {
        let text =
            scenario(&buggy).replace(r#""duration""#, &format!(r#""seed": {seed}, "duration""#));
        outcome_of(&text).verdict.label() == "FAIL"
    });
    assert!(caught, "raft.ignore_fsync_error caught within 20 seeds");
}

fn raft5(extra: &str) -> String {
    scenario(extra).replace(r#""nodes": 3 }"#, r#""nodes": 5 }"#)
}

#[test]
fn corrupt_records_keep_their_servers_down_on_at_most_a_minority() {
    let corrupt = r#""disk": { "corrupt_on_restart": { "probability": 1 } },
  "faults": { "random": { "crash_every": "500ms", "crash_for": "200ms" } },"#;
    let run = outcome_of(&raft5(corrupt));
    assert_eq!(run.verdict.label(), "PASS", "{:?}", run.detail);
    assert_eq!(run.beyond_model, None);
    let corrupted: std::collections::BTreeSet<String> = run
        .faults
        .iter()
        .filter_map(|f| match &f.action {
            FaultAction::Corrupt { target, .. } => Some(target.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(
        corrupted.len(),
        2,
        "every restart finds one, on 2 of 5 servers at most"
    );
    let halts = count(&run, "halt");
    assert!(
        halts >= 2,
        "a corrupt server refuses to start: {halts} halts"
    );
}

/// A server down for good (its records corrupt) while the one whose log is the most
/// up to date has a term behind the others': before a refused pre-vote carried the
/// voter's term, that server asked about a term the others were past for ever, and
/// the rest waited on each other with no leader (seed 96 was stuck).
#[test]
fn prevote_elects_a_leader_with_a_server_down_for_good() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/raft/corrupt_records.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let mut file = Scenario::parse(&text, path, &Registry::builtin())
        .unwrap()
        .file;
    file.seed = 96;
    let scenario = Scenario::from_file_named(file, "corrupt_records", &Registry::builtin());
    let run = run(&scenario.unwrap(), &RunOptions::default()).unwrap();
    assert_eq!(run.verdict.label(), "PASS", "{:?}", run.detail);
}

#[test]
fn disk_errors_a_protocol_does_not_survive_need_beyond_model_and_are_named() {
    let registry = Registry::builtin();
    let corrupt = r#""disk": { "corrupt_on_restart": { "probability": 0.5 } },"#;
    let text = in_twopc(scenario(corrupt));
    let err = Scenario::parse(&text, "disk.json", &registry).unwrap_err();
    assert!(err.message.contains("beyond_model"), "{err}");
    let beyond = r#""disk": { "corrupt_on_restart": { "probability": 1 } },
  "faults": { "beyond_model": true, "random": { "crash_every": "1s", "crash_for": "300ms" } },"#;
    let run = outcome_of(&in_twopc(scenario(beyond)));
    assert!(count(&run, "corrupt") > 0);
    let words = run.beyond_model.expect("named outside the model");
    assert!(words.contains("records found corrupt"), "{words}");
}

#[test]
fn the_explicit_form_of_a_run_with_fsync_errors_keeps_the_knob_and_leaves_halts_to_it() {
    let registry = Registry::builtin();
    let text = scenario(FSYNC_ERRORS);
    let file = Scenario::parse(&text, "disk.json", &registry).unwrap().file;
    let original = outcome_of(&text);
    assert!(count(&original, "halt") > 0);
    let info = registry.get("raft").cloned().unwrap();
    let explicit = faultline_harness::shrink::explicit_form(&file, &original, &info);
    assert_eq!(explicit.disk.fsync_errors, file.disk.fsync_errors);
    let crashes = explicit
        .faults
        .schedule
        .iter()
        .filter(|e| e.crash.is_some())
        .count();
    assert_eq!(
        crashes,
        count(&original, "crash"),
        "halts are no crash entries"
    );
    assert!(explicit.faults.schedule.iter().all(|e| e.restart.is_none()));
    let json = serde_json::to_string(&explicit).unwrap();
    let again = outcome_of(&json);
    assert_eq!(
        count(&again, "halt"),
        count(&original, "halt"),
        "the knob halts again"
    );
}
