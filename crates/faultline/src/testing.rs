//! Fuzzing from `cargo test`: run a scenario over a range of seeds in parallel and
//! assert that every seed passes, or that a named bug is caught by a named property.
//!
//! `assert_deterministic` runs each seed twice and replays its trace, which is how a
//! protocol's own nondeterminism (a `HashMap`, the wall clock) shows itself.
//!
//! A failure is made to be acted on: the failing seed's trace is written (under
//! `traces/failures/` of the package, or `$FAULTLINE_TRACES`), and the panic message
//! names the seed, the verdict and property, and the exact commands that replay and
//! shrink it. Each simulation stays single-threaded and deterministic; only seeds
//! run side by side, and which seed is reported never depends on the thread count.
//!
//! ```no_run
//! use faultline::prelude::*;
//! use faultline::testing::Fuzz;
//!
//! # fn registry() -> Registry { Registry::builtin() }
//! #[test]
//! fn nemesis_passes() {
//!     Fuzz::file(registry(), "scenarios/raft/nemesis.json").seeds(0..200).assert_passes();
//! }
//!
//! #[test]
//! fn stale_reads_are_caught() {
//!     Fuzz::file(registry(), "scenarios/raft/nemesis.json")
//!         .seeds(0..200)
//!         .assert_caught("raft.stale_read", "linearizability");
//! }
//! ```

use faultline_cli::files::write_atomically;
use faultline_cli::{repro_command, App};
use faultline_harness::campaign::{failure_file_name, run_seed, with_seed, BATCH_SEEDS};
use faultline_harness::reached::{RequiredSituations, NEVER_REACHED};
use faultline_harness::replay::{first_divergence, replay, Divergence};
use faultline_harness::{run, trace_file, Outcome, Registry, RunOptions, Scenario, Verdict};
use rayon::prelude::*;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A scenario to run over many seeds, and what to assert about them.
pub struct Fuzz {
    /// The registry, and the program the printed commands name.
    app: App,
    scenario: Scenario,
    /// Where the scenario came from, for the commands printed on failure.
    path: Option<PathBuf>,
    seeds: Range<u64>,
    traces_dir: PathBuf,
}

impl Fuzz {
    /// The scenario file at `path` (relative to the package root under `cargo
    /// test`), for the protocols of `registry`.
    ///
    /// # Panics
    /// If the file cannot be read or is not a valid scenario: the message says where
    /// (file, line, column, field path) and what was expected.
    pub fn file(registry: Registry, path: impl AsRef<Path>) -> Self {
        let path = path.as_ref();
        let source = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read scenario {}: {e}", path.display()));
        let mut fuzz = Fuzz::source(registry, &path.display().to_string(), &source);
        fuzz.path = Some(path.to_path_buf());
        fuzz
    }

    /// A scenario given as text (written in the test, or `include_str!`); `name` is
    /// used in errors.
    ///
    /// # Panics
    /// If it is not a valid scenario, with the located error.
    pub fn source(registry: Registry, name: &str, source: &str) -> Self {
        let scenario = Scenario::parse(source, name, &registry).unwrap_or_else(|e| panic!("{e}"));
        Fuzz {
            app: App::named(registry, "cargo run --release --"),
            scenario,
            path: None,
            seeds: 0..100,
            traces_dir: std::env::var_os("FAULTLINE_TRACES")
                .map_or_else(|| PathBuf::from("traces/failures"), PathBuf::from),
        }
    }

    /// The seeds to run (default `0..100`).
    pub fn seeds(mut self, seeds: Range<u64>) -> Self {
        self.seeds = seeds;
        self
    }

    /// Let each seed choose which fault kinds are on and how hard (`--swarm`).
    pub fn swarm(mut self) -> Self {
        self.scenario.swarm = true;
        self.scenario.file.faults.swarm = true;
        self
    }

    /// Switch on the named bug for every seed (`--bug NAME`).
    ///
    /// # Panics
    /// If it is not a bug of the scenario's protocol.
    pub fn bug(mut self, name: &str) -> Self {
        self.scenario = self.with_bug(name);
        self
    }

    /// The command printed for replaying and shrinking, before `replay TRACE`
    /// (default `cargo run --release --`, the package's own binary).
    pub fn program(mut self, program: &str) -> Self {
        self.app.program = program.to_string();
        self
    }

