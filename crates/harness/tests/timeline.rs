//! Snapshots of the explained timeline (`replay --timeline`) of shipped, shrunk
//! raft regressions: node states, faults, the violation marker with the checker's
//! words, timers hidden, and the window before a violation.

use faultline_harness::timeline::{self, Filter, Timeline, ViolationMark};
use faultline_harness::{run, Outcome, Registry, RunOptions, Scenario, Verdict};
use faultline_protocols::BuiltinProtocols;
use std::path::PathBuf;

fn regression(name: &str) -> Outcome {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../traces/regressions")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap();
    let scenario = Scenario::parse(&text, name, &Registry::builtin()).unwrap();
    let outcome = run(&scenario, &RunOptions::traced()).unwrap();
    assert_eq!(outcome.verdict, Verdict::Fail);
    outcome
}

fn view(outcome: &Outcome) -> Timeline<'_> {
    Timeline {
        events: outcome.trace.as_deref().unwrap(),
        states: &outcome.states,
        violation: Some(ViolationMark {
            event: outcome.violation_event,
            property: outcome.property.as_deref().unwrap(),
            detail: outcome.detail.as_deref().unwrap(),
        }),
    }
}

#[test]
fn timeline_of_raft_vote_not_persisted() {
    let outcome = regression("raft.vote_not_persisted");
    let text = timeline::render_explained(&view(&outcome), &Filter::default());
    let marker = format!(
        ">>> VIOLATION {}: {}",
        outcome.property.as_deref().unwrap(),
        outcome.detail.as_deref().unwrap()
    );
    assert!(text.contains(&marker));
    insta::assert_snapshot!(text);
}

#[test]
fn the_last_100ms_of_raft_commit_previous_term_on_the_leader() {
    let outcome = regression("raft.commit_previous_term");
    let events = outcome.trace.as_deref().unwrap();
    let at_ns = timeline::event_time_ns(events, outcome.violation_event.unwrap()).unwrap();
    let filter = Filter {
        nodes: vec![4],
        from_ns: Some(at_ns - 100_000_000),
        to_ns: Some(at_ns),
        timers: false,
    };
    let text = timeline::render_explained(&view(&outcome), &filter);
    assert!(text.contains("leader_commit="));
    insta::assert_snapshot!(text);
}
