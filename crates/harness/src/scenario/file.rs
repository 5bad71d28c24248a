//! The scenario file format (README, "Scenario files"), exactly as users write it.
//!
//! These types mirror the JSON: unknown fields are errors, durations are strings,
//! everything but `protocol` has a default. Field-level problems (a wrong type, a bad
//! duration, an unknown field) are caught here by serde, which knows the line and
//! column; cross-field rules (a node index in range, one action per fault entry) are
//! checked in `validate`. The same types are written back out by the shrinker and
//! embedded in trace headers, so a scenario survives a round trip unchanged.

use crate::duration::{Duration, SignedDuration};
use crate::scenario::spec::{PartitionSpec, TargetSpec};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// The JSON Schema the file follows (`faultline schema`), for editors; runs ignore it.
    #[serde(default, rename = "$schema", skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// A short name, used in reports and failure file names.
    #[serde(default = "default_name")]
    pub name: String,
    /// What the scenario checks and how.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub protocol: ProtocolSection,
    #[serde(default, skip_serializing_if = "is_default")]
    pub network: NetworkSection,
    #[serde(default, skip_serializing_if = "is_default")]
    pub disk: DiskSection,
    #[serde(default, skip_serializing_if = "is_default")]
    pub faults: FaultsSection,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<WorkloadSection>,
    /// Faults happen in [0, duration); then every fault is undone.
    #[serde(default = "default_duration")]
    pub duration: Duration,
    /// After `duration`, how long clients have to finish before the run is stuck.
    #[serde(default = "default_quiet")]
    pub quiet: Duration,
    #[serde(default)]
    pub seed: u64,
    /// Named bugs to switch on (`faultline list bugs`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bugs: Vec<String>,
    /// Checks beyond the defaults (`{"availability": "2s"}`).
    #[serde(default, skip_serializing_if = "is_default")]
    pub checks: ChecksSection,
    #[serde(default, skip_serializing_if = "is_default")]
    pub expect: Expect,
}

/// Checks a scenario switches on beyond the ones every run gets.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecksSection {
    /// Availability mode: once the last fault has healed, every client operation
    /// must complete within this long of its invocation (or of the heal, for one
    /// already running), or the run fails `unavailable`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability: Option<Duration>,
    /// With availability mode: one bound after the end of the fault period, the
    /// leader crashes and stays down, so the rest must elect or fail over and keep
    /// serving within the bound (for a protocol whose nodes claim `leader` and that
    /// survives a crash).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub leader_down: bool,
    /// With availability mode: one bound after the end of the fault period, the
    /// next node to hold this role (at once, if one holds it) crashes and stays
    /// down, so the rest must keep serving within the bound without it: `"leader"`
    /// is `leader_down`; `"holder"`, a lock client that dies holding the lock, whose
    /// lease or session the service must expire so the others can go on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub down_for_good: Option<String>,
    /// Situations (the protocol's declared ones, `faultline list protocols`) that a
    /// fuzz campaign of this scenario must reach: one of at least 100 seeds in which
    /// no seed reaches one of them fails `never_reached`. List the paths the scenario
    /// was written to exercise, so a change that stops them running is caught.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reached: Vec<String>,
}

/// `{ "kind": "raft", "nodes": 5, ...options }`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProtocolSection {
    /// A protocol name from `faultline list protocols`.
    pub kind: String,
    /// Server nodes (clients are extra).
    pub nodes: u32,
    /// Protocol-specific options (`faultline list protocols` shows them).
    #[serde(flatten)]
    pub options: Map<String, Value>,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkSection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<LatencySection>,
    /// Probability a message is lost.
    #[serde(default, skip_serializing_if = "is_default")]
    pub drop: f64,
    /// Probability a message is delivered twice.
    #[serde(default, skip_serializing_if = "is_default")]
    pub duplicate: f64,
    /// A duplicate arrives up to this much later than a message would: a copy
    /// redelivered after the sender has moved on (a retransmission after a
    /// reconnect, a queue's redelivery), which reaches the code that must ignore
    /// stale requests. Default: copies arrive like messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_delay_max: Option<Duration>,
    /// What becomes of a message that meets a cut link: `"drop"` (default) or
    /// `"hold"`: delivered when the link heals, in the order held.
    #[serde(default, skip_serializing_if = "is_default")]
    pub across_cut: AcrossCut,
    /// Directed links with settings of their own: a slow replica, a lossy WAN link,
    /// one direction worse than the other. Later entries win where they overlap.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<LinkSection>,
    /// Changes to the network from given times on, in time order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phases: Vec<PhaseSection>,
}

