//! Protocol actors for faultline: each protocol's nodes, client workload, invariants
//! and named bugs, behind the [`Protocol`] trait the harness drives.
//!
//! - [`examples`]: tiny protocols (broadcast, ping-pong, gossip) that show the Actor
//!   API and benchmark the kernel.
//! - [`kv`]: the replicated key-value workload shared by the consensus protocols:
//!   operations, a deduplicating state machine, and the client actor.
//! - [`list_append`]: the list-append transaction workload shared by the protocols
//!   whose clients run transactions (`twopc`, `raft_txn`).

pub mod builtin;
pub mod examples;
pub mod kv;
pub mod list_append;
pub mod lock;
pub mod paxos;
pub mod raft;
pub mod raft_txn;
pub mod saga;
pub mod twopc;
pub mod zk;

// The contract every protocol is written against, built-in or not: these modules
// are `faultline-api`'s, re-exported so the protocols read `crate::protocol::...`.
pub use builtin::BuiltinProtocols;
pub use faultline_api::{
    assumptions, bugs, convergence, harness_properties, history, plan, property, protocol, testkit,
    transactions, writes_as_told,
};
pub use faultline_api::{
    BugInfo, Bugs, ClientEvent, ClientEventKind, OptionInfo, Options, Property, Protocol,
    ScriptProblem, ScriptedOp, Setup, SetupError, TimedClientEvent, Violation, Workload,
};
