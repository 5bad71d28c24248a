//! A protocol of a user's own for the schema tests: options of every kind the schema
//! finds by asking its build (a choice of strings that decides the node count, free
//! text, a boolean, an integer it unwraps, panicking on anything else), one bug, and
//! nodes that do nothing.

use faultline_api::{BugInfo, OptionInfo, Protocol, Setup, SetupError, Violation};
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

impl Protocol for Relay {
    type Node = RelayNode;
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

    fn options() -> &'static [OptionInfo] {
        &[
            OptionInfo {
                name: "mode",
                meaning:
                    "\"push\" or \"pull\" on 2 nodes or more; \"star\": a hub and exactly 2 leaves",
                default: "push",
            },
            OptionInfo {
                name: "label",
                meaning: "any name",
                default: "relay",
            },
            OptionInfo {
                name: "verbose",
                meaning: "say more",
                default: "false",
            },
            OptionInfo {
                name: "fanout",
                meaning: "peers per relay",
                default: "2",
            },
        ]
    }

    fn build(setup: &Setup) -> Result<Self, SetupError> {
        let star = match setup.options.get("mode").map(|m| m.as_str()) {
            None | Some(Some("push" | "pull")) => false,
            Some(Some("star")) => true,
            Some(_) => return Err(SetupError::Invalid("mode: push, pull or star".into())),
        };
        match (star, setup.servers) {
            (true, 3) | (false, 2..) => {}
            _ => return Err(SetupError::Invalid("wrong node count".into())),
        }
        if let Some(label) = setup.options.get("label") {
            label
                .as_str()
                .ok_or(SetupError::Invalid("label: text".into()))?;
        }
        setup.bool_option("verbose", false)?;
        // A user's shortcut: anything but an integer panics.
        let fanout = setup
            .options
            .get("fanout")
            .map(|v| v.as_u64().expect("an integer"));
        let _ = fanout;
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
