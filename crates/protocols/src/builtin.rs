//! The built-in protocols as a [`Registry`]: what the shipped `faultline` binary
//! runs. They are registered exactly as a user's protocol is, so
//! `Registry::builtin().with::<MyProtocol>()` is a build of faultline that knows one
//! more protocol and nothing else changes.

use crate::examples::{broadcast::Broadcast, gossip::Gossip, pingpong::PingPong};
use crate::lock::Lock;
use crate::paxos::Paxos;
use crate::raft::Raft;
use crate::raft_txn::RaftTxn;
use crate::saga::Saga;
use crate::twopc::TwoPc;
use crate::zk::Zk;
use faultline_harness::Registry;

/// The scenario `faultline run` uses when given none: a 5-node Raft key-value store
/// under the random nemesis.
pub const DEFAULT_SCENARIO: &str = include_str!("../../../scenarios/default.json");

/// The name errors give the embedded default scenario.
pub const DEFAULT_SCENARIO_NAME: &str = "<default scenario>";

/// `Registry::builtin()`: the built-in protocols and the default scenario.
pub trait BuiltinProtocols {
    /// Every built-in protocol, in the order `faultline list` shows them, and the
    /// embedded default scenario.
    fn builtin() -> Self;
}

impl BuiltinProtocols for Registry {
    fn builtin() -> Self {
        Registry::empty()
            .with::<Raft>()
            .with::<Paxos>()
            .with::<TwoPc>()
            .with::<Saga>()
            .with::<Lock>()
            .with::<Zk>()
            .with::<RaftTxn>()
            .with::<Broadcast>()
            .with::<PingPong>()
            .with::<Gossip>()
            .with_default_scenario(DEFAULT_SCENARIO_NAME, DEFAULT_SCENARIO)
    }
}