/// `{"from": [2], "to": [0, 1], "latency": {..}, "drop": 0.2}`: the links from every
/// node of `from` to every node of `to` take the settings given instead of the
/// network's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkSection {
    /// Sending nodes (servers, then clients).
    pub from: Vec<u32>,
    /// Receiving nodes.
    pub to: Vec<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<LatencySection>,
    /// Probability a message on these links is lost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drop: Option<f64>,
    /// Probability a message on these links is delivered twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate: Option<f64>,
}

/// `{"at": "5s", "drop": 0.2, "links": [..]}`: from `at` on, the network's settings
/// given here replace the earlier ones, and `links` (if given) replaces the links'
/// own settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PhaseSection {
    pub at: Duration,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<LatencySection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drop: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<Vec<LinkSection>>,
}

/// What a cut link does to the messages that meet it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AcrossCut {
    /// Lost, as a datagram would be.
    #[default]
    Drop,
    /// Held and delivered after the heal, as a connection that retransmits.
    Hold,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LatencySection {
    pub min: Duration,
    pub max: Duration,
    #[serde(default, skip_serializing_if = "is_default")]
    pub shape: LatencyShapeName,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LatencyShapeName {
    #[default]
    Uniform,
    LongTail,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiskSection {
    #[serde(default, skip_serializing_if = "is_default")]
    pub unsynced_on_crash: UnsyncedName,
    /// Slow disks: each fsync takes from `min` to `max`, and the handler that
    /// called it waits that long before what it does next takes effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slow_fsync: Option<SlowFsyncSection>,
    /// Fsyncs that fail: each fsync (or rewrite) of the listed nodes' disks fails
    /// with `probability` during the fault period, and the records it was to make
    /// durable are lost at the next crash, whatever later fsyncs return.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fsync_errors: Option<DiskErrorSection>,
    /// Records found corrupt: each restart of a listed node in the fault period
    /// finds one record of its disk corrupt with `probability`; every read of that
    /// disk then fails its checksum until the record is gone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrupt_on_restart: Option<DiskErrorSection>,
}

/// `{"probability": 0.01, "nodes": [0, 2]}`: how often a disk error happens, on the
/// nodes listed (default: every server).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiskErrorSection {
    pub probability: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nodes: Option<Vec<u32>>,
}

/// `{"min": "5ms", "max": "40ms", "nodes": [2]}`: how long an fsync takes, on the
/// nodes listed (default: every server).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SlowFsyncSection {
    pub min: Duration,
    pub max: Duration,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nodes: Option<Vec<u32>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnsyncedName {
    /// Writes not yet fsynced are gone after a crash.
    #[default]
    Lost,
    /// A random prefix of the unsynced writes survives a crash.
    Torn,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FaultsSection {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedule: Vec<ScheduleEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub random: Option<RandomSection>,
    /// Faults that the run itself sets off: when a node newly takes a role (a
    /// leader elected, a client granted the lock), a fault hits it soon after.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<TriggerSection>,
    /// The seed also decides which fault kinds are on and how hard.
    #[serde(default, skip_serializing_if = "is_default")]
    pub swarm: bool,
    /// Let the random faults (and swarm) go beyond the faults the protocol declares it
    /// survives, such as a lock's clock-error allowance; without it they stay inside.
    /// A run beyond the model says so in its verdict.
    #[serde(default, skip_serializing_if = "is_default")]
    pub beyond_model: bool,
    /// Each partition with a window (a scheduled one's `for`, every random one) is
    /// its own cut and heals on its own: a scheduled cut and a random one do not end
    /// each other. `heal` still ends every cut. Default false: a partition's end
    /// heals every partition then in force.
    #[serde(default, skip_serializing_if = "is_default")]
    pub independent_partitions: bool,
}

impl FaultsSection {
    /// Whether chance picks some of the faults (a random nemesis, or swarm).
    pub fn is_random(&self) -> bool {
        self.random.is_some() || self.swarm
    }
}

/// One timed fault: `at` plus exactly one action.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleEntry {
    pub at: Duration,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<PartitionSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heal: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crash: Option<TargetSpec>,
    /// With `crash`: crash the node not at `at` but the next time from `at` on
    /// that it passes this point inside a handler (`faultline list protocols`
    /// names each protocol's crash points).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_point: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart: Option<TargetSpec>,
    /// A server's machine replaced: it crashes and comes back (after `for`, if
    /// given) with an empty disk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace: Option<TargetSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause: Option<TargetSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<TargetSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_jump: Option<SignedDuration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_drift_ppm: Option<i64>,
    /// The node a clock fault applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<TargetSpec>,
    /// For crash, pause and partition: undo it after this long.
    #[serde(default, rename = "for", skip_serializing_if = "Option::is_none")]
    pub for_: Option<Duration>,
    /// Undo everything: heal, restart the crashed, resume the paused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recover_all: Option<bool>,
}

/// `{"on": "leader", "fault": "crash", "within": "50ms", "for": "1s"}`: each time a
/// node newly takes the role `on` (claims it at a rank above any seen before: a new
/// term, a newer lock token), with `probability` (default 1), the fault hits that
/// node a uniformly drawn time within `within` (default 0) later, for `for` (default:
/// until the fault period ends). During the fault period only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TriggerSection {
    /// A role the protocol's nodes claim (`leader`, `holder`).
    pub on: String,
    pub fault: TriggerFaultName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<Duration>,
    #[serde(default, rename = "for", skip_serializing_if = "Option::is_none")]
    pub for_: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// With `"fault": "crash"`: crash it the next time it passes this crash point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_point: Option<String>,
    /// With `"fault": "clock_jump"`: how far its clock jumps (`"-200ms"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<SignedDuration>,
}

