//! A fuzz campaign's pure parts: running one seed of a scenario, naming failure
//! artifacts, and tallying results. The CLI adds threads, progress and files.
//!
//! Seeds run in fixed-size batches, in order. A campaign that stops at the first
//! failure finishes the batch it is in and reports every failure of that batch, so
//! the set of failures reported never depends on how many threads ran them.

use crate::error::InputError;
use crate::outcome::{Outcome, Verdict};
use crate::run::{run, RunOptions};
use crate::scenario::Scenario;
use std::collections::BTreeMap;

/// Seeds per batch: the granularity of stopping at a failure and of progress lines.
pub const BATCH_SEEDS: usize = 64;

/// `scenario` with another seed.
pub fn with_seed(scenario: &Scenario, seed: u64) -> Scenario {
    let mut scenario = scenario.clone();
    scenario.seed = seed;
    scenario.file.seed = seed;
    scenario
}

/// Runs one seed, as a campaign does: no trace, and no history in the outcome.
pub fn run_seed(scenario: &Scenario, seed: u64) -> Result<Outcome, InputError> {
    run(
        &with_seed(scenario, seed),
        &RunOptions {
            keep_history: false,
            ..RunOptions::default()
        },
    )
}

/// The file name of a failing seed's trace: scenario, property and seed.
pub fn failure_file_name(scenario: &Scenario, outcome: &Outcome) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    let property = outcome.property.as_deref().unwrap_or("unknown");
    format!(
        "{}-{}-seed{}.trace.jsonl",
        clean(&scenario.file.name),
        clean(property),
        outcome.seed
    )
}

/// Running totals of a campaign.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub seeds_run: u64,
    pub passed: u64,
    pub failed: u64,
    pub stuck: u64,
    pub unknown: u64,
    pub failed_by_property: BTreeMap<String, u64>,
}

impl Tally {
    pub fn add(&mut self, outcome: &Outcome) {
        self.seeds_run += 1;
        match outcome.verdict {
            Verdict::Pass => self.passed += 1,
            Verdict::Fail => self.failed += 1,
            Verdict::Stuck => self.stuck += 1,
            Verdict::Unknown => self.unknown += 1,
        }
        if outcome.verdict != Verdict::Pass {
            let property = outcome.property.clone().unwrap_or_else(|| "unknown".into());
            *self.failed_by_property.entry(property).or_default() += 1;
        }
    }

    /// Seeds that did not pass.
    pub fn not_passed(&self) -> u64 {
        self.failed + self.stuck + self.unknown
    }

    /// The campaign's exit code: 1 if a property failed, 2 if only stuck/unknown, else 0.
    pub fn exit_code(&self) -> i32 {
        if self.failed > 0 {
            1
        } else if self.stuck + self.unknown > 0 {
            2
        } else {
            0
        }
    }
}
