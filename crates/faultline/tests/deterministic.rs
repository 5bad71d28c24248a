//! `Fuzz::assert_deterministic` passes for a deterministic protocol and catches one
//! that reads ambient state: here a process-wide counter stands for a `HashMap`'s
//! order or the wall clock, so a second run in the same process sends other bytes.

use faultline::prelude::*;
use faultline::testing::Fuzz;
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};

/// Bumped by every message sent in this process, across runs.
static SENT_IN_PROCESS: AtomicU64 = AtomicU64::new(0);

/// Two nodes that each send the other one message carrying the process-wide count.
struct Leaky;

#[derive(Clone, Debug, Hash, Serialize)]
struct Stamp(u64);

#[derive(Clone, Debug, Hash, Serialize)]
enum NoTimer {}

struct LeakyNode;

impl Actor for LeakyNode {
    type Msg = Stamp;
    type Timer = NoTimer;
    type Record = ();
    type Observation = ();

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        let other = NodeId(1 - ctx.id().0);
        ctx.send(
            other,
            Stamp(SENT_IN_PROCESS.fetch_add(1, Ordering::Relaxed)),
        );
    }

    fn on_message(&mut self, _ctx: &mut Context<'_, Self>, _from: NodeId, _msg: Stamp) {}

    fn on_timer(&mut self, _ctx: &mut Context<'_, Self>, timer: NoTimer) {
        match timer {}
    }
}

impl Protocol for Leaky {
    type Node = LeakyNode;
    type Options = ();
    const NAME: &'static str = "leaky";
    const SUMMARY: &'static str = "test: sends what a process-wide counter says";
    const HISTORY_MODEL: Option<&'static str> = None;

    fn bugs() -> &'static [BugInfo] {
        &[]
    }

    fn build(_setup: &Setup) -> Result<Self, SetupError> {
        Ok(Leaky)
    }

    fn node_factory(&self) -> Box<dyn FnMut(NodeId) -> LeakyNode> {
        Box::new(|_| LeakyNode)
    }

    fn check_step(&mut self, _world: &World<LeakyNode>) -> Result<(), Violation> {
        Ok(())
    }

    fn unfinished_ops(&self, _world: &World<LeakyNode>) -> usize {
        0
    }
}

const LEAKY: &str = r#"{
  "name": "leaky",
  "protocol": { "kind": "leaky", "nodes": 2 },
  "duration": "10ms",
  "quiet": "0ms"
}"#;

#[test]
#[should_panic(expected = "seed 0 of leaky is not deterministic: a second run differs at event")]
fn a_protocol_reading_ambient_state_is_caught() {
    let registry = Registry::empty().with::<Leaky>();
    Fuzz::source(registry, "leaky.json", LEAKY)
        .seeds(0..4)
        .assert_deterministic();
}

#[test]
fn the_raft_nemesis_repeats_and_replays() {
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/raft/nemesis.json"
    );
    Fuzz::file(Registry::builtin(), scenario)
        .seeds(0..4)
        .assert_deterministic();
}
