//! The guide: which runs a guided campaign makes next, and what it learns from each.
//!
//! Runs go in batches whose sizes depend only on the batch's index (1, 2, 4, ... up
//! to [`BATCH_SEEDS`]): small at first, so the first results guide the next runs
//! early, then wide enough to keep every core busy. A batch is chosen from the results
//! of every earlier batch, merged in run order, with the guide's own random stream
//! seeded by the campaign seed; so the whole campaign is a function of the scenario,
//! the campaign seed and the seeds of its range, whatever the number of threads.
//!
//! Each run is fresh (the scenario with the range's next seed) or mutated: a parent
//! picked from the [`Corpus`] by energy, its explicit form edited by one to three
//! [`Operator`]s. The first batch and any batch with an empty corpus are fresh; later
//! a run is fresh with chance [`FRESH_SHARE`], so new ground is still broken, and
//! whenever no kept run reaches anything rare.
//!
//! Fresh runs after the first batch carry one or two role triggers: a crash, pause,
//! isolation or clock jump that hits a node just after it takes a role its protocol
//! claims (a new leader, a new lock holder), on top of the scenario's own faults.
//! Handovers are where most bugs of protocols with roles live: Raft's Figure 8 bug
//! fails 40% of seeds with leader triggers and 2% under its nemesis alone. Measured
//! by the bug hunt (BENCHMARKS.md: median runs to the first failure over 20 campaigns
//! of 100, guided before -> with triggers): the Figure 8 bug 30 -> 5, Redlock without
//! drift 17 -> 7, Raft's unpersisted vote 10 -> 7, Paxos's learner without snapshots
//! 7 -> 3. A protocol whose nodes claim no role gets plain fresh runs. A role the
//! scenario's nemesis pauses by preference is paused by its triggers as often
//! (Redlock without drift 7 -> 6 -> 5 with longer, then preferred, pauses).

use super::candidate::{Candidate, Origin};
use super::corpus::{Corpus, Entry, Verdict};
use super::features::features_of;
use super::mutate::planned_entry;
use super::mutate::{apply, Operator, Targets};
use crate::campaign::BATCH_SEEDS;
use crate::duration::Duration;
use crate::outcome::{Outcome, Verdict as RunVerdict};
use crate::registry::Registry;
use crate::scenario::file::RandomSection;
use crate::scenario::{Expect, Scenario, ScenarioFile};
use crate::shrink::explicit_form;
use faultline_sim::nemesis::plan;
use faultline_sim::rng::{SimRng, Stream};
use faultline_sim::Target;

/// The chance that a run after the first batch is fresh rather than mutated.
pub const FRESH_SHARE: f64 = 0.25;

/// Mutants refused by validation before the guide falls back to a fresh run.
const MUTANT_TRIES: u32 = 4;

/// Counts of what a guided campaign did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GuidedStats {
    /// Fresh seeds run, with role triggers added or not.
    pub fresh: u64,
    /// Of the fresh runs, those with role triggers added.
    pub triggered: u64,
    pub mutated: u64,
    /// Mutants validation refused (not run; another was drawn).
    pub mutants_refused: u64,
    /// Runs ever kept in the corpus.
    pub kept: u64,
}

/// The state of a guided campaign between batches.
pub struct Guide<'a, I: Iterator<Item = u64>> {
    base: Scenario,
    registry: &'a Registry,
    fresh_seeds: I,
    runs_left: u64,
    rng: SimRng,
    corpus: Corpus,
    targets: Targets,
    next_run: u64,
    batches: u32,
    stats: GuidedStats,
}

impl<'a, I: Iterator<Item = u64>> Guide<'a, I> {
    /// A campaign of `runs` runs of `base`; fresh runs take `fresh_seeds` in order.
    pub fn new(
        base: Scenario,
        registry: &'a Registry,
        fresh_seeds: I,
        runs: u64,
        campaign_seed: u64,
    ) -> Self {
        let targets = targets_of(&base);
        Guide {
            base,
            registry,
            fresh_seeds,
            runs_left: runs,
            rng: SimRng::new(campaign_seed, Stream::Guide),
            corpus: Corpus::default(),
            targets,
            next_run: 0,
            batches: 0,
            stats: GuidedStats::default(),
        }
    }

