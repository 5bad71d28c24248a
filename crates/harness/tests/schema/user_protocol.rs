//! A protocol of a user's own for the schema tests: typed options of every kind (a
//! choice of strings that decides the node count, free text, a boolean, an integer),
//! declared through the open API as a user would, one bug, and nodes that do nothing.

use faultline_api::{BugInfo, Protocol, Setup, SetupError, Violation};
use faultline_sim::{Actor, Context, NodeId, World};

pub struct Relay;

pub struct RelayNode;

impl Actor for RelayNode {
    type Msg = ();
    type Timer = ();
    type Record = ();
    type Observation = ();

    fn on_start(&mut self, _ctx: &mut Context<'_, Self>) {}
    fn on_message(&mut self, _ctx: &mut Context<'_, Self>, _from: NodeId, _msg: ()) {}
    fn on_timer(&mut self, _ctx: &mut Context<'_, Self>, _timer: ()) {}
}

faultline_api::option_choices! {
    /// How a relay forwards.
    pub enum Mode { Push = "push", Pull = "pull", Star = "star" }
}

faultline_api::protocol_options! {
    /// What a relay run may set.
    pub struct RelayOptions {
        /// "push" or "pull" on 2 nodes or more; "star": a hub and exactly 2 leaves
        mode: Mode = Mode::Push,
        /// any name
        label: String = "relay".to_string(),
        /// say more
        verbose: bool = false,
        /// peers per relay
        fanout: u64 = 2,
    }
}

impl Protocol for Relay {
    type Node = RelayNode;
    type Options = RelayOptions;
    const NAME: &'static str = "relay";
    const SUMMARY: &'static str = "test: nodes that relay nothing";
    const HISTORY_MODEL: Option<&'static str> = None;

    fn bugs() -> &'static [BugInfo] {
        &[BugInfo {
            name: "relay.loop",
            mechanism: "relays its own messages back",
            violates: &[],
            scenario: "nemesis",
        }]
    }

    fn build(setup: &Setup) -> Result<Self, SetupError> {
        let options: RelayOptions = setup.read_options()?;
        match (options.mode, setup.servers) {
            (Mode::Star, 3) | (Mode::Push | Mode::Pull, 2..) => {}
            _ => return Err(SetupError::Invalid("wrong node count".into())),
        }
        let _ = (options.label, options.verbose, options.fanout);
        Ok(Relay)
    }

    fn node_factory(&self) -> Box<dyn FnMut(NodeId) -> RelayNode> {
        Box::new(|_| RelayNode)
    }

    fn check_step(&mut self, _world: &World<RelayNode>) -> Result<(), Violation> {
        Ok(())
    }

    fn unfinished_ops(&self, _world: &World<RelayNode>) -> usize {
        0
    }
}
