//! The faultline harness: from a scenario file to a verdict.
//!
//! - [`registry`]: the protocols a build knows, passed by value to every entry point
//!   that reads a scenario.
//! - [`scenario`]: the file format, validation and error locations.
//! - [`run`]: one scenario + seed → [`Outcome`], invariants checked after every event.
//! - [`trace_file`]: the JSON Lines trace (header, events, summary) and [`replay`].
//! - [`swarm`]: per-seed fault mixes; [`fault_model`]: kept inside what the protocol
//!   assumes.
//!
//! Architecture invariant: nothing here reads the wall clock or spawns threads inside a
//! run; the CLI measures time and parallelises across seeds.

pub mod availability;
pub mod campaign;
pub mod convergence;
mod down_for_good;
pub mod duration;
pub mod error;
pub mod fault_model;
pub mod fault_tally;
pub mod guided;
pub mod isolation;
pub mod linearizability;
mod live_history;
pub mod node_states;
pub mod outcome;
pub mod panic_capture;
pub mod reached;
pub mod readable_json;
pub mod registry;
pub mod replay;
pub mod run;
pub mod scenario;
pub mod schema;
pub mod seeds;
mod served;
pub mod shrink;
mod stuck;
pub mod swarm;
pub mod timeline;
pub mod trace_file;
pub mod triggers;
pub mod watchdog;

pub use error::InputError;
pub use outcome::{Outcome, Verdict};
pub use registry::{ProtocolInfo, Registry};
pub use run::{run, RunOptions};
pub use scenario::{Scenario, ScenarioFile};
