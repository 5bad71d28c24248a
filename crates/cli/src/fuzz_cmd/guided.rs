//! `fuzz --guided`: the campaign loop when a [`Guide`] chooses the runs. Its batches
//! run across the pool, their results are merged in run order (tallied, covered,
//! failures kept), and the guide learns from them before choosing the next batch.
//! Stopping works as for seeds: the time budget or a signal before a batch, the
//! first failing batch without `--keep-going`. A guided campaign is not resumed
//! from the middle (its corpus is not saved); it is rerun whole, deterministically.
//!
//! [`GuidedReport`] is what the summary, the JSON and the JUnit report say about it:
//! runs fresh and mutated, and what the corpus holds.

use super::coverage::Coverage;
use super::failure::FailureLog;
use super::runner::{stop_before_batch, CampaignReport, Stop};
use super::FuzzArgs;
use crate::app::App;
use crate::exit::Exit;
use crate::interrupt::{Interrupts, StopSignal};
use crate::progress::Progress;
use faultline_harness::campaign::Tally;
use faultline_harness::guided::{run_batch, Guide, GuidedStats};
use faultline_harness::Scenario;
use serde_json::json;
use std::time::Instant;

/// Rare features named in the summary, at most.
const RARE_LISTED: usize = 5;

/// What a guided campaign did, beyond what every campaign reports.
pub struct GuidedReport {
    pub stats: GuidedStats,
    /// Runs the corpus holds at the end.
    pub corpus_runs: usize,
    /// Distinct features (situations by count, pairs) reached.
    pub features: usize,
    /// The rarest features its kept runs reach, with how many runs reached each.
    pub rare: Vec<(String, u64)>,
}

pub fn run_guided_campaign(
    app: &App,
    scenario: &Scenario,
    args: &FuzzArgs,
    pool: &rayon::ThreadPool,
    interrupts: &Interrupts,
) -> Result<CampaignReport, Exit> {
    let started = Instant::now();
    let seeds = args.seeds.seeds(args.shard());
    let planned = seeds.remaining();
    let mut guide = Guide::new(
        scenario.clone(),
        &app.registry,
        seeds,
        planned,
        args.seeds.start,
    );
    let mut progress = Progress::new(planned, "runs");
    let (mut tally, mut log) = (Tally::default(), FailureLog::new(app, scenario, args));
    let mut coverage = Coverage::of(scenario);
    let stop = loop {
        if let Some(stop) = stop_before_batch(args, started, interrupts) {
            break stop;
        }
        let batch = guide.next_batch();
        if batch.is_empty() {
            break Stop::Complete;
        }
        let may_start = || interrupts.received().is_none();
        let Some(outcomes) = pool
            .install(|| run_batch(&batch, &may_start))
            .map_err(Exit::input)?
        else {
            break Stop::Signal(interrupts.received().unwrap_or(StopSignal::Interrupt));
        };
        for (candidate, outcome) in batch.iter().zip(outcomes) {
            guide.observe(candidate, &outcome);
            tally.add(&outcome);
            coverage.add(&outcome);
            log.record(outcome, Some(candidate), &progress)?;
        }
        progress.advance(batch.len() as u64, tally.not_passed());
        if tally.not_passed() > 0 && !args.keep_going {
            break if guide.runs_left() == 0 {
                Stop::Complete
            } else {
                Stop::FirstFailure
            };
        }
    };
    progress.finish();
    let guided = Some(guided_report(&guide));
    Ok(CampaignReport {
        planned,
        tally,
        failures: log.into_listed(),
        stop,
        coverage,
        next_seed: None,
        wall: started.elapsed(),
        guided,
    })
}

fn guided_report<I: Iterator<Item = u64>>(guide: &Guide<'_, I>) -> GuidedReport {
    let corpus = guide.corpus();
    let rare = corpus
        .rare_features()
        .into_iter()
        .take(RARE_LISTED)
        .map(|(feature, runs)| (feature.text(), runs))
        .collect();
    GuidedReport {
        stats: guide.stats().clone(),
        corpus_runs: corpus.entries().len(),
        features: corpus.features_seen(),
        rare,
    }
}

impl GuidedReport {
    /// The summary's guided lines.
    pub fn text(&self) -> String {
        let s = &self.stats;
        let mut text = format!(
            "guided: {} fresh runs ({} with role triggers), {} mutated ({} mutants refused by \
             validation); corpus holds {} runs ({} kept in all), {} features reached",
            s.fresh,
            s.triggered,
            s.mutated,
            s.mutants_refused,
            self.corpus_runs,
            s.kept,
            self.features
        );
        for (feature, runs) in &self.rare {
            text += &format!("\n  rare: {feature} ({runs} runs)");
        }
        text
    }

    /// The `guided` object of the JSON summary.
    pub fn to_json(&self) -> serde_json::Value {
        let s = &self.stats;
        let rare: Vec<_> = self
            .rare
            .iter()
            .map(|(f, runs)| json!({"feature": f, "runs": runs}))
            .collect();
        json!({
            "fresh": s.fresh,
            "triggered": s.triggered,
            "mutated": s.mutated,
            "mutants_refused": s.mutants_refused,
            "kept": s.kept,
            "corpus": self.corpus_runs,
            "features": self.features,
            "rare": rare,
        })
    }

    /// `<properties>` entries for the JUnit report.
    pub fn junit_properties(&self) -> Vec<(String, String)> {
        let s = &self.stats;
        vec![
            ("guided_fresh".into(), s.fresh.to_string()),
            ("guided_triggered".into(), s.triggered.to_string()),
            ("guided_mutated".into(), s.mutated.to_string()),
            ("guided_corpus".into(), self.corpus_runs.to_string()),
            ("guided_kept".into(), s.kept.to_string()),
        ]
    }
}