/// What a trigger does to the node that took the role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TriggerFaultName {
    /// Crash it (servers only).
    Crash,
    /// Pause its process.
    Pause,
    /// Replace its machine: crash it and empty its disk (servers only).
    Replace,
    /// Cut it off from every other node, clients included.
    Isolate,
    /// Move its clock by `by`.
    ClockJump,
}

/// The random nemesis: mean time between faults of each kind, and how long they last.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RandomSection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_every: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_for: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crash_every: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crash_for: Option<Duration>,
    /// Mean time between random machine replacements (a crash with the disk
    /// emptied, restarting after up to `crash_for`). Off for protocols that need
    /// their disk unless `beyond_model`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace_every: Option<Duration>,
    /// The most servers one random crash takes down together (default 1); each
    /// crash draws how many. Kept within the crashes the protocol tolerates
    /// (Raft, Paxos: a minority) unless `beyond_model`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crash_max_concurrent: Option<u32>,
    /// Mean time between random crashes at a point inside a handler (a point the
    /// protocol declares, drawn at random): the victim crashes the next time it
    /// passes the point, restarting after up to `crash_for`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crash_point_every: Option<Duration>,
    /// Mean time between random crashes of a client (one drawn among the clients),
    /// each restarting after up to `crash_for` as a new process with a fresh
    /// identity: its operation in flight stays pending in the history. Only for
    /// protocols whose clients restart (`Assumptions::clients_restart`) unless
    /// `beyond_model`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_crash_every: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause_every: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause_for: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_every: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_jump_max: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_drift_ppm_max: Option<i64>,
    /// Whether random clock faults hit clients too (default false: servers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_clients: Option<bool>,
    /// Probability a crash, pause or isolation aims at the leader.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leader_bias: Option<f64>,
    /// Probability that a newly elected leader is crashed soon after its election.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_leader_crash: Option<f64>,
    /// How soon after its election (at most) such a crash comes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_leader_crash_within: Option<Duration>,
    /// A role pauses aim at first, server's or client's (`"holder"`: the lock client
    /// that believes it holds the lock).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause_role: Option<String>,
    /// Probability a pause aims at `pause_role` (default 0.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause_role_bias: Option<f64>,
    /// Whether random partitions put clients on their sides too (default false:
    /// only servers are split). Turn it on for protocols whose clients talk to
    /// several servers directly, such as a leaderless quorum register.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_clients: Option<bool>,
}

