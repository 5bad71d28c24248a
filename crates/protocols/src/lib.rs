//! Protocol actors for faultline: each protocol's nodes, client workload, invariants
//! and named bugs, behind the [`Protocol`] trait the harness drives.
//!
//! - [`examples`]: tiny protocols (broadcast, ping-pong) that show the Actor API and
//!   benchmark the kernel.
//! - [`kv`]: the replicated key-value workload shared by the consensus protocols:
//!   operations, a deduplicating state machine, and the client actor.

pub mod bugs;
pub mod examples;
pub mod history;
pub mod kv;
pub mod lock;
pub mod paxos;
pub mod plan;
pub mod protocol;
pub mod raft;
pub mod registry;
pub mod saga;
pub mod testkit;
pub mod twopc;

pub use bugs::{BugInfo, Bugs};
pub use history::{ClientEvent, ClientEventKind, TimedClientEvent};
pub use protocol::{
    OptionInfo, Protocol, ScriptProblem, ScriptedOp, Setup, SetupError, Violation, Workload,
};
