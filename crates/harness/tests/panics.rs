//! A panic in protocol code is a failure like any other (`panic`), found through
//! every path a user takes: the run fails with the panic's message and location
//! instead of taking the process down, its trace is kept, `replay` panics again at
//! the same event, and `shrink` minimises the scenario to one that still panics.
//!
//! The protocol here is written for the test: each server records on its disk that
//! it started, and with `recovery.panics` on, a server that restarts and finds that
//! record indexes past the end of an empty table, as careless recovery code does.
//! Only a crash reaches that code, so the shrunk scenario must keep one.
//!
//! A run that never settles is the other failure no protocol declares: with
//! `recovery.busy_retry` a server re-arms its timer with no delay, so simulated time
//! stands still; the watchdog stops it as `runaway` at a fixed event.

use faultline_api::{BugInfo, ClientEvent, Protocol, Setup, SetupError, Violation};
use faultline_harness::replay::replay;
use faultline_harness::shrink::{shrink, ShrinkObserver, Size};
use faultline_harness::{run, trace_file, Registry, RunOptions, Scenario, Verdict};
use faultline_sim::{Actor, Context, NodeId, World, MILLISECOND};
use serde::Serialize;

const PANICS: &str = "recovery.panics";
const BUSY_RETRY: &str = "recovery.busy_retry";

struct Recovery {
    panics: bool,
    busy_retry: bool,
}

#[derive(Clone, Copy)]
struct Server {
    panics: bool,
    busy_retry: bool,
}

#[derive(Clone, Debug, Hash, Serialize)]
struct Tick;

impl Actor for Server {
    type Msg = ();
    type Timer = Tick;
    type Record = u64;
    type Observation = ClientEvent;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        let recovered = ctx.disk().len();
        if self.panics && recovered > 0 {
            let table: Vec<u64> = Vec::new();
            let _ = table[recovered];
        }
        let now = ctx.now();
        ctx.disk().append(now);
        ctx.fsync_or_halt();
        ctx.set_timer(10 * MILLISECOND, Tick);
    }

    fn on_message(&mut self, _: &mut Context<'_, Self>, _: NodeId, _: ()) {}

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, _: Tick) {
        let delay = if self.busy_retry { 0 } else { 10 * MILLISECOND };
        ctx.set_timer(delay, Tick);
    }
}

impl Protocol for Recovery {
    type Node = Server;
    type Options = ();
    const NAME: &'static str = "recovery";
    const SUMMARY: &'static str = "test: servers that record each start on disk";
    const HISTORY_MODEL: Option<&'static str> = None;

    fn bugs() -> &'static [BugInfo] {
        const BUGS: [BugInfo; 2] = [
            BugInfo {
                name: PANICS,
                mechanism: "a restarted server indexes past the end of an empty table",
                violates: &["panic"],
                scenario: "crashes",
            },
            BugInfo {
                name: BUSY_RETRY,
                mechanism: "a server re-arms its timer with no delay",
                violates: &["runaway"],
                scenario: "crashes",
            },
        ];
        &BUGS
    }

    fn build(setup: &Setup) -> Result<Self, SetupError> {
        Ok(Recovery {
            panics: setup.bugs.is_on(PANICS),
            busy_retry: setup.bugs.is_on(BUSY_RETRY),
        })
    }

    fn node_factory(&self) -> Box<dyn FnMut(NodeId) -> Server> {
        let server = Server {
            panics: self.panics,
            busy_retry: self.busy_retry,
        };
        Box::new(move |_| server)
    }

    fn check_step(&mut self, _: &World<Server>) -> Result<(), Violation> {
        Ok(())
    }

    fn unfinished_ops(&self, _: &World<Server>) -> usize {
        0
    }
}