/// The clients and what they do: random operations (`ops` spread over `clients`,
/// `keys`, `read_ratio`, `think`), or an explicit `script`. Unset fields take their
/// defaults (3 clients, 4 keys, 300 operations, half reads).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkloadSection {
    /// Client nodes (with a script: one more than the highest client it names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clients: Option<u32>,
    /// Keys the random operations choose from (`k0`, `k1`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<u32>,
    /// Random operations in total, spread over the clients and the duration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ops: Option<u32>,
    /// Fraction of the random operations that are reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_ratio: Option<f64>,
    /// Mean pause between a client's operations during the fault period (default:
    /// the duration spread evenly over each client's operations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub think: Option<Duration>,
    /// Explicit operations instead of random ones; each client runs its entries in
    /// order, one at a time, each no earlier than its `at`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub script: Vec<ScriptEntry>,
}

/// One scripted operation, in the fields of faultline's JSON Lines history:
/// `{"at": "120ms", "client": 0, "f": "put", "key": "k1", "value": "<3.1>"}`. Which
/// operations a protocol's clients can run is the protocol's to say (`get`, `put`,
/// `append` for the key-value stores).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScriptEntry {
    /// The earliest time the client invokes it (later if its previous operation is
    /// still running).
    pub at: Duration,
    /// Which client (0 is the first client node, after the servers).
    pub client: u32,
    /// The operation (`get`, `put`, `append` for key-value protocols).
    pub f: String,
    /// The key it works on; omitted for an operation without one (a transaction,
    /// `"f": "txn"`, names its keys in its `value`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key: String,
    /// What the operation writes, where it writes something.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// How a scenario is meant to end: `"pass"`, `"fail"`, or `{"fails_with":
/// "election_safety"}`, a failure by that property (what a frozen reproducer
/// records, so a change that makes it fail some other way is seen).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// Every check holds (exit 0).
    #[default]
    Pass,
    /// Some property is violated (exit 1): a named-bug demonstration.
    Fail,
    /// This property is violated (exit 1).
    FailsWith(String),
}

impl Expect {
    /// The verdict expected.
    pub fn verdict(&self) -> crate::outcome::Verdict {
        match self {
            Expect::Pass => crate::outcome::Verdict::Pass,
            Expect::Fail | Expect::FailsWith(_) => crate::outcome::Verdict::Fail,
        }
    }

    /// The property the run must fail with, when the file names one.
    pub fn property(&self) -> Option<&str> {
        match self {
            Expect::FailsWith(property) => Some(property),
            Expect::Pass | Expect::Fail => None,
        }
    }
}

fn default_name() -> String {
    "unnamed".into()
}
fn default_duration() -> Duration {
    Duration(10 * faultline_sim::SECOND)
}
fn default_quiet() -> Duration {
    Duration(10 * faultline_sim::SECOND)
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}
