//! Every faultline item this crate uses, named in one place: all of them come from
//! the one `faultline` dependency.

/// A protocol's options, declared once with their defaults.
pub use faultline::api::options::{OptionInfo, Options};
/// The protocol contract: what a protocol hands the harness.
pub use faultline::api::protocol::{
    check_unique_values, Protocol, ScriptProblem, ScriptedOp, Setup, SetupError, Violation,
    Workload,
};
pub use faultline::protocol_options;

/// Named bugs, declared properties (and the harness's own), the client history, what clients run
/// and when, and the test driver.
pub use faultline::api::bugs::{BugInfo, Bugs};
pub use faultline::api::harness_properties::LINEARIZABILITY;
pub use faultline::api::history::{ClientEvent, ClientEventKind, TimedClientEvent};
pub use faultline::api::plan::{Pacing, Plan};
pub use faultline::api::property::Property;
pub use faultline::api::testkit;

/// The simulation kernel: actors, their context, time, the omniscient World.
pub use faultline::sim::context::TimerId;
pub use faultline::sim::time::format_nanos;
pub use faultline::sim::watch::ChangeWatch;
pub use faultline::sim::{Actor, Context, Nanos, NodeId, World, MILLISECOND, SECOND};

/// Whole crates, for tests that drive faults and check histories themselves.
pub use faultline::check;
pub use faultline::sim;
