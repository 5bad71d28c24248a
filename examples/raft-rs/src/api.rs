//! Every faultline item this crate uses, named in one place: all of them come from
//! the one `faultline` dependency.

/// The protocol contract: what a protocol hands the harness.
pub use faultline::api::protocol::{
    Protocol, ScriptProblem, ScriptedOp, Setup, SetupError, Violation, Workload,
};
/// Options declared once, with their defaults.
pub use faultline::protocol_options;

/// Named bugs, declared properties (and the harness's own), the client history and
/// the test driver.
pub use faultline::api::bugs::{BugInfo, Bugs};
pub use faultline::api::harness_properties::LINEARIZABILITY;
pub use faultline::api::history::{ClientEvent, ClientEventKind};
pub use faultline::api::property::Property;
pub use faultline::api::testkit;

/// The key-value workload the built-in consensus protocols share: the client actor,
/// the node type hosting a server beside it, operations and their session numbers.
pub use faultline::builtin::kv::node::{node_factory, unfinished_ops, KvNode, KvServer};
pub use faultline::builtin::kv::properties::AT_MOST_ONCE;
pub use faultline::builtin::kv::script::check_script;
pub use faultline::builtin::kv::{
    ApplyOutcome, ClientConfig, ClientTimer, Command, KvClientOptions, KvOp, KvOutput, KvRequest,
    KvResponse,
};

/// The simulation kernel: actors, their context, time, the omniscient World.
pub use faultline::sim::hash::TraceHasher;
pub use faultline::sim::watch::ChangeWatch;
pub use faultline::sim::{Context, Disk, Nanos, NodeId, World, MILLISECOND};
pub use faultline::Role;
