//! The protocols faultline knows, by scenario name, and a way to run code generic over
//! whichever one a scenario names (the harness's single point of dispatch).

use crate::bugs::BugInfo;
use crate::examples::{broadcast::Broadcast, pingpong::PingPong};
use crate::lock::Lock;
use crate::paxos::Paxos;
use crate::protocol::{OptionInfo, Protocol, ScriptProblem, ScriptedOp, Setup, SetupError};
use crate::raft::Raft;
use crate::saga::Saga;
use crate::twopc::TwoPc;

/// Code that runs for one protocol type, chosen at run time by name.
pub trait ProtocolVisitor {
    type Output;
    fn visit<P: Protocol>(self) -> Self::Output;
}

/// Runs `visitor` for the protocol called `name`; `None` if there is none.
pub fn with_protocol<V: ProtocolVisitor>(name: &str, visitor: V) -> Option<V::Output> {
    Some(match name {
        Broadcast::NAME => visitor.visit::<Broadcast>(),
        PingPong::NAME => visitor.visit::<PingPong>(),
        Raft::NAME => visitor.visit::<Raft>(),
        Paxos::NAME => visitor.visit::<Paxos>(),
        TwoPc::NAME => visitor.visit::<TwoPc>(),
        Saga::NAME => visitor.visit::<Saga>(),
        Lock::NAME => visitor.visit::<Lock>(),
        _ => return None,
    })
}

/// What `faultline list` shows about a protocol.
#[derive(Clone, Debug)]
pub struct ProtocolInfo {
    pub name: &'static str,
    pub summary: &'static str,
    pub history_model: Option<&'static str>,
    /// Whether runs have clients driven by the scenario's `workload`.
    pub has_clients: bool,
    /// Whether its clients can run a `workload.script`.
    pub takes_script: bool,
    /// Checks a `workload.script` for this protocol's clients.
    pub check_script: fn(&[ScriptedOp]) -> Result<(), ScriptProblem>,
    /// Whether the protocol can be built as a setup asks (its options, node count).
    pub check_setup: fn(&Setup) -> Result<(), SetupError>,
    pub bugs: &'static [BugInfo],
    pub options: &'static [OptionInfo],
}

struct Describe;

impl ProtocolVisitor for Describe {
    type Output = ProtocolInfo;
    fn visit<P: Protocol>(self) -> ProtocolInfo {
        ProtocolInfo {
            name: P::NAME,
            summary: P::SUMMARY,
            history_model: P::HISTORY_MODEL,
            has_clients: P::HAS_CLIENTS,
            takes_script: P::TAKES_SCRIPT,
            check_script: P::check_script,
            check_setup: |setup| P::build(setup).map(|_| ()),
            bugs: P::bugs(),
            options: P::options(),
        }
    }
}

/// Every protocol's name, in the order `faultline list` shows them.
pub const PROTOCOL_NAMES: &[&str] = &[
    Raft::NAME,
    Paxos::NAME,
    TwoPc::NAME,
    Saga::NAME,
    Lock::NAME,
    Broadcast::NAME,
    PingPong::NAME,
];

/// Every protocol's description.
pub fn all_protocols() -> Vec<ProtocolInfo> {
    PROTOCOL_NAMES
        .iter()
        .filter_map(|name| with_protocol(name, Describe))
        .collect()
}

/// Where a protocol's default scenario `name` lives, from the workspace root
/// (`scenarios/lock/redlock.json`): a bug's `scenario` names one.
pub fn scenario_path(protocol: &str, name: &str) -> String {
    format!("scenarios/{protocol}/{name}.json")
}

/// The protocol that owns a bug name (`raft.stale_read` → raft), if any.
pub fn bug(name: &str) -> Option<(&'static str, BugInfo)> {
    all_protocols()
        .into_iter()
        .find_map(|p| p.bugs.iter().find(|b| b.name == name).map(|b| (p.name, *b)))
}
