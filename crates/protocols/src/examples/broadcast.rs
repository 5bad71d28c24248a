//! Broadcast: every node, every `interval` of its own clock, sends a 16-byte message
//! to each other node. The kernel's message-heavy benchmark shape (5 nodes, 1 ms
//! interval, 1 ms latency, 10 s: 200,000 messages).
//!
//! Read this file to learn the Actor API: a start handler that arms a timer, a timer
//! handler that sends and re-arms, a message handler that counts. The one invariant
//! (no node receives a message it was not sent, from itself) shows where checks go.

use crate::bugs::BugInfo;
use crate::property::Property;
use crate::protocol::{Protocol, Setup, SetupError, Violation};
use faultline_sim::{Actor, Context, Nanos, NodeId, World};
use serde::Serialize;

/// Its one safety property.
pub const NO_SELF_DELIVERY: Property = Property::new(
    "no_self_delivery",
    "no node receives a message from itself (none is sent to itself)",
);

pub struct Broadcast {
    interval_ns: Nanos,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Payload(pub [u8; 16]);

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Tick {
    /// Time to broadcast again.
    Broadcast,
}

pub struct BroadcastNode {
    interval_ns: Nanos,
    pub sent: u64,
    pub received: u64,
    pub received_from_self: u64,
}

impl Actor for BroadcastNode {
    type Msg = Payload;
    type Timer = Tick;
    type Record = ();
    type Observation = ();

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        ctx.set_timer(self.interval_ns, Tick::Broadcast);
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, _msg: Payload) {
        self.received += 1;
        if from == ctx.id() {
            self.received_from_self += 1;
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, _timer: Tick) {
        let me = ctx.id();
        let mut payload = [0u8; 16];
        payload[..8].copy_from_slice(&self.sent.to_le_bytes());
        payload[8..12].copy_from_slice(&me.0.to_le_bytes());
        for to in (0..ctx.node_count() as u32)
            .map(NodeId)
            .filter(|&n| n != me)
        {
            ctx.send(to, Payload(payload));
            self.sent += 1;
        }
        ctx.set_timer(self.interval_ns, Tick::Broadcast);
    }
}

faultline_api::protocol_options! {
    /// The broadcast example's one option.
    pub struct BroadcastOptions {
        /// microseconds between a node's broadcasts
        interval_us: u64 = 1_000,
    }
}

impl Protocol for Broadcast {
    type Node = BroadcastNode;
    type Options = BroadcastOptions;
    const NAME: &'static str = "broadcast";
    const SUMMARY: &'static str =
        "example: every node sends a 16-byte message to every other node each tick (kernel \
            benchmark)";
    const HISTORY_MODEL: Option<&'static str> = None;

    fn bugs() -> &'static [BugInfo] {
        &[]
    }

    fn properties() -> &'static [Property] {
        &[NO_SELF_DELIVERY]
    }

    fn build(setup: &Setup) -> Result<Self, SetupError> {
        let interval_us = setup.read_options::<BroadcastOptions>()?.interval_us;
        if interval_us == 0 {
            return Err(SetupError::Invalid("interval_us must be positive".into()));
        }
        Ok(Broadcast {
            interval_ns: interval_us * 1_000,
        })
    }

    fn node_factory(&self) -> Box<dyn FnMut(NodeId) -> BroadcastNode> {
        let interval_ns = self.interval_ns;
        Box::new(move |_| BroadcastNode {
            interval_ns,
            sent: 0,
            received: 0,
            received_from_self: 0,
        })
    }

    fn check_step(&mut self, _world: &World<BroadcastNode>) -> Result<(), Violation> {
        Ok(())
    }

    fn check_end(&mut self, world: &World<BroadcastNode>) -> Result<(), Violation> {
        for (i, node) in world.actors().iter().enumerate() {
            if let Some(node) = node.as_ref().filter(|n| n.received_from_self > 0) {
                let detail = format!(
                    "n{i} received {} of its own messages",
                    node.received_from_self
                );
                return Err(Violation::of(&NO_SELF_DELIVERY, detail));
            }
        }
        Ok(())
    }

    /// Its checks read observations only in `check_step`, each once.
    fn reads_observations_as_they_come(&self) -> bool {
        true
    }

    fn unfinished_ops(&self, _world: &World<BroadcastNode>) -> usize {
        0
    }
}
