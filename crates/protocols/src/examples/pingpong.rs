//! Ping-pong: node 0 sends one message to node 1, which bounces it back, until
//! `messages` deliveries have happened. The kernel's latency-bound benchmark shape
//! (2 nodes, 1 ms latency, 1,000,000 messages): one event in flight at a time.
//!
//! Its invariant is exact: the counter in the ball goes up by one per bounce, so a
//! duplicated or reordered delivery shows up as a gap.

use crate::bugs::BugInfo;
use crate::property::Property;
use crate::protocol::{Protocol, Setup, SetupError, Violation};
use faultline_sim::{Actor, Context, NodeId, World};
use serde::Serialize;

/// Its one safety property.
pub const BALL_IN_ORDER: Property = Property::new(
    "ball_in_order",
    "the ball's counter goes up by one per bounce (no delivery duplicated or reordered)",
);

pub struct PingPong {
    messages: u64,
}

/// The ball: how many times it has been sent.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Ball(pub u64);

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum NoTimer {}

pub struct PingPongNode {
    messages: u64,
    pub received: u64,
    /// The last ball count seen, to detect gaps.
    pub last_seen: Option<u64>,
    pub out_of_order: bool,
}

impl Actor for PingPongNode {
    type Msg = Ball;
    type Timer = NoTimer;
    type Record = ();
    type Observation = ();

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        if ctx.id() == NodeId(0) && self.messages > 0 {
            ctx.send(NodeId(1), Ball(1));
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, ball: Ball) {
        self.received += 1;
        if self.last_seen.is_some_and(|last| ball.0 != last + 2) {
            self.out_of_order = true;
        }
        self.last_seen = Some(ball.0);
        if ball.0 < self.messages {
            ctx.send(from, Ball(ball.0 + 1));
        }
    }

    fn on_timer(&mut self, _ctx: &mut Context<'_, Self>, timer: NoTimer) {
        match timer {}
    }
}

faultline_api::protocol_options! {
    /// The ping-pong example's one option.
    pub struct PingPongOptions {
        /// deliveries before the ball stops
        messages: u64 = 1_000,
    }
}

impl Protocol for PingPong {
    type Node = PingPongNode;
    type Options = PingPongOptions;
    const NAME: &'static str = "pingpong";
    const SUMMARY: &'static str =
        "example: two nodes bounce one message back and forth (kernel latency benchmark)";
    const HISTORY_MODEL: Option<&'static str> = None;

    fn bugs() -> &'static [BugInfo] {
        &[]
    }

    fn properties() -> &'static [Property] {
        &[BALL_IN_ORDER]
    }

    fn build(setup: &Setup) -> Result<Self, SetupError> {
        if setup.servers != 2 {
            return Err(SetupError::Invalid("pingpong needs exactly 2 nodes".into()));
        }
        Ok(PingPong {
            messages: setup.read_options::<PingPongOptions>()?.messages,
        })
    }

    fn node_factory(&self) -> Box<dyn FnMut(NodeId) -> PingPongNode> {
        let messages = self.messages;
        Box::new(move |_| PingPongNode {
            messages,
            received: 0,
            last_seen: None,
            out_of_order: false,
        })
    }

    fn check_step(&mut self, _world: &World<PingPongNode>) -> Result<(), Violation> {
        Ok(())
    }

    fn check_end(&mut self, world: &World<PingPongNode>) -> Result<(), Violation> {
        let bad = world.actors().iter().flatten().any(|n| n.out_of_order);
        if bad {
            return Err(Violation::of(
                &BALL_IN_ORDER,
                "a node saw the ball skip a bounce",
            ));
        }
        Ok(())
    }

    /// Its checks read observations only in `check_step`, each once.
    fn reads_observations_as_they_come(&self) -> bool {
        true
    }

    fn unfinished_ops(&self, world: &World<PingPongNode>) -> usize {
        let received: u64 = world.actors().iter().flatten().map(|n| n.received).sum();
        self.messages.saturating_sub(received) as usize
    }
}
