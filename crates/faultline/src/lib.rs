//! faultline: deterministic simulation testing for distributed protocols.
//!
//! This is the one crate a protocol's author depends on. A protocol is a set of
//! actors ([`Actor`]: message, timer and start handlers that act only through a
//! [`Context`]) and one type implementing [`Protocol`]: how to build the nodes from
//! a [`Setup`], which options and named bugs it has, the safety properties it
//! declares ([`Property`]) and checks after every event, what liveness means for
//! it, and the model its client history is checked against. Register it beside the
//! built-ins and every faultline command works on it:
//!
//! ```no_run
//! use faultline::prelude::*;
//! # struct MyProtocol;
//! # impl MyProtocol { fn registered(r: Registry) -> Registry { r } }
//! fn main() -> std::process::ExitCode {
//!     // with your protocol: Registry::builtin().with::<MyProtocol>()
//!     faultline::main_with(Registry::builtin())
//! }
//! ```
//!
//! and in `cargo test`, [`testing::Fuzz`] runs a scenario over many seeds and, on a
//! failure, keeps the trace and prints the commands that replay and shrink it.
//!
//! The modules are the crates faultline is made of:
//! - [`sim`]: the kernel: world, actors, virtual network, disks, clocks, faults.
//! - [`api`]: the protocol contract and helpers for writing one (client plans,
//!   named bugs, the invariant test driver [`api::testkit`]).
//! - [`check`]: histories, sequential models ([`check::Model`]) and the
//!   linearizability checker, usable on its own.
//! - [`harness`]: scenario files, runs, traces, replay, fuzz campaigns, shrinking.
//! - [`cli`]: the command line as a library.
//! - [`builtin`]: the built-in protocols (`faultline list protocols` names them:
//!   Raft, Multi-Paxos, two-phase commit, Saga, lease locks, a ZooKeeper-style lock,
//!   transactions over Raft, gossip, ...), written against [`api`] exactly as
//!   yours is.
//!
//! The guide `docs/own-protocol.md` goes from an empty crate to a fuzzed, shrunk
//! failure; `examples/own-protocol/` is the worked example.

pub mod testing;

pub use faultline_api as api;
pub use faultline_check as check;
pub use faultline_cli as cli;
pub use faultline_harness as harness;
pub use faultline_protocols as builtin;
pub use faultline_sim as sim;

pub use faultline_api::harness_properties;
pub use faultline_api::{
    check_unique_values, AsClientEvent, Assumptions, BugInfo, Bugs, ClientEvent, ClientEventKind,
    ClockErrorBudget, OptionInfo, OptionValue, Options, Property, Protocol, ReplicaDigest,
    ScriptProblem, ScriptedOp, Setup, SetupError, TimedClientEvent, Violation, Workload,
};
pub use faultline_api::{node_roles, option_choices, protocol_options};
pub use faultline_check::{HistoryModel, Model};
pub use faultline_cli::main_with;
pub use faultline_harness::{Outcome, Registry, Scenario, Verdict};
pub use faultline_protocols::BuiltinProtocols;
pub use faultline_sim::actor::Role;
pub use faultline_sim::context::TimerId;
pub use faultline_sim::{
    Actor, Context, Disk, Nanos, NodeId, World, MICROSECOND, MILLISECOND, SECOND,
};

/// Everything a protocol's files usually need, in one `use faultline::prelude::*;`.
pub mod prelude {
    pub use crate::api::plan::{Pacing, Plan};
    pub use crate::api::testkit::TestRun;
    pub use crate::{
        check_unique_values, node_roles, option_choices, protocol_options, Actor, BugInfo, Bugs,
        BuiltinProtocols, ClientEvent, ClientEventKind, Context, Nanos, NodeId, OptionInfo,
        Property, Protocol, Registry, ReplicaDigest, Role, ScriptProblem, ScriptedOp, Setup,
        SetupError, TimerId, Violation, Workload, World, MILLISECOND, SECOND,
    };
}
