//! Shrinking: from a failing run to a small scenario file a person can read in a minute.
//!
//! First the run becomes its [`explicit`] form: the fault timeline actually applied,
//! as faults with windows, and the operations clients actually invoked, as a script.
//! Then, while the scenario keeps failing the same property, the [`passes`] remove
//! faults and operations (halves, quarters, ... single ones, as in delta debugging),
//! remove clients, shorten fault windows and the run, use fewer nodes, quiet the
//! network, and round times to whole milliseconds. Each candidate is one ordinary
//! run, so the result fails deterministically with `faultline run`.

pub mod explicit;
mod passes;

use crate::error::InputError;
use crate::outcome::{Outcome, Verdict};
use crate::registry::Registry;
use crate::run::{run, RunOptions};
use crate::scenario::{Scenario, ScenarioFile};
use faultline_api::{ClientEventKind, Workload};
use faultline_sim::Nanos;

pub use explicit::explicit_form;

/// How big a scenario is, for before/after reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Size {
    /// Fault entries (a fault with its `for` window counts once).
    pub faults: usize,
    /// Client operations: the script's entries, or for random workloads those invoked.
    pub ops: u32,
    pub clients: u32,
    pub nodes: u32,
    pub sim_time_ns: Nanos,
    pub events: u64,
}

/// What the shrinker must preserve: the same verdict on the same property.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailureSignature {
    pub verdict: Verdict,
    pub property: String,
}

/// Lets the caller watch progress and stop the search (e.g. on a time budget).
pub trait ShrinkObserver {
    /// Called after every candidate run; `accepted` when it still failed.
    fn on_attempt(&mut self, attempts: u32, current: &Size, accepted: bool);
    /// True when the search should stop and return the best so far.
    fn should_stop(&self) -> bool;
}

#[derive(Clone, Debug)]
pub struct ShrinkResult {
    pub minimal: ScenarioFile,
    pub signature: FailureSignature,
    pub detail: String,
    pub before: Size,
    pub after: Size,
    pub attempts: u32,
    /// False when the explicit form did not reproduce and the random nemesis was kept.
    pub explicit: bool,
}

/// Shrinks the failing run of `original` (a scenario with its seed), a scenario of
/// a protocol `registry` knows.
pub fn shrink(
    original: &ScenarioFile,
    registry: &Registry,
    observer: &mut dyn ShrinkObserver,
) -> Result<ShrinkResult, InputError> {
    let scenario = Scenario::from_file_named(original.clone(), &original.name, registry)?;
    let first = run(&scenario, &RunOptions::default())?;
    if first.verdict == Verdict::Pass {
        return Err(InputError::whole_file(
            &original.name,
            "this run passes; there is nothing to shrink",
        ));
    }
    let signature = FailureSignature {
        verdict: first.verdict,
        property: first.property.clone().unwrap_or_default(),
    };
    let explicit = explicit_form(original, &first, &scenario.info);
    let mut before = size_of(original, &first);
    if original.faults.is_random() {
        // Count what the nemesis did as the explicit form does (a fault and its undo
        // are one entry), so before and after compare like with like.
        before.faults = explicit.faults.schedule.len();
    }
    let mut search = Search {
        signature: signature.clone(),
        registry,
        observer,
        attempts: 0,
    };
    let (mut best, mut best_outcome, is_explicit) = match search.try_candidate(&explicit)? {
        Some(outcome) => (explicit, outcome, true),
        None => (original.clone(), first, false),
    };
    // Every adopted change makes the measure smaller or keeps it (rounding), so
    // rounds continue only while it shrinks: the search always ends.
    let mut measure = measure_of(&best);
    loop {
        let changed = search.all_passes(&mut best, &mut best_outcome, is_explicit)?;
        let now = measure_of(&best);
        if !changed || now >= measure || search.observer.should_stop() {
            break;
        }
        measure = now;
    }
    if let Some(workload) = best.workload.as_mut() {
        // Each client's entries are in time order already; this interleaves them.
        workload.script.sort_by_key(|e| e.at);
    }
    let after = size_of(&best, &best_outcome);
    Ok(ShrinkResult {
        detail: best_outcome.detail.clone().unwrap_or_default(),
        minimal: best,
        signature,
        before,
        after,
        attempts: search.attempts,
        explicit: is_explicit,
    })
}