    pub fn stats(&self) -> &GuidedStats {
        &self.stats
    }

    pub fn corpus(&self) -> &Corpus {
        &self.corpus
    }

    /// Runs not yet planned.
    pub fn runs_left(&self) -> u64 {
        self.runs_left
    }

    /// The next batch of runs (empty when the campaign has made every run).
    pub fn next_batch(&mut self) -> Vec<Candidate> {
        let size = (1u64 << self.batches.min(16))
            .min(BATCH_SEEDS as u64)
            .min(self.runs_left);
        let first_batch = self.batches == 0;
        self.batches += 1;
        let mut batch = Vec::with_capacity(size as usize);
        for _ in 0..size {
            let fresh =
                first_batch || self.corpus.entries().is_empty() || self.rng.chance(FRESH_SHARE);
            let candidate = if fresh { None } else { self.mutant() };
            let candidate = match candidate {
                Some(mutant) => Some(mutant),
                None if first_batch => self.fresh(),
                None => self.fresh_triggered(),
            };
            let Some(candidate) = candidate else {
                break;
            };
            self.runs_left -= 1;
            self.next_run += 1;
            batch.push(candidate);
        }
        batch
    }

    fn fresh(&mut self) -> Option<Candidate> {
        let seed = self.fresh_seeds.next()?;
        self.stats.fresh += 1;
        Some(Candidate {
            run: self.next_run,
            scenario: crate::campaign::with_seed(&self.base, seed),
            origin: Origin::Fresh,
        })
    }

    /// A fresh seed with one or two role triggers added (a plain fresh run when the
    /// protocol's nodes claim no role, or validation refused the triggers).
    fn fresh_triggered(&mut self) -> Option<Candidate> {
        let mut candidate = self.fresh()?;
        let mut file = candidate.scenario.file.clone();
        let wanted = 1 + self.rng.below(2) as usize;
        let added = (0..wanted)
            .filter(|_| {
                apply(
                    Operator::AddTrigger,
                    &mut file,
                    &self.targets,
                    &mut self.rng,
                )
            })
            .count();
        if added == 0 {
            return Some(candidate);
        }
        if let Ok(scenario) = Scenario::from_file_named(file, &self.base.file.name, self.registry) {
            candidate.scenario = scenario;
            candidate.origin = Origin::Triggered { triggers: added };
            self.stats.triggered += 1;
        }
        Some(candidate)
    }

    /// A mutant of a parent picked by energy, or `None` if none validated.
    fn mutant(&mut self) -> Option<Candidate> {
        for _ in 0..MUTANT_TRIES {
            let parent = self.corpus.pick(&mut self.rng)?;
            let (parent_run, mut file) = (parent.run, parent.file.clone());
            let mutations = self.mutate(&mut file);
            match Scenario::from_file_named(file, &self.base.file.name, self.registry) {
                Ok(scenario) => {
                    self.stats.mutated += 1;
                    let origin = Origin::Mutated {
                        parent: parent_run,
                        mutations,
                    };
                    return Some(Candidate {
                        run: self.next_run,
                        scenario,
                        origin,
                    });
                }
                Err(_) => self.stats.mutants_refused += 1,
            }
        }
        None
    }

