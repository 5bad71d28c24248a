//! A registry refuses what would make a name mean two things: a protocol registered
//! twice, a bug name two protocols share, a history model named one way and built
//! another. Each is a programming error in the binary that builds the registry, so
//! it panics there, at startup, with the names involved.

use faultline_api::{BugInfo, OptionInfo, Protocol, Setup, SetupError, Violation};
use faultline_check::{HistoryModel, ModelKind};
use faultline_harness::Registry;
use faultline_protocols::examples::pingpong::{PingPong, PingPongNode};
use faultline_protocols::BuiltinProtocols;
use faultline_sim::{NodeId, World};

/// Ping-pong under another name, with what each test needs changed: a bug name
/// taken from Raft, or a model that `HISTORY_MODEL` does not name.
struct Variant<const STOLEN_BUG: bool, const WRONG_MODEL: bool>(PingPong);

type StolenBug = Variant<true, false>;
type WrongModel = Variant<false, true>;

const STOLEN: &[BugInfo] = &[BugInfo {
    name: "raft.stale_read",
    mechanism: "a name another protocol already has",
    violates: &[],
    scenario: "nemesis",
}];

impl<const STOLEN_BUG: bool, const WRONG_MODEL: bool> Protocol
    for Variant<STOLEN_BUG, WRONG_MODEL>
{
    type Node = PingPongNode;
    const NAME: &'static str = "variant";
    const SUMMARY: &'static str = "test: ping-pong under another name";
    const HISTORY_MODEL: Option<&'static str> = None;

    fn bugs() -> &'static [BugInfo] {
        if STOLEN_BUG {
            STOLEN
        } else {
            &[]
        }
    }

    fn options() -> &'static [OptionInfo] {
        PingPong::options()
    }

    fn history_model() -> Option<Box<dyn HistoryModel>> {
        WRONG_MODEL.then(|| ModelKind::Register.boxed())
    }

    fn build(setup: &Setup) -> Result<Self, SetupError> {
        PingPong::build(setup).map(Variant)
    }

    fn node_factory(&self) -> Box<dyn FnMut(NodeId) -> PingPongNode> {
        self.0.node_factory()
    }

    fn check_step(&mut self, world: &World<PingPongNode>) -> Result<(), Violation> {
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
    let _ = Registry::builtin().with::<StolenBug>();
}

#[test]
#[should_panic(
    expected = "HISTORY_MODEL names None but history_model() returns the model Some(\"register\")"
)]
fn a_model_its_name_does_not_match_is_refused() {
    let _ = Registry::empty().with::<WrongModel>();
}

#[test]
fn a_protocol_with_new_names_is_listed_after_the_builtins() {
    let registry = Registry::builtin().with::<Variant<false, false>>();
    let names = registry.names();
    assert_eq!(names.last(), Some(&"variant"));
    assert!(names.contains(&"raft"));
    assert!(registry
        .get("variant")
        .is_some_and(|p| p.history_model.is_none()));
}
