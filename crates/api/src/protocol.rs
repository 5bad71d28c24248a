//! The contract between a protocol and the harness.
//!
//! A protocol says how to build its nodes from a [`Setup`], which options and bugs it
//! knows, how to check its safety invariants from the omniscient view of the World
//! after every event, and what its clients observed. The harness does the rest:
//! faults, time, liveness, the linearizability check, traces.

use crate::bugs::{BugInfo, Bugs};
use crate::history::TimedClientEvent;
use faultline_sim::{Actor, Nanos, NodeId, World};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// The client workload of a scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    pub clients: usize,
    pub keys: usize,
    /// Operations in total, spread over the clients.
    pub ops: usize,
    /// Fraction of operations that are reads.
    pub read_ratio: f64,
    /// Mean pause between a client's operations; `None`: the fault period spread evenly
    /// over each client's operations.
    pub think_ns_mean: Option<Nanos>,
    /// Explicit operations instead of random ones (empty: draw `ops` at random). The
    /// shrinker writes these, so removing one operation leaves the others in place.
    pub script: Vec<ScriptedOp>,
}

/// One operation of an explicit workload, in the fields of the client history (what
/// the protocol's clients record when they invoke it): which client runs it, the
/// earliest time (by the client's clock) it is invoked, and `f`, `key`, `value`. A
/// client runs its operations in order, one at a time, so a late completion delays
/// the next invocation. Each protocol says which operations its clients can run
/// ([`Protocol::check_script`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ScriptedOp {
    /// The client's index among the clients (0 is the first client node).
    pub client: usize,
    pub at_ns: Nanos,
    pub f: String,
    pub key: String,
    pub value: Option<String>,
}

/// Why an explicit workload is not one this protocol's clients can run: which entry,
/// which of its fields (`f`, `key`, `value`; empty for the entry as a whole), and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptProblem {
    pub entry: usize,
    pub field: &'static str,
    pub message: String,
}

/// No two entries of `script` write the same value: where values name writes (the
/// linearizability checker prunes unread crashed writes by value; a fenced resource's
/// log names writes by value), a repeated one would make two writes one.
pub fn check_unique_values(script: &[ScriptedOp]) -> Result<(), ScriptProblem> {
    let mut first_of = std::collections::BTreeMap::new();
    for (entry, op) in script.iter().enumerate() {
        let Some(value) = &op.value else {
            continue;
        };
        if let Some(first) = first_of.insert(value.as_str(), entry) {
            return Err(ScriptProblem {
                entry,
                field: "value",
                message: format!("`{value}` is also written by workload.script[{first}]; expected a value unique to this operation"),
            });
        }
    }
    Ok(())
}

impl Default for Workload {
    fn default() -> Self {
        Workload {
            clients: 3,
            keys: 4,
            ops: 300,
            read_ratio: 0.5,
            think_ns_mean: None,
            script: Vec::new(),
        }
    }
}

/// Everything a protocol needs to build its nodes.
#[derive(Clone, Debug)]
pub struct Setup {
    pub servers: usize,
    pub workload: Workload,
    pub bugs: Bugs,
    /// Protocol-specific options from the scenario's `protocol` object.
    pub options: BTreeMap<String, Value>,
    /// How long faults are injected; clients pace their operations over it.
    pub fault_period_ns: Nanos,
}

impl Setup {
    /// A boolean option, or `default` when absent.
    pub fn bool_option(&self, name: &str, default: bool) -> Result<bool, SetupError> {
        match self.options.get(name) {
            None => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(SetupError::option(name, "true or false", other)),
        }
    }

    /// A non-negative integer option, or `default` when absent.
    pub fn u64_option(&self, name: &str, default: u64) -> Result<u64, SetupError> {
        match self.options.get(name) {
            None => Ok(default),
            Some(v) => v
                .as_u64()
                .ok_or_else(|| SetupError::option(name, "a non-negative integer", v)),
        }
    }
}

/// A protocol option a scenario may set.
#[derive(Clone, Copy, Debug)]
pub struct OptionInfo {
    pub name: &'static str,
    pub meaning: &'static str,
    pub default: &'static str,
}

/// Why a protocol cannot be built as the scenario asks.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SetupError {
    #[error("option `{name}`: expected {expected}, found {found}")]
    BadOption {
        name: String,
        expected: &'static str,
        found: String,
    },
    #[error("{0}")]
    Invalid(String),
}

impl SetupError {
    fn option(name: &str, expected: &'static str, found: &Value) -> Self {
        SetupError::BadOption {
            name: name.to_string(),
            expected,
            found: found.to_string(),
        }
    }
}

/// A safety property that does not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The property's name, e.g. `election_safety`.
    pub property: String,
    /// What was seen, for a person.
    pub detail: String,
}

impl Violation {
    pub fn new(property: impl Into<String>, detail: impl Into<String>) -> Self {
        Violation {
            property: property.into(),
            detail: detail.into(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.property, self.detail)
    }
}

/// A protocol the harness can run. Servers are nodes `0..servers`, clients follow.
pub trait Protocol: Sized {
    type Node: Actor;

    /// The name used in scenario files (`"kind": "raft"`).
    const NAME: &'static str;
    /// One line for `faultline list protocols`.
    const SUMMARY: &'static str;
    /// The history model its client history is checked against (`kv`), if any.
    const HISTORY_MODEL: Option<&'static str>;

    /// Whether runs have client nodes driven by the scenario's `workload`.
    const HAS_CLIENTS: bool = Self::HISTORY_MODEL.is_some();
    /// Whether its clients can run an explicit `workload.script` (the shrinker writes
    /// one when they can).
    const TAKES_SCRIPT: bool = false;

    /// Checks an explicit workload; the default rejects every script.
    fn check_script(script: &[ScriptedOp]) -> Result<(), ScriptProblem> {
        let _ = script;
        Err(ScriptProblem {
            entry: 0,
            field: "",
            message: format!(
                "{} clients cannot run a script; use random operations",
                Self::NAME
            ),
        })
    }

    fn bugs() -> &'static [BugInfo];
    fn options() -> &'static [OptionInfo];

    fn build(setup: &Setup) -> Result<Self, SetupError>;

    /// Builds node `id` fresh: at the start, and again after each crash (the actor
    /// then recovers from its disk in `on_start`).
    fn node_factory(&self) -> Box<dyn FnMut(NodeId) -> Self::Node>;

    /// Checks the safety invariants after an event. Keep it cheap: it runs after
    /// every event. `&mut self` lets it remember history (terms seen, commits).
    fn check_step(&mut self, world: &World<Self::Node>) -> Result<(), Violation>;

    /// Checks what can only be judged at the end of the run.
    fn check_end(&mut self, world: &World<Self::Node>) -> Result<(), Violation> {
        let _ = world;
        Ok(())
    }

    /// Client operations invoked or still to invoke that have not completed (and any
    /// protocol work still owed, such as undecided transactions); a run that still
    /// has some at the end of the quiet period is stuck. It is asked after every event
    /// once the faults heal, so keep it to a few reads per node: count from indexes
    /// the nodes keep, not by scanning their history.
    fn unfinished_ops(&self, world: &World<Self::Node>) -> usize;

    /// What the clients saw, in real-time order, stamped with true time.
    fn history(&self, world: &World<Self::Node>) -> Vec<TimedClientEvent> {
        let _ = world;
        Vec::new()
    }
}