    /// Applies one to three operators that had something to act on.
    fn mutate(&mut self, file: &mut ScenarioFile) -> Vec<&'static str> {
        let wanted = 1 + self.rng.below(3) as usize;
        let mut applied = Vec::new();
        for _ in 0..4 * wanted {
            if applied.len() == wanted {
                break;
            }
            let operator = *self.rng.pick(&Operator::ALL).unwrap_or(&Operator::Reseed);
            if apply(operator, file, &self.targets, &mut self.rng) {
                applied.push(operator.name());
            }
        }
        file.faults.schedule.sort_by_key(|e| e.at);
        if let Some(workload) = file.workload.as_mut() {
            workload.script.sort_by_key(|e| e.at);
        }
        applied
    }

    /// Learns from a run's outcome: counts what it reached, and keeps it if that was
    /// new or rare. Call in run order. Runs that did not pass are not kept.
    pub fn observe(&mut self, candidate: &Candidate, outcome: &Outcome) {
        let features = features_of(&outcome.reached);
        let verdict = self.corpus.observe(&features);
        if outcome.verdict != RunVerdict::Pass || verdict == Verdict::Ordinary {
            return;
        }
        let mut file = match candidate.origin {
            Origin::Fresh | Origin::Triggered { .. } => self.explicit(candidate, outcome),
            Origin::Mutated { .. } => candidate.scenario.file.clone(),
        };
        file.expect = Expect::Pass;
        let new_features = match verdict {
            Verdict::New(n) => n,
            _ => 0,
        };
        self.stats.kept += 1;
        self.corpus.admit(Entry {
            run: candidate.run,
            file,
            features,
            picked: 0,
            new_features,
        });
    }
}

impl<I: Iterator<Item = u64>> Guide<'_, I> {
    /// A fresh run's explicit form, with its faults as they were planned rather than
    /// as they landed: the scenario's own schedule, then the nemesis's plan for the
    /// run's seed, targets such as `leader` or `random` resolved when each fires, and
    /// the leader churn (crash a new leader soon after its election) kept. It replays
    /// the run exactly, and a mutant whose leaders change still has its faults aimed
    /// at them.
    fn explicit(&self, candidate: &Candidate, outcome: &Outcome) -> ScenarioFile {
        let original = &candidate.scenario;
        let mut file = explicit_form(&original.file, outcome, &self.base.info);
        let Some(nemesis) = &outcome.nemesis else {
            return file;
        };
        let mut schedule = original.file.faults.schedule.clone();
        let mut rng = SimRng::new(original.seed, Stream::Nemesis);
        let planned = plan(nemesis, original.duration_ns, &mut rng);
        let within = planned
            .into_iter()
            .filter(|(at, _)| *at < original.duration_ns);
        schedule.extend(within.map(|(at, action)| planned_entry(at, action)));
        file.faults.schedule = schedule;
        file.faults.random = (nemesis.new_leader_crash > 0.0).then(|| RandomSection {
            leader_bias: Some(nemesis.leader_bias),
            new_leader_crash: Some(nemesis.new_leader_crash),
            new_leader_crash_within: Some(Duration(nemesis.new_leader_crash_within_ns)),
            crash_for: Some(Duration(nemesis.crash_for_ns_max)),
            ..RandomSection::default()
        });
        file
    }
}

/// The nodes and roles a scenario's faults may aim at.
fn targets_of(base: &Scenario) -> Targets {
    let mut roles: Vec<String> = Vec::new();
    if let Some(nemesis) = &base.nemesis {
        if nemesis.leader_bias > 0.0 || nemesis.new_leader_crash > 0.0 {
            roles.push("leader".into());
        }
        roles.extend(nemesis.pause_role.iter().cloned());
    }
    for (_, action) in &base.schedule {
        if let Some(Target::Role(role)) = action_target(action) {
            roles.push(role.clone());
        }
    }
    roles.sort();
    roles.dedup();
    let claimed: &[&str] = match (base.info.check_setup)(&base.setup()) {
        Ok((claimed, _)) => claimed,
        Err(_) => &[],
    };
    Targets {
        servers: base.servers as u32,
        clients: base.workload.as_ref().map_or(0, |w| w.clients as u32),
        roles,
        nemesis: base.nemesis.clone(),
        claimed_roles: claimed.iter().map(|r| r.to_string()).collect(),
        crash_points: base.info.crash_points,
    }
}

fn action_target(action: &faultline_sim::FaultAction) -> Option<&Target> {
    use faultline_sim::FaultAction as A;
    match action {
        A::Crash { target, .. } | A::Pause { target, .. } => Some(target),
        A::ClockJump { target, .. } | A::ClockDrift { target, .. } => Some(target),
        _ => None,
    }
}