/// Validates and runs a candidate; `None` if it is not a valid scenario.
fn evaluate(file: &ScenarioFile, registry: &Registry) -> Result<Option<Outcome>, InputError> {
    let scenario = match Scenario::from_file_named(file.clone(), &file.name, registry) {
        Ok(s) => s,
        Err(_) => return Ok(None),
    };
    run(&scenario, &RunOptions::default()).map(Some)
}

fn size_of(file: &ScenarioFile, outcome: &Outcome) -> Size {
    let mut size = static_size(file);
    if file.faults.is_random() {
        size.faults = outcome.applied_fault_count();
    }
    if file.workload.as_ref().is_none_or(|w| w.script.is_empty()) {
        let invoked = outcome.history.iter();
        let invoked = invoked.filter(|e| e.value.kind == ClientEventKind::Invoke);
        size.ops = invoked.count() as u32;
    }
    size.sim_time_ns = outcome.sim_time_ns;
    size.events = outcome.events;
    size
}

/// Ordered by how much a smaller value helps a reader: fewer faults, operations,
/// clients and nodes, then shorter fault windows and run, then a quieter network.
fn measure_of(file: &ScenarioFile) -> (usize, u32, u32, u32, Nanos, bool, bool) {
    let size = static_size(file);
    let windows: Nanos = file
        .faults
        .schedule
        .iter()
        .filter_map(|e| e.for_)
        .map(|d| d.0)
        .sum();
    (
        size.faults,
        size.ops,
        size.clients,
        size.nodes,
        windows + file.duration.0,
        file.network.drop > 0.0,
        file.network.duplicate > 0.0,
    )
}

/// What can be read off the file alone (no run).
fn static_size(file: &ScenarioFile) -> Size {
    let workload = file.workload.as_ref();
    let script = workload.map_or(0, |w| w.script.len() as u32);
    let named = workload.and_then(|w| w.script.iter().map(|e| e.client.saturating_add(1)).max());
    Size {
        faults: file.faults.schedule.len(),
        ops: script,
        clients: workload.map_or(0, |w| {
            w.clients
                .or(named)
                .unwrap_or(Workload::default().clients as u32)
        }),
        nodes: file.protocol.nodes,
        sim_time_ns: 0,
        events: 0,
    }
}

/// The search state: the property to keep failing, and the caller's observer.
struct Search<'a> {
    signature: FailureSignature,
    registry: &'a Registry,
    observer: &'a mut dyn ShrinkObserver,
    attempts: u32,
}

impl Search<'_> {
    /// Runs a candidate; `Some(outcome)` if it fails the same way.
    fn try_candidate(&mut self, candidate: &ScenarioFile) -> Result<Option<Outcome>, InputError> {
        self.attempts += 1;
        let outcome = evaluate(candidate, self.registry)?;
        let keeps = outcome.filter(|o| {
            o.verdict == self.signature.verdict
                && o.property.as_deref() == Some(self.signature.property.as_str())
        });
        let size = match &keeps {
            Some(outcome) => size_of(candidate, outcome),
            None => static_size(candidate),
        };
        self.observer
            .on_attempt(self.attempts, &size, keeps.is_some());
        Ok(keeps)
    }

    /// Tries `candidate`; adopts it if it still fails. Returns whether it was adopted.
    fn adopt(
        &mut self,
        best: &mut ScenarioFile,
        best_outcome: &mut Outcome,
        candidate: ScenarioFile,
    ) -> Result<bool, InputError> {
        if self.observer.should_stop() || candidate == *best {
            return Ok(false);
        }
        match self.try_candidate(&candidate)? {
            Some(outcome) => {
                *best = candidate;
                *best_outcome = outcome;
                Ok(true)
            }
            None => Ok(false),
        }
    }
}
