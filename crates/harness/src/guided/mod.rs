//! Guided fuzzing: instead of only drawing fresh seeds, keep the runs that reached
//! rare situations or new combinations of them, and mutate their explicit form (the
//! fault plan and client script the shrinker writes) to explore around them.
//!
//! - [`features`]: what a run reached, as features (situations by count, and pairs).
//! - [`corpus`]: the kept runs, with an energy that favours the rare.
//! - [`mutate`]: the operators that edit a kept run's explicit scenario.
//! - [`candidate`]: one run to make, a scenario file plus a seed, and its origin.
//! - [`guide`]: the batches, chosen from results merged in run order.
//!
//! A campaign is deterministic: a function of the scenario, the campaign seed and its
//! seed range, whatever the thread count. [`hunt`] runs one to its first failure; the
//! CLI's `fuzz --guided` drives a [`Guide`] itself, for progress and stopping.

pub mod candidate;
pub mod corpus;
pub mod features;
pub mod guide;
pub mod mutate;

pub use candidate::{Candidate, Origin};
pub use guide::{Guide, GuidedStats};

use crate::error::InputError;
use crate::outcome::{Outcome, Verdict};
use crate::registry::Registry;
use crate::scenario::Scenario;
use rayon::prelude::*;

/// Runs a batch in parallel, results in run order; `None` when `may_start` said no to
/// some run (a stop was asked for), and the batch is dropped whole.
pub fn run_batch(
    batch: &[Candidate],
    may_start: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Vec<Outcome>>, InputError> {
    let results: Vec<Option<Result<Outcome, InputError>>> = batch
        .par_iter()
        .map(|candidate| may_start().then(|| candidate.run()))
        .collect();
    let Some(results) = results.into_iter().collect::<Option<Vec<_>>>() else {
        return Ok(None);
    };
    results.into_iter().collect::<Result<Vec<_>, _>>().map(Some)
}

/// What [`hunt`] found.
#[derive(Clone, Debug)]
pub struct HuntResult {
    /// The first run that did not pass, with its outcome.
    pub failure: Option<(Candidate, Outcome)>,
    /// Runs made, the failing one included.
    pub runs: u64,
    pub stats: GuidedStats,
}

/// Runs a guided campaign of `base` on the current rayon pool: up to `runs` runs,
/// fresh ones taking `first_seed`, `first_seed + 1`, ..., mutation choices drawn from
/// `campaign_seed`; stops at the first run (in run order) that does not pass.
pub fn hunt(
    base: &Scenario,
    registry: &Registry,
    first_seed: u64,
    runs: u64,
    campaign_seed: u64,
) -> Result<HuntResult, InputError> {
    let mut guide = Guide::new(base.clone(), registry, first_seed.., runs, campaign_seed);
    let mut made = 0;
    loop {
        let batch = guide.next_batch();
        if batch.is_empty() {
            let stats = guide.stats().clone();
            return Ok(HuntResult {
                failure: None,
                runs: made,
                stats,
            });
        }
        let outcomes = run_batch(&batch, &|| true)?.unwrap_or_default();
        for (candidate, outcome) in batch.into_iter().zip(outcomes) {
            made += 1;
            guide.observe(&candidate, &outcome);
            if outcome.verdict != Verdict::Pass {
                let stats = guide.stats().clone();
                let failure = Some((candidate, outcome));
                return Ok(HuntResult {
                    failure,
                    runs: made,
                    stats,
                });
            }
        }
    }
}
