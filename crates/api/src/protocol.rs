//! The contract between a protocol and the harness.
//!
//! A protocol says how to build its nodes from a [`Setup`], which options and bugs it
//! knows, how to check its safety invariants from the omniscient view of the World
//! after every event, and what its clients observed (operations on one object, or
//! transactions). The harness does the rest: faults, time, liveness, the
//! linearizability and isolation checks, traces.

use crate::assumptions::Assumptions;
use crate::bugs::{BugInfo, Bugs};
use crate::convergence::ReplicaDigest;
use crate::history::{AsClientEvent, TimedClientEvent};
use crate::options::{OptionMap, Options};
use crate::property::Property;
use crate::transactions::{transactions_of, Isolation, TxnHistory, TxnModel};
use faultline_check::{HistoryModel, ModelKind};
use faultline_sim::world::Observed;
use faultline_sim::{Actor, Nanos, NodeId, World};
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
                message: format!(
                    "`{value}` is also written by workload.script[{first}]; expected \
                    a value unique to this operation"
                ),
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
    /// Protocol-specific options from the scenario's `protocol` object, as written;
    /// [`Setup::read_options`] reads them typed.
    pub options: OptionMap,
    /// How long faults are injected; clients pace their operations over it.
    pub fault_period_ns: Nanos,
}

impl Setup {
    /// The protocol's options as its typed value: each one the scenario sets, the
    /// others at their declared defaults.
    pub fn read_options<O: Options>(&self) -> Result<O, SetupError> {
        O::read(&self.options)
    }
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

/// A safety property that does not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The property's name, e.g. `election_safety`.
    pub property: String,
    /// What was seen, for a person.
    pub detail: String,
}

impl Violation {
    /// A violation of a declared property: the way protocols raise one, so the
    /// compiler checks the name (`Violation::of(&ELECTION_SAFETY, detail)`).
    pub fn of(property: &Property, detail: impl Into<String>) -> Self {
        Violation::new(property.name, detail)
    }

    /// A violation of a property by name alone; prefer [`Violation::of`].
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

/// A protocol the harness can run: everything faultline needs to build its nodes,
/// break them on purpose, and judge a run.
///
/// Conventions every protocol follows (the guide, `docs/own-protocol.md`, says more):
/// - **Node numbering**: servers are nodes `0..servers`, clients follow
///   (`servers..servers + workload.clients`). Faults that name a node index, the
///   nemesis and partitions all use this numbering.
/// - **Restarts**: after a crash, [`Protocol::node_factory`] builds the node afresh
///   and its `on_start` runs again; the only thing that survives is what the node
///   wrote to its disk and fsynced (`ctx.disk()`), so recovery reads the disk there.
/// - **Client history**: client nodes observe a [`crate::ClientEvent`] when they
///   invoke an operation and when it completes (`ok`, `fail` or `info`), with `f`,
///   `key` and `value` in the words of the [`Protocol::HISTORY_MODEL`] (`read` and
///   `write` for `register`; `get`, `put`, `append` for `kv`).
/// - **Liveness**: [`Protocol::unfinished_ops`] counts operations invoked or still to
///   invoke that have not completed, plus any work the protocol still owes; a run
///   that still has some when the quiet period ends is stuck.
pub trait Protocol: Sized + 'static {
    /// The actor every node of a run is: usually an enum over the protocol's server
    /// roles and its client. Its observations are client events (or `()`).
    type Node: Actor<Observation: AsClientEvent>;

    /// The name used in scenario files (`"kind": "raft"`).
    const NAME: &'static str;
    /// One line for `faultline list protocols`.
    const SUMMARY: &'static str;
    /// The history model its client history is checked against (`kv`, `register`,
    /// `cas-register`, `mutex`), if any. A protocol with a model of its own names it
    /// here and returns it from [`Protocol::history_model`].
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

    /// The options a scenario's `protocol` object may set, declared with
    /// [`protocol_options!`](crate::protocol_options) (or `()` for none); `build`
    /// reads them with [`Setup::read_options`].
    type Options: Options;

    /// The named bugs this protocol carries (switched on with `--bug NAME`).
    fn bugs() -> &'static [BugInfo];

