//! The result of one run: verdict, the property that failed, and the figures every
//! report needs (events, simulated time, trace hash, faults applied, situations
//! reached).

use crate::fault_tally::FaultTally;
use crate::node_states::StateChange;
use faultline_api::TimedClientEvent;
use faultline_sim::disk::UnsyncedOnCrash;
use faultline_sim::nemesis::NemesisConfig;
use faultline_sim::world::Stats;
use faultline_sim::{AppliedFault, Nanos, NetworkConfig};
use serde::Serialize;
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every check held and every client finished.
    Pass,
    /// A safety property was violated (exit 1).
    Fail,
    /// Clients did not finish after the faults healed (exit 2).
    Stuck,
    /// The history checker ran out of budget (exit 2).
    Unknown,
}

impl Verdict {
    /// The CLI exit code for this verdict.
    pub fn exit_code(self) -> i32 {
        match self {
            Verdict::Pass => 0,
            Verdict::Fail => 1,
            Verdict::Stuck | Verdict::Unknown => 2,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::Stuck => "STUCK",
            Verdict::Unknown => "UNKNOWN",
        }
    }
}

/// What one run found.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub verdict: Verdict,
    /// The violated property (`election_safety`, `linearizability`, `stuck`, ...).
    pub property: Option<String>,
    /// What was seen, for a person.
    pub detail: Option<String>,
    /// A structured counterexample (the checker's), if any.
    pub counterexample: Option<Value>,
    pub seed: u64,
    pub events: u64,
    pub sim_time_ns: Nanos,
    pub trace_hash: u64,
    /// Every fault applied or skipped, in order. Empty for a run that kept no record
    /// (`RunOptions::keep_history` off, for a protocol whose checks read
    /// observations as they come): `faults_by_kind` still counts them.
    pub faults: Vec<AppliedFault>,
    /// The faults applied and skipped, by kind, counted as they happened.
    pub faults_by_kind: FaultTally,
    pub stats: Stats,
    /// Client nodes the run had (after the servers).
    pub clients: usize,
    /// What the clients saw, stamped with true time (empty when the run was asked
    /// not to keep it: `RunOptions::keep_history`).
    pub history: Vec<TimedClientEvent>,
    /// Client operations that completed (`ok`, `fail` or `info`).
    pub ops_completed: usize,
    /// The run's fault settings after swarm choices.
    pub network: NetworkConfig,
    pub unsynced_on_crash: UnsyncedOnCrash,
    /// The random nemesis that planned the run's random faults (after swarm choices,
    /// the protocol's roles and its fault model), if it had one.
    pub nemesis: Option<NemesisConfig>,
    /// Trace events as JSON objects, when the run was asked to keep them.
    pub trace: Option<Vec<Value>>,
    /// The situations the nodes marked with `ctx.sometimes`, with how many times
    /// each, in order of first reach (coverage; not part of the trace).
    pub reached: Vec<(&'static str, u64)>,
    /// How the run's faults went beyond the protocol's declared fault model
    /// (`outside the protocol's fault model: ...`), or `None` when they stayed inside.
    pub beyond_model: Option<String>,
    /// Each node's one-line state whenever it changed (kept with the trace only).
    pub states: Vec<StateChange>,
    /// The 0-based index of the event after which a safety property was found
    /// broken; `None` when the run passed or failed only at its end.
    pub violation_event: Option<u64>,
    /// What the isolation check judged, in words, when the protocol's clients ran
    /// transactions and it passed (`strict-serializable of 160 list-append
    /// transactions ...: no anomalies`).
    pub isolation: Option<String>,
}

impl Outcome {
    /// Faults that actually applied (not skipped for lack of a target), not counting
    /// the recovery at the end of the fault period.
    pub fn applied_fault_count(&self) -> usize {
        self.fault_tally().applied_total()
    }

    /// Faults applied and skipped, by kind.
    pub fn fault_tally(&self) -> FaultTally {
        self.faults_by_kind.clone()
    }

    /// Client operations that completed.
    pub fn completed_ops(&self) -> usize {
        self.ops_completed
    }

    /// The situations of `declared` this run never reached, in declared order.
    pub fn unreached(&self, declared: &[&'static str]) -> Vec<&'static str> {
        let reached = |s: &str| self.reached.iter().any(|(name, _)| *name == s);
        declared.iter().copied().filter(|s| !reached(s)).collect()
    }

    /// The trace hash as 16 hex digits.
    pub fn trace_hash_hex(&self) -> String {
        format!("{:016x}", self.trace_hash)
    }
}
