//! The protocol contract of faultline: what a protocol hands the harness, and the
//! helpers for writing one. Built-in protocols and a user's own are written against
//! exactly this crate, so whatever one can do the other can.
//!
//! - [`protocol`]: the [`Protocol`] trait (nodes, options, named bugs, invariants,
//!   liveness, the client history and the model it is checked against) and the
//!   [`Setup`] a protocol is built from.
//! - [`node`]: a node as an enum of its roles, generated ([`node_roles!`]).
//! - [`options`]: a protocol's options as one typed value with its defaults
//!   ([`protocol_options!`], [`option_choices!`]).
//! - [`assumptions`]: the fault model a protocol declares ([`Assumptions`]): what
//!   the harness's random faults stay within.
//! - [`property`]: safety properties as declared names ([`Property`]);
//!   [`harness_properties`]: the ones the harness judges every run by.
//! - [`convergence`]: each replica's applied-state digest ([`ReplicaDigest`]), for
//!   the harness's `converged` judgement after the heal.
//! - [`bugs`]: named, switchable bugs ([`BugInfo`], [`Bugs`]).
//! - [`history`]: what clients saw ([`ClientEvent`]), the form the linearizability
//!   check reads.
//! - [`transactions`]: transactional histories and the isolation a protocol
//!   promises ([`Isolation`]), checked at the end of every run.
//! - [`plan`]: when a client invokes what (random paced operations or a script).
//! - [`writes_as_told`]: the end-of-run comparison of a log of accepted writes with
//!   what the clients were told ([`writes_as_told::WRITES_AS_TOLD`]).
//! - [`testkit`]: a driver for invariant tests: run healthy, corrupt, see which
//!   property the checker names.

pub mod assumptions;
pub mod bugs;
pub mod convergence;
pub mod harness_properties;
pub mod history;
pub mod node;
pub mod options;
pub mod plan;
pub mod property;
pub mod protocol;
pub mod testkit;
pub mod transactions;
pub mod writes_as_told;

pub use assumptions::{Assumptions, ClockErrorBudget};
pub use bugs::{BugInfo, Bugs};
pub use convergence::ReplicaDigest;
pub use harness_properties::HARNESS_PROPERTIES;
pub use history::{client_process, AsClientEvent, ClientEvent, ClientEventKind, TimedClientEvent};
pub use options::{OptionInfo, OptionValue, Options};
pub use property::Property;
pub use protocol::{
    check_unique_values, Protocol, ScriptProblem, ScriptedOp, Setup, SetupError, Violation,
    Workload,
};
pub use transactions::{Consistency, Isolation, TxnModel};