    /// Where failure traces are written (default `traces/failures`, or
    /// `$FAULTLINE_TRACES`).
    pub fn traces_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.traces_dir = dir.into();
        self
    }

    /// Asserts that every seed passes, and that the seeds reach every situation the
    /// scenario requires (`checks.reached`; judged from 100 seeds on, as `fuzz` does).
    ///
    /// # Panics
    /// At the first failing seed (in seed order), after writing its trace, with the
    /// seed, what failed and the commands that replay and shrink it; or naming the
    /// required situations no seed reached.
    pub fn assert_passes(self) {
        match self.campaign(&self.scenario) {
            Err(outcome) => {
                let report = self.report(&self.scenario, &outcome);
                panic!("expected every seed of {:?} to pass\n{report}", self.seeds);
            }
            Ok(required) => {
                if let Some(detail) = required.judge(true).detail() {
                    panic!(
                        "{} failed {}: {detail}",
                        self.scenario.file.name, NEVER_REACHED.name
                    );
                }
            }
        }
    }

    /// Asserts that with `bug` switched on some seed fails by `property`; returns
    /// the first such seed.
    ///
    /// # Panics
    /// If `bug` is not a bug of the scenario's protocol, if no seed fails, or if the
    /// first failure names another property (its trace is written).
    pub fn assert_caught(self, bug: &str, property: &str) -> u64 {
        let with_bug = self.with_bug(bug);
        let Err(outcome) = self.campaign(&with_bug) else {
            panic!(
                "bug `{bug}` was not caught on {} in seeds {:?}",
                self.scenario.file.name, self.seeds
            );
        };
        if outcome.property.as_deref() != Some(property) {
            let report = self.report(&with_bug, &outcome);
            panic!("bug `{bug}` was expected to break `{property}`\n{report}");
        }
        outcome.seed
    }

    /// Asserts that each seed repeats itself: run twice, the two traces are equal
    /// event for event, and the trace replays from its header with no divergence.
    /// This is what catches ambient nondeterminism in a protocol (a `HashMap`'s
    /// iteration order, the wall clock, a thread-local random generator).
    ///
    /// # Panics
    /// At the lowest seed that does not repeat, naming the first event that differs
    /// and what each run had there.
    pub fn assert_deterministic(self) {
        let diverged = self
            .seeds
            .clone()
            .into_par_iter()
            .filter_map(|seed| self.divergence(seed).map(|d| (seed, d)))
            .min_by_key(|(seed, _)| *seed);
        if let Some((seed, (what, divergence))) = diverged {
            panic!(
                "seed {seed} of {} is not deterministic: {what} differs at event {}\n  expected: \
                    {}\n  got:      {}",
                self.scenario.file.name,
                divergence.index,
                show(&divergence.expected),
                show(&divergence.got)
            );
        }
    }

    /// Where seed `seed` first fails to repeat: between two runs, or in a replay of
    /// the first run's trace.
    fn divergence(&self, seed: u64) -> Option<(&'static str, Divergence)> {
        let seeded = with_seed(&self.scenario, seed);
        let keep = RunOptions::traced();
        let first = run(&seeded, &keep).unwrap_or_else(|e| panic!("{e}"));
        let second = run(&seeded, &keep).unwrap_or_else(|e| panic!("{e}"));
        let events = |o: &Outcome| o.trace.clone().unwrap_or_default();
        if let Some(d) = first_divergence(&events(&first), &events(&second)) {
            return Some(("a second run", d));
        }
        let name = seeded.file.name.clone();
        let trace = trace_file::parse(&trace_file::render(&seeded.file, &first), &name)
            .unwrap_or_else(|e| panic!("{e}"));
        let report = replay(&trace, &name, &self.app.registry).unwrap_or_else(|e| panic!("{e}"));
        report.divergence.map(|d| ("the replay of its trace", d))
    }

    fn with_bug(&self, bug: &str) -> Scenario {
        let mut file = self.scenario.file.clone();
        if !file.bugs.iter().any(|b| b == bug) {
            file.bugs.push(bug.to_string());
        }
        Scenario::from_file_named(file, &self.scenario.file.name, &self.app.registry)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Runs the seeds a batch at a time (as `fuzz` does): the lowest seed that does
    /// not pass (a failure stops the campaign at the end of its batch), or, when all
    /// pass, what they reached of the situations the scenario requires.
    fn campaign(&self, scenario: &Scenario) -> Result<RequiredSituations, Box<Outcome>> {
        let mut required = RequiredSituations::of(scenario);
        let mut start = self.seeds.start;
        while start < self.seeds.end {
            let end = self.seeds.end.min(start.saturating_add(BATCH_SEEDS as u64));
            let outcomes: Vec<Outcome> = (start..end)
                .into_par_iter()
                .map(|seed| run_seed(scenario, seed).unwrap_or_else(|e| panic!("{e}")))
                .collect();
            if let Some(failure) = outcomes.iter().find(|o| o.verdict != Verdict::Pass) {
                return Err(Box::new(failure.clone()));
            }
            outcomes.iter().for_each(|o| required.add(o));
            start = end;
        }
        Ok(required)
    }

    /// Writes the failing seed's trace and says what failed and what to run next.
    fn report(&self, scenario: &Scenario, outcome: &Outcome) -> String {
        let seeded = with_seed(scenario, outcome.seed);
        let traced = run(&seeded, &RunOptions::traced()).unwrap_or_else(|e| panic!("{e}"));
        let trace = self.traces_dir.join(failure_file_name(scenario, outcome));
        let written = write_atomically(&trace, &trace_file::render(&seeded.file, &traced));
        let mut text = format!(
            "  seed {}: {} {} — {}\n",
            outcome.seed,
            outcome.verdict.label(),
            outcome.property.as_deref().unwrap_or("?"),
            outcome.detail.as_deref().unwrap_or("")
        );
        let run = repro_command(&self.app, self.path.as_ref(), &seeded);
        text += &format!("  run:     {run}\n");
        match written {
            Ok(()) => {
                let t = trace.display();
                let path = trace.as_os_str();
                let replay = self
                    .app
                    .command(["replay".as_ref(), path, "--timeline".as_ref()]);
                let shrunk = crate::harness::trace_file::shrunk_file_name(&trace);
                let shrink =
                    self.app
                        .command(["shrink".as_ref(), path, "-o".as_ref(), shrunk.as_os_str()]);
                text += &format!("  trace:   {t}\n  replay:  {replay}\n  shrink:  {shrink}\n");
            }
            Err(e) => text += &format!("  trace:   not written to {}: {e}\n", trace.display()),
        }
        text
    }
}

fn show(event: &Option<serde_json::Value>) -> String {
    event
        .as_ref()
        .map_or_else(|| "(no event)".to_string(), ToString::to_string)
}
