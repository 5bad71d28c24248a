//! The two kernel benchmark shapes in the numbers each peer runs, read off
//! `scenarios/bench/broadcast.json` and `scenarios/bench/pingpong.json` and the
//! faultline protocols behind them (`broadcast.rs`, `pingpong.rs` in
//! `crates/protocols/src/examples/`):
//!
//! - broadcast: 5 nodes; every 1 ms of its own clock (first at 1 ms) each node sends a
//!   16-byte message to each of the other 4; 10 simulated seconds, so 10,000 rounds and
//!   200,000 messages sent (those of the last round are still in flight at the end).
//! - ping-pong: 2 nodes bounce one message (the ball, its bounce count); node 0 throws
//!   it first; 1,000,000 deliveries.
//!
//! Both: fixed 1 ms latency, no faults. A delivery counts only once the receiving
//! task has the message in hand.

use std::time::Duration;

/// The one-way latency of every message, in every peer's simulated network.
pub const LATENCY: Duration = Duration::from_millis(1);
/// The port every node listens on.
pub const PORT: u16 = 7000;

/// Nodes of the broadcast shape.
pub const BROADCAST_NODES: usize = 5;
/// Time between a node's broadcast rounds.
pub const BROADCAST_INTERVAL: Duration = Duration::from_millis(1);
/// Rounds per node: one every interval over 10 simulated seconds.
pub const BROADCAST_ROUNDS: u32 = 10_000;
/// Bytes of one broadcast message.
pub const BROADCAST_PAYLOAD_BYTES: usize = 16;
/// Deliveries the ping-pong ball makes before it stops.
pub const PINGPONG_MESSAGES: u64 = 1_000_000;

/// Which shape to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Broadcast,
    PingPong,
}

impl Shape {
    pub fn parse(text: &str) -> Option<Shape> {
        match text {
            "broadcast" => Some(Shape::Broadcast),
            "pingpong" => Some(Shape::PingPong),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Shape::Broadcast => "broadcast",
            Shape::PingPong => "pingpong",
        }
    }

    /// Deliveries a correct run makes: every message of the ping-pong; for broadcast
    /// every message but those of the last one or two rounds, which may still be in
    /// flight when the run ends (a peer's own per-send delays decide).
    pub fn delivered_range(self) -> std::ops::RangeInclusive<u64> {
        match self {
            Shape::PingPong => PINGPONG_MESSAGES..=PINGPONG_MESSAGES,
            Shape::Broadcast => {
                let per_round = (BROADCAST_NODES * (BROADCAST_NODES - 1)) as u64;
                let rounds = u64::from(BROADCAST_ROUNDS);
                (rounds - 2) * per_round..=rounds * per_round
            }
        }
    }
}

/// The 16 bytes a broadcast node sends in a round: the number of messages it sent
/// before, then its index (as faultline's broadcast does).
pub fn broadcast_payload(node: usize, sent: u64) -> [u8; BROADCAST_PAYLOAD_BYTES] {
    let mut payload = [0u8; BROADCAST_PAYLOAD_BYTES];
    payload[..8].copy_from_slice(&sent.to_le_bytes());
    payload[8..12].copy_from_slice(&(node as u32).to_le_bytes());
    payload
}

/// Reads a broadcast message back: the sender's index.
pub fn broadcast_sender(payload: &[u8]) -> Option<usize> {
    let bytes: [u8; 4] = payload.get(8..12)?.try_into().ok()?;
    Some(u32::from_le_bytes(bytes) as usize)
}

/// What one run of a shape did.
#[derive(Clone, Copy, Debug)]
pub struct Outcome {
    /// Messages the receiving tasks took in.
    pub messages_delivered: u64,
    /// Simulated time from the start of the run to its end.
    pub sim_time: Duration,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_or_long_count_is_rejected() {
        let broadcast = Shape::Broadcast.delivered_range();
        assert!(broadcast.contains(&199_980) && broadcast.contains(&199_960));
        assert!(!broadcast.contains(&199_939) && !broadcast.contains(&200_001));
        let pingpong = Shape::PingPong.delivered_range();
        assert!(pingpong.contains(&PINGPONG_MESSAGES));
        assert!(!pingpong.contains(&(PINGPONG_MESSAGES - 1)));
    }

    #[test]
    fn a_message_names_its_sender() {
        let payload = broadcast_payload(3, 41);
        assert_eq!(broadcast_sender(&payload), Some(3));
        assert_eq!(broadcast_sender(&payload[..10]), None);
    }
}
