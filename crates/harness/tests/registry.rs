//! A registry refuses what would make a name mean two things or nothing: a protocol
//! registered twice, a bug name two protocols share, a history model named one way
//! and built another, a bug citing a property its protocol does not declare. Each is
//! a programming error in the binary that builds the registry, so it panics there,
//! at startup, with the names involved. A run that fails with a property its
//! protocol does not declare is caught by a debug assertion.

use faultline_api::{
    BugInfo, Property, Protocol, Setup, SetupError, Violation, HARNESS_PROPERTIES,
};
use faultline_check::{HistoryModel, ModelKind};
use faultline_harness::{run, Registry, RunOptions, Scenario};
use faultline_protocols::examples::pingpong::{PingPong, PingPongNode};
use faultline_protocols::BuiltinProtocols;
use faultline_sim::{NodeId, World};

/// Ping-pong under another name, with one thing changed (`CHANGE`): a bug name
/// taken from Raft, a model that `HISTORY_MODEL` does not name, a misspelt property.
struct Variant<const CHANGE: u8>(PingPong);

const NOTHING: u8 = 0;
const STOLEN_BUG: u8 = 1;
const WRONG_MODEL: u8 = 2;
/// Declares ping-pong's properties; its bug cites a misspelt one.
const TYPO_IN_BUG: u8 = 3;
/// Declares nothing; its bug cites, and its run fails with, the misspelt property.
const TYPO_UNDECLARED: u8 = 4;
/// Declares ping-pong's properties; its run fails with a misspelt one.
const TYPO_IN_RUN: u8 = 5;
/// Declares one property twice.
const DECLARED_TWICE: u8 = 6;

const STOLEN: &[BugInfo] = &[BugInfo {
    name: "raft.stale_read",
    mechanism: "a name another protocol already has",
    violates: &[],
    scenario: "nemesis",
}];

const MISSPELT: &[BugInfo] = &[BugInfo {
    name: "variant.typo",
    mechanism: "cites a property nobody declares",
    violates: &["linearizability", "ball_in_ordr"],
    scenario: "nemesis",
}];

const TWICE: &[Property] = &[
    Property::new("ball_in_order", "first"),
    Property::new("ball_in_order", "second"),
];

impl<const CHANGE: u8> Protocol for Variant<CHANGE> {
    type Node = PingPongNode;
    type Options = <PingPong as Protocol>::Options;
    const NAME: &'static str = "variant";
    const SUMMARY: &'static str = "test: ping-pong under another name";
    const HISTORY_MODEL: Option<&'static str> = None;

    fn bugs() -> &'static [BugInfo] {
        match CHANGE {
            STOLEN_BUG => STOLEN,
            TYPO_IN_BUG | TYPO_UNDECLARED => MISSPELT,
            _ => &[],
        }
    }

    fn properties() -> &'static [Property] {
        match CHANGE {
            TYPO_IN_BUG | TYPO_IN_RUN => PingPong::properties(),
            DECLARED_TWICE => TWICE,
            _ => &[],
        }
    }

    fn history_model() -> Option<Box<dyn HistoryModel>> {
        (CHANGE == WRONG_MODEL).then(|| ModelKind::Register.boxed())
    }

    fn build(setup: &Setup) -> Result<Self, SetupError> {
        PingPong::build(setup).map(Variant)
    }

    fn node_factory(&self) -> Box<dyn FnMut(NodeId) -> PingPongNode> {
        self.0.node_factory()
    }

    fn check_step(&mut self, world: &World<PingPongNode>) -> Result<(), Violation> {
        if CHANGE == TYPO_IN_RUN || CHANGE == TYPO_UNDECLARED {
            return Err(Violation::new("ball_in_ordr", "a misspelt property"));
        }
        self.0.check_step(world)
    }

    fn unfinished_ops(&self, world: &World<PingPongNode>) -> usize {
        self.0.unfinished_ops(world)
    }
}

#[test]
#[should_panic(expected = "protocol `pingpong` is registered twice")]
fn a_protocol_registered_twice_is_refused() {
    let _ = Registry::builtin().with::<PingPong>();
}

