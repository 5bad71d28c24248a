//! Situations a protocol declares and the ones its nodes mark: a run's outcome
//! carries each situation reached with how often, and which declared ones it missed;
//! a protocol that declares a situation twice is refused at registration, and a run
//! that marks one its protocol does not declare is caught by a debug assertion
//! (a protocol that declares none may mark any).

use faultline_api::{BugInfo, Protocol, Setup, SetupError, Violation};
use faultline_harness::{run, Outcome, Registry, RunOptions, Scenario};
use faultline_sim::{Actor, Context, NodeId, World};
use serde::Serialize;

const STARTED: &str = "a node started";
const NEVER: &str = "something no run does";

/// Every node marks `STARTED` when it starts; the protocol declares `DECLARED`.
struct Marking<const DECLARED: u8>;

const DECLARES_BOTH: u8 = 0;
const DECLARES_NONE: u8 = 1;
const DECLARES_ONLY_NEVER: u8 = 2;
const DECLARES_TWICE: u8 = 3;

struct MarkingNode;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
enum NoTimer {}

impl Actor for MarkingNode {
    type Msg = ();
    type Timer = NoTimer;
    type Record = ();
    type Observation = ();

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        ctx.sometimes(STARTED);
    }

    fn on_message(&mut self, _ctx: &mut Context<'_, Self>, _from: NodeId, _msg: ()) {}

    fn on_timer(&mut self, _ctx: &mut Context<'_, Self>, timer: NoTimer) {
        match timer {}
    }
}

impl<const DECLARED: u8> Protocol for Marking<DECLARED> {
    type Node = MarkingNode;
    type Options = ();
    const NAME: &'static str = "marking";
    const SUMMARY: &'static str = "test: nodes that mark a situation when they start";
    const HISTORY_MODEL: Option<&'static str> = None;

    fn bugs() -> &'static [BugInfo] {
        &[]
    }

    fn situations() -> &'static [&'static str] {
        match DECLARED {
            DECLARES_BOTH => &[STARTED, NEVER],
            DECLARES_ONLY_NEVER => &[NEVER],
            DECLARES_TWICE => &[STARTED, STARTED],
            _ => &[],
        }
    }

    fn build(_setup: &Setup) -> Result<Self, SetupError> {
        Ok(Marking)
    }

    fn node_factory(&self) -> Box<dyn FnMut(NodeId) -> MarkingNode> {
        Box::new(|_| MarkingNode)
    }

    fn check_step(&mut self, _world: &World<MarkingNode>) -> Result<(), Violation> {
        Ok(())
    }

    fn unfinished_ops(&self, _world: &World<MarkingNode>) -> usize {
        0
    }
}

fn run_three_nodes(registry: &Registry) -> Outcome {
    let source = r#"{ "name": "marks", "protocol": { "kind": "marking", "nodes": 3 },
        "duration": "10ms", "quiet": "10ms", "seed": 1 }"#;
    let scenario = Scenario::parse(source, "marks.json", registry).expect("valid");
    run(&scenario, &RunOptions::default()).expect("runs")
}

#[test]
fn the_outcome_counts_each_situation_reached_and_names_the_declared_ones_missed() {
    let registry = Registry::empty().with::<Marking<DECLARES_BOTH>>();
    let outcome = run_three_nodes(&registry);
    assert_eq!(outcome.reached, vec![(STARTED, 3)]);
    let declared = registry.get("marking").unwrap().situations;
    assert_eq!(declared, &[STARTED, NEVER]);
    assert_eq!(outcome.unreached(declared), vec![NEVER]);
}

#[test]
fn a_protocol_that_declares_no_situations_may_mark_any() {
    let registry = Registry::empty().with::<Marking<DECLARES_NONE>>();
    let outcome = run_three_nodes(&registry);
    assert_eq!(outcome.reached, vec![(STARTED, 3)]);
}

#[test]
#[should_panic(expected = "protocol `marking`: situations() declares `a node started` twice")]
fn a_situation_declared_twice_is_refused() {
    let _ = Registry::empty().with::<Marking<DECLARES_TWICE>>();
}

#[test]
#[cfg(debug_assertions)]
#[should_panic(
    expected = "protocol `marking` marked the situation `a node started`, which its situations() \
        does not declare (something no run does)"
)]
fn a_run_marking_a_situation_its_protocol_does_not_declare_is_a_debug_assertion() {
    let registry = Registry::empty().with::<Marking<DECLARES_ONLY_NEVER>>();
    let _ = run_three_nodes(&registry);
}

#[test]
fn every_builtin_distributed_protocol_declares_its_situations() {
    use faultline_protocols::BuiltinProtocols;
    let registry = Registry::builtin();
    for name in ["raft", "paxos", "twopc", "saga", "lock"] {
        let declared = registry.get(name).unwrap().situations;
        assert!(
            (6..=24).contains(&declared.len()),
            "{name} declares {} situations",
            declared.len()
        );
    }
}
