//! The campaign loop: draw the shard's seeds lazily in batches of `BATCH_SEEDS`, run
//! each batch across the thread pool, record its failures in seed order, and stop
//! when the seeds run out, at the first failing batch (without `--keep-going`), when
//! the time budget is spent, or when SIGINT/SIGTERM arrives.
//!
//! Only whole batches count: a signal stops seeds of the batch in flight from
//! starting, and a batch cut short that way is dropped. So the seeds run are always a
//! prefix of the shard's seeds, and `next_seed` is where a resumed campaign starts.

use super::coverage::Coverage;
use super::failure::{Failure, FailureLog};
use super::guided::GuidedReport;
use super::FuzzArgs;
use crate::app::App;
use crate::exit::Exit;
use crate::interrupt::{Interrupts, StopSignal};
use crate::progress::Progress;
use faultline_harness::campaign::{run_seed, Tally, BATCH_SEEDS};
use faultline_harness::reached::Reach;
use faultline_harness::{InputError, Outcome, Scenario};
use rayon::prelude::*;
use std::time::{Duration, Instant};

/// Why a campaign stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// Every seed of the shard ran.
    Complete,
    /// A batch had a failure and `--keep-going` was not given.
    FirstFailure,
    TimeBudget,
    Signal(StopSignal),
}

impl Stop {
    /// The name used in the JSON summary and the JUnit properties.
    pub fn key(self) -> &'static str {
        match self {
            Stop::Complete => "complete",
            Stop::FirstFailure => "first_failure",
            Stop::TimeBudget => "time_budget",
            Stop::Signal(_) => "signal",
        }
    }

    /// Why, for a person: "the time budget (50m)".
    pub fn reason(self, args: &FuzzArgs) -> String {
        match self {
            Stop::Complete => "every seed ran".into(),
            Stop::FirstFailure => "the first failing batch (no --keep-going)".into(),
            Stop::TimeBudget => match args.time_budget {
                Some(budget) => format!("the time budget ({budget})"),
                None => "the time budget".into(),
            },
            Stop::Signal(signal) => format!("{} (interrupted)", signal.name()),
        }
    }
}

/// What a campaign did: the figures every report is made from.
pub struct CampaignReport {
    /// Seeds of the shard in the range.
    pub planned: u64,
    pub tally: Tally,
    /// The failures found, in seed order, up to `failure::MAX_LISTED`.
    pub failures: Vec<Failure>,
    pub stop: Stop,
    /// Seeds reaching each situation the protocol marks.
    pub coverage: Coverage,
    /// The first seed of the shard not run, if any was left.
    pub next_seed: Option<u64>,
    pub wall: Duration,
    /// For `--guided`: runs fresh and mutated, and what the corpus holds.
    pub guided: Option<GuidedReport>,
}

impl CampaignReport {
    pub fn seeds_not_run(&self) -> u64 {
        self.planned - self.tally.seeds_run
    }

    pub fn interrupted(&self) -> Option<StopSignal> {
        match self.stop {
            Stop::Signal(signal) => Some(signal),
            _ => None,
        }
    }

    /// The situations the scenario requires, judged if every seed ran.
    pub fn reach(&self) -> Reach {
        self.coverage.reach(self.stop == Stop::Complete)
    }

    /// 130/143 after a signal; else 1 if a property failed (a seed's, or a required
    /// situation never reached); else 2 for stuck or unknown seeds, or seeds left
    /// unrun with `require_complete`; else 0.
    pub fn exit_code(&self, require_complete: bool) -> i32 {
        if let Some(signal) = self.interrupted() {
            return signal.exit_code();
        }
        if self.reach().missed() {
            return 1;
        }
        match self.tally.exit_code() {
            0 if require_complete && self.seeds_not_run() > 0 => EXIT_INCOMPLETE,
            code => code,
        }
    }
}

/// The exit code of a campaign with `--require-complete` that left seeds unrun.
pub const EXIT_INCOMPLETE: i32 = 2;

pub fn run_campaign(
    app: &App,
    scenario: &Scenario,
    args: &FuzzArgs,
    pool: &rayon::ThreadPool,
    interrupts: &Interrupts,
) -> Result<CampaignReport, Exit> {
    let started = Instant::now();
    let mut seeds = args.seeds.seeds(args.shard());
    let planned = seeds.remaining();
    let mut progress = Progress::new(planned, "seeds");
    let mut tally = Tally::default();
    let mut coverage = Coverage::of(scenario);
    let mut log = FailureLog::new(app, scenario, args);
    let (stop, next_seed) = loop {
        let batch: Vec<u64> = seeds.by_ref().take(BATCH_SEEDS).collect();
        let Some(&first) = batch.first() else {
            break (Stop::Complete, None);
        };
        if let Some(stop) = stop_before_batch(args, started, interrupts) {
            break (stop, Some(first));
        }
        let Some(outcomes) = run_batch(pool, scenario, &batch, interrupts).map_err(Exit::input)?
        else {
            let signal = interrupts.received().unwrap_or(StopSignal::Interrupt);
            break (Stop::Signal(signal), Some(first));
        };
        for outcome in outcomes {
            tally.add(&outcome);
            coverage.add(&outcome);
            log.record(outcome, None, &progress)?;
        }
        progress.advance(batch.len() as u64, tally.not_passed());
        if tally.not_passed() > 0 && !args.keep_going {
            match seeds.next() {
                Some(next) => break (Stop::FirstFailure, Some(next)),
                None => break (Stop::Complete, None),
            }
        }
    };
    progress.finish();
    Ok(CampaignReport {
        planned,
        tally,
        failures: log.into_listed(),
        stop,
        coverage,
        next_seed,
        wall: started.elapsed(),
        guided: None,
    })
}

/// Whether to stop before drawing another batch: a signal, or the budget spent.
pub(super) fn stop_before_batch(
    args: &FuzzArgs,
    started: Instant,
    interrupts: &Interrupts,
) -> Option<Stop> {
    if let Some(signal) = interrupts.received() {
        return Some(Stop::Signal(signal));
    }
    let spent = |budget: faultline_harness::duration::Duration| {
        started.elapsed() >= Duration::from_nanos(budget.0)
    };
    args.time_budget
        .filter(|&b| spent(b))
        .map(|_| Stop::TimeBudget)
}

/// Runs a batch across the pool, in seed order; `None` if a signal kept some of its
/// seeds from starting (the batch is then dropped whole).
fn run_batch(
    pool: &rayon::ThreadPool,
    scenario: &Scenario,
    batch: &[u64],
    interrupts: &Interrupts,
) -> Result<Option<Vec<Outcome>>, InputError> {
    let results: Vec<Option<Result<Outcome, InputError>>> = pool.install(|| {
        batch
            .par_iter()
            .map(|&seed| {
                let go_on = interrupts.received().is_none();
                go_on.then(|| run_seed(scenario, seed))
            })
            .collect()
    });
    let Some(results) = results.into_iter().collect::<Option<Vec<_>>>() else {
        return Ok(None);
    };
    results.into_iter().collect::<Result<Vec<_>, _>>().map(Some)
}