const CRASHES: &str = r#"{
  "name": "crashes",
  "protocol": { "kind": "recovery", "nodes": 3 },
  "faults": { "random": {
    "crash_every": "300ms", "crash_for": "100ms",
    "partition_every": "200ms", "partition_for": "100ms"
  } },
  "duration": "3s",
  "quiet": "100ms",
  "seed": 4
}"#;

fn registry() -> Registry {
    Registry::empty().with::<Recovery>()
}

fn crashes(bugs: &[&str]) -> Scenario {
    let mut file = Scenario::parse(CRASHES, "crashes.json", &registry())
        .expect("valid")
        .file;
    file.bugs = bugs.iter().map(|b| b.to_string()).collect();
    Scenario::from_file_named(file, "crashes.json", &registry()).expect("valid")
}

#[test]
fn without_the_bug_the_crashes_pass() {
    let outcome = run(&crashes(&[]), &RunOptions::default()).expect("runs");
    assert_eq!(outcome.verdict, Verdict::Pass, "{:?}", outcome.detail);
    assert!(outcome.applied_fault_count() > 2, "crashes happened");
}

#[test]
fn a_panic_fails_the_run_with_its_message_and_location_and_keeps_the_trace() {
    let scenario = crashes(&[PANICS]);
    let outcome = run(&scenario, &RunOptions::traced()).expect("runs");
    assert_eq!(outcome.verdict, Verdict::Fail);
    assert_eq!(outcome.property.as_deref(), Some("panic"));
    let detail = outcome.detail.clone().unwrap_or_default();
    assert!(detail.contains("index out of bounds"), "{detail}");
    assert!(detail.contains("panics.rs:"), "{detail}");
    let events = outcome.trace.as_ref().expect("kept").len();
    assert!(events > 0 && events as u64 <= outcome.events + 1);

    let text = trace_file::render(&scenario.file, &outcome);
    let trace = trace_file::parse(&text, "t.jsonl").expect("a trace");
    let replayed = replay(&trace, "t.jsonl", &registry()).expect("replays");
    assert_eq!(
        replayed.divergence, None,
        "the replay panics at the same event"
    );
    assert_eq!(replayed.outcome.property.as_deref(), Some("panic"));
    assert_eq!(replayed.outcome.trace_hash, outcome.trace_hash);
    assert_eq!(replayed.outcome.events, outcome.events);
}

struct Quiet;

impl ShrinkObserver for Quiet {
    fn on_attempt(&mut self, _: u32, _: &Size, _: bool) {}
    fn should_stop(&self) -> bool {
        false
    }
}

#[test]
fn a_panicking_run_shrinks_to_one_crash_that_still_panics() {
    let scenario = crashes(&[PANICS]);
    let result = shrink(&scenario.file, &registry(), &mut Quiet).expect("shrinks");
    assert_eq!(result.signature.property, "panic");
    assert!(result.after.faults < result.before.faults, "{result:?}");
    assert!(result.after.faults >= 1, "a crash is needed to panic");
    let minimal = Scenario::from_file_named(result.minimal, "min.json", &registry()).unwrap();
    let outcome = run(&minimal, &RunOptions::default()).expect("runs");
    assert_eq!(outcome.property.as_deref(), Some("panic"));
}

#[test]
fn a_run_whose_time_stands_still_is_stopped_as_runaway() {
    use faultline_harness::watchdog::EVENTS_AT_ONE_INSTANT_MAX;
    let outcome = run(&crashes(&[BUSY_RETRY]), &RunOptions::default()).expect("runs");
    assert_eq!(outcome.verdict, Verdict::Fail);
    assert_eq!(outcome.property.as_deref(), Some("runaway"));
    assert!(
        outcome.events <= EVENTS_AT_ONE_INSTANT_MAX + 16,
        "{}",
        outcome.events
    );
    let again = run(&crashes(&[BUSY_RETRY]), &RunOptions::default()).expect("runs");
    assert_eq!(
        again.trace_hash, outcome.trace_hash,
        "stopped at the same event"
    );
}
