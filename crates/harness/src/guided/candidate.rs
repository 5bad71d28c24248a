//! One run a guided campaign makes: a validated scenario (whose file carries the
//! seed), and where it came from: a fresh seed of the campaign's scenario, or
//! mutations of a kept run. Every run is thus a scenario file plus a seed, which is
//! what a failure keeps and what `faultline run` reproduces.

use crate::error::InputError;
use crate::outcome::Outcome;
use crate::run::{run, RunOptions};
use crate::scenario::Scenario;

/// Where a run came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The campaign's scenario with the next seed of its range.
    Fresh,
    /// The campaign's scenario with the next seed of its range and `triggers` role
    /// triggers added.
    Triggered { triggers: usize },
    /// A kept run's explicit form, mutated.
    Mutated {
        /// The run index of the parent.
        parent: u64,
        /// The operators applied, in order.
        mutations: Vec<&'static str>,
    },
}

impl Origin {
    /// The campaign's scenario as it is, with a seed of its range: the seed alone
    /// reproduces it (a run with triggers added or mutated needs its own file).
    pub fn is_plain_seed(&self) -> bool {
        matches!(self, Origin::Fresh)
    }

    /// "fresh seed", or "run 12 mutated: move a fault, reseed".
    pub fn describe(&self) -> String {
        match self {
            Origin::Fresh => "fresh seed".into(),
            Origin::Triggered { triggers: 1 } => "fresh seed with a role trigger added".into(),
            Origin::Triggered { triggers } => {
                format!("fresh seed with {triggers} role triggers added")
            }
            Origin::Mutated { parent, mutations } => {
                format!("run {parent} mutated: {}", mutations.join(", "))
            }
        }
    }
}

/// A run to make.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// Its index in the campaign, 0 first: the order results are merged in.
    pub run: u64,
    pub scenario: Scenario,
    pub origin: Origin,
}

impl Candidate {
    pub fn seed(&self) -> u64 {
        self.scenario.seed
    }

    /// Makes the run (no trace kept).
    pub fn run(&self) -> Result<Outcome, InputError> {
        run(&self.scenario, &RunOptions::default())
    }
}