    /// The safety properties `check_step` and `check_end` judge, by the names their
    /// violations carry; shown by `faultline list protocols` and `run`. Declared, a
    /// bug's `violates` may name only these and the harness's own
    /// ([`crate::harness_properties`]), and (in debug builds) so may a run's
    /// violation. The default, `&[]`, declares nothing and checks nothing.
    fn properties() -> &'static [Property] {
        &[]
    }

    /// The situations its nodes mark with `ctx.sometimes(..)`: interesting paths a
    /// good scenario reaches (a conflicting suffix truncated, a recovery from disk).
    /// `faultline fuzz` reports how many seeds reached each and names those none
    /// did: a hole in the scenario. Declared, every mark must be one of these (in
    /// debug builds). The default, `&[]`, declares none; marks are still counted.
    fn situations() -> &'static [&'static str] {
        &[]
    }

    /// The points inside its handlers its nodes mark with `ctx.crash_point(..)`,
    /// where a scenario (`{"crash": "leader", "at_point": NAME}`) or the nemesis
    /// (`faults.random.crash_point_every`) may crash a node. A scenario may name
    /// only these; the nemesis draws among them. The default, `&[]`: none.
    fn crash_points() -> &'static [&'static str] {
        &[]
    }

    /// The model the client history is checked against for linearizability: by
    /// default the built-in model [`Protocol::HISTORY_MODEL`] names. Return a model
    /// of your own (a queue, a counter) to check against it instead; a client
    /// operation whose `f` the model does not know fails the run at that event.
    fn history_model() -> Option<Box<dyn HistoryModel>> {
        Self::HISTORY_MODEL
            .and_then(ModelKind::parse)
            .map(ModelKind::boxed)
    }

    /// Builds the protocol for one run, or says why it cannot be built as asked (a
    /// bad option value, a node count it does not support).
    fn build(setup: &Setup) -> Result<Self, SetupError>;

    /// The roles nodes of this run may claim (`Actor::role`): `leader`, `holder`.
    /// Fault targets and the nemesis aim at roles only a protocol has; one without a
    /// `leader` gets no leader-aimed random faults.
    fn roles(&self) -> &'static [&'static str] {
        &[]
    }

    /// The faults this run of the protocol is written to survive (see
    /// [`Assumptions`]). The harness's random faults stay inside them unless a run
    /// asks to go beyond (`--beyond-model`), and a run whose faults exceed them says
    /// so in its verdict. The default assumes nothing: every fault is in the model.
    fn assumptions(&self) -> Assumptions {
        Assumptions::default()
    }

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

    /// Whether every check of this protocol reads the world's observations and
    /// applied faults only as they come (in `check_step`, through
    /// [`World::unread_observations`] and [`World::unread_faults`]), never whole
    /// (with [`World::observations`] at the end, or in a `history` or
    /// `transactions` of its own). Then a run that returns no history
    /// (`RunOptions::keep_history` off: fuzzing, benchmarks, `faultline run` without
    /// `--history`) forgets them once read, and its memory stays flat however long
    /// it runs; a run whose verdict needs the history (not linearizable, stuck) is
    /// run again with its record kept, for the whole-history check and the report.
    /// A check that reads a forgotten observation anyway panics, and the run shows
    /// that panic rather than pass on part of the record. The default, `false`,
    /// keeps every observation: always correct, and memory grows with the run.
    fn reads_observations_as_they_come(&self) -> bool {
        false
    }

    /// Client operations invoked or still to invoke that have not completed (and any
    /// protocol work still owed, such as undecided transactions); a run that still
    /// has some at the end of the quiet period is stuck. It is asked after every event
    /// once the faults heal, so keep it to a few reads per node: count from indexes
    /// the nodes keep, not by scanning their history.
    fn unfinished_ops(&self, world: &World<Self::Node>) -> usize;

    /// Each live replica's applied-state digest, for the harness property
    /// `converged`: once the faults healed and the clients are done, the run goes on
    /// (up to the end of the quiet period, and at least a second) until every digest
    /// is equal, and fails if they never are. `None`, the default, opts out: a
    /// protocol without replicas of one state (a coordinator and its participants)
    /// has nothing to compare. Return only live replicas (a crashed node has no
    /// state to judge); it is asked after every event of that look-ahead, so keep it
    /// to a hash of what each replica applied.
    fn replica_digests(&self, world: &World<Self::Node>) -> Option<Vec<ReplicaDigest>> {
        let _ = world;
        None
    }

    /// One node's digest as [`Protocol::replica_digests`] would report it, `None` if
    /// it is not a live replica. During the look-ahead the harness asks this only for
    /// the nodes an event changed and keeps the others' digests, so a large cluster
    /// pays per event for what the event touched. The default picks the node out of
    /// `replica_digests` (every replica digested per call); override it with the
    /// node's own digest when clusters are large.
    fn replica_digest(&self, world: &World<Self::Node>, node: NodeId) -> Option<ReplicaDigest> {
        let digests = self.replica_digests(world)?;
        digests.into_iter().find(|digest| digest.node == node)
    }

    /// The isolation this run's transactions must have, if its clients run
    /// transactions: what they work on (list-append, rw-register) and the
    /// consistency the protocol promises (serializable, strict serializable, ...).
    /// The harness then checks [`Protocol::transactions`] at the end of every run
    /// that passed everything else, and a history showing an anomaly the consistency
    /// forbids fails the harness property `isolation`, naming the anomaly as Elle
    /// does and explaining its cycle. `None`, the default: no transactions. It is
    /// asked of the built protocol, so it may depend on the run's options.
    fn isolation(&self) -> Option<Isolation> {
        None
    }

    /// The transactions the clients ran, for the isolation check: by default the
    /// client events of [`Protocol::history`] whose `f` is `txn`, read as
    /// transactions ([`crate::transactions`] says how clients record them). An error
    /// (a malformed value) makes the run's verdict `unknown`, as a malformed client
    /// history does for linearizability.
    fn transactions(&self, world: &World<Self::Node>) -> Result<TxnHistory, String> {
        let model = self.isolation().map_or(TxnModel::ListAppend, |i| i.model);
        transactions_of(&self.history(world), model)
    }

    /// What the clients saw, in real-time order, stamped with true time: by default
    /// every observation that is a client event. The harness judges those events as
    /// they are observed (the linearizability stream, the stuck tally) and reads this
    /// back only to check a history whole, for `--history` and for the report, so an
    /// override must return the same events.
    fn history(&self, world: &World<Self::Node>) -> Vec<TimedClientEvent> {
        let observations = world.observations();
        let events = observations.iter().filter_map(|o| {
            o.value.client_event().map(|event| Observed {
                time_ns: o.time_ns,
                node: o.node,
                value: event.clone(),
            })
        });
        // Sized exactly: the history is a long run's largest record after the
        // observations themselves, and growing it by doubling could double it.
        let mut history = Vec::with_capacity(events.clone().count());
        history.extend(events);
        history
    }
}