#[test]
#[should_panic(expected = "bug `raft.stale_read` of protocol `variant` is already a bug of `raft`")]
fn a_bug_name_two_protocols_share_is_refused() {
    let _ = Registry::builtin().with::<Variant<STOLEN_BUG>>();
}

#[test]
#[should_panic(
    expected = "HISTORY_MODEL names None but history_model() returns the model Some(\"register\")"
)]
fn a_model_its_name_does_not_match_is_refused() {
    let _ = Registry::empty().with::<Variant<WRONG_MODEL>>();
}

#[test]
#[should_panic(
    expected = "protocol `variant`: bug `variant.typo` violates `ball_in_ordr`, which is neither \
        one of its properties() (ball_in_order) nor a harness property (linearizability, \
        isolation, stuck, unavailable, converged, history_model, panic, runaway)"
)]
fn a_bug_citing_a_property_its_protocol_does_not_declare_is_refused() {
    let _ = Registry::empty().with::<Variant<TYPO_IN_BUG>>();
}

#[test]
fn a_protocol_that_declares_no_properties_may_cite_any() {
    let registry = Registry::empty().with::<Variant<TYPO_UNDECLARED>>();
    assert!(registry
        .get("variant")
        .is_some_and(|p| p.properties.is_empty()));
}

#[test]
#[should_panic(expected = "protocol `variant`: properties() declares `ball_in_order` twice")]
fn a_property_declared_twice_is_refused() {
    let _ = Registry::empty().with::<Variant<DECLARED_TWICE>>();
}

#[test]
#[cfg(debug_assertions)]
#[should_panic(
    expected = "protocol `variant` raised a violation of `ball_in_ordr`, which is neither one of \
        its properties() (ball_in_order)"
)]
fn a_run_failing_with_a_property_its_protocol_does_not_declare_is_a_debug_assertion() {
    let registry = Registry::empty().with::<Variant<TYPO_IN_RUN>>();
    let source = r#"{ "name": "typo", "protocol": { "kind": "variant", "nodes": 2, "messages": 10 },
        "duration": "0ms", "quiet": "1s", "seed": 1 }"#;
    let scenario = Scenario::parse(source, "typo.json", &registry).expect("valid");
    let _ = run(&scenario, &RunOptions::default());
}

#[test]
fn a_run_of_a_protocol_that_declares_no_properties_fails_with_any_name() {
    let registry = Registry::empty().with::<Variant<TYPO_UNDECLARED>>();
    let source = r#"{ "name": "typo", "protocol": { "kind": "variant", "nodes": 2, "messages": 10 },
        "duration": "0ms", "quiet": "1s", "seed": 1 }"#;
    let scenario = Scenario::parse(source, "typo.json", &registry).expect("valid");
    let outcome = run(&scenario, &RunOptions::default()).expect("runs");
    assert_eq!(outcome.property.as_deref(), Some("ball_in_ordr"));
}

#[test]
fn every_builtin_protocol_declares_its_properties_and_the_harness_has_its_own() {
    let registry = Registry::builtin();
    for protocol in registry.protocols() {
        assert!(
            !protocol.properties.is_empty(),
            "{} declares no properties",
            protocol.name
        );
        for property in protocol.properties {
            assert!(
                !property.meaning.is_empty(),
                "{}: {property:?}",
                protocol.name
            );
        }
    }
    let names: Vec<&str> = HARNESS_PROPERTIES.iter().map(|p| p.name).collect();
    assert_eq!(
        names,
        [
            "linearizability",
            "isolation",
            "stuck",
            "unavailable",
            "converged",
            "history_model",
            "panic",
            "runaway"
        ]
    );
}

#[test]
fn a_protocol_with_new_names_is_listed_after_the_builtins() {
    let registry = Registry::builtin().with::<Variant<NOTHING>>();
    let names = registry.names();
    assert_eq!(names.last(), Some(&"variant"));
    assert!(names.contains(&"raft"));
    assert!(registry
        .get("variant")
        .is_some_and(|p| p.history_model.is_none()));
}
