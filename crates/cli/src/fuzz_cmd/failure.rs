//! One failing seed of a campaign: its trace written under `--out` (for the first
//! `--max-traces` failures), and its report printed the moment it is found, on stdout
//! (a text block, or one JSON line with `--json`) with the commands that replay,
//! shrink and reproduce it.
//!
//! A trace never replaces a file faultline did not write (unless `--force`); a trace
//! that cannot be written is reported with the reason and the campaign goes on, since
//! the reproduce command still finds the failure again.

use super::FuzzArgs;
use crate::app::App;
use crate::exit::Exit;
use crate::files::{check_replaceable, write_atomically};
use crate::progress::Progress;
use crate::run_cmd::repro_command;
use faultline_harness::campaign::{failure_file_name, with_seed};
use faultline_harness::guided::Candidate;
use faultline_harness::scenario::Expect;
use faultline_harness::trace_file::{self, TRACE_FORMAT};
use faultline_harness::{run, Outcome, RunOptions, Scenario, Verdict};
use serde_json::json;
use std::path::PathBuf;

/// Failures kept for the JUnit report (one test case each); later ones are counted.
pub const MAX_LISTED: usize = 1_000;

/// What happened to a failure's trace.
pub enum TraceNote {
    Written(PathBuf),
    /// `--max-traces` traces were already written.
    OverLimit,
    /// Writing it failed or was refused; why.
    NotWritten(String),
}

/// A failing seed, without the run's history (a campaign may find many).
pub struct Failure {
    pub seed: u64,
    pub verdict: Verdict,
    pub property: Option<String>,
    pub detail: Option<String>,
    pub trace: TraceNote,
    /// The `run` command that reproduces it.
    pub repro: String,
    /// The `replay` command of its trace, if one was written.
    pub replay: Option<String>,
    /// For `--guided`: the run's index and where it came from.
    pub guided: Option<(u64, String)>,
}

impl Failure {
    pub fn trace_path(&self) -> Option<&PathBuf> {
        match &self.trace {
            TraceNote::Written(path) => Some(path),
            _ => None,
        }
    }

    /// Why there is no trace, if there is none.
    pub fn trace_missing(&self, max_traces: usize) -> Option<String> {
        match &self.trace {
            TraceNote::Written(_) => None,
            TraceNote::OverLimit => Some(format!("--max-traces {max_traces} reached")),
            TraceNote::NotWritten(why) => Some(why.clone()),
        }
    }
}

/// The scenario a failure reproduces from: where its file is, the scenario with the
/// run's seed, and what its kept files' names carry besides the seed (a guided run's
/// index).
struct Kept {
    path: PathBuf,
    scenario: Scenario,
    name_suffix: Option<String>,
}

/// The failures of a campaign as they are found.
pub struct FailureLog<'a> {
    app: &'a App,
    scenario: &'a Scenario,
    args: &'a FuzzArgs,
    traces_tried: usize,
    listed: Vec<Failure>,
}

impl<'a> FailureLog<'a> {
    pub fn new(app: &'a App, scenario: &'a Scenario, args: &'a FuzzArgs) -> Self {
        FailureLog {
            app,
            scenario,
            args,
            traces_tried: 0,
            listed: Vec::new(),
        }
    }

    /// Writes the trace of a failing `outcome` and prints it; passes are ignored.
    /// `guided` is the run of a guided campaign that made it (else it is a seed of
    /// the campaign's scenario); a mutated run's scenario file is written too.
    pub fn record(
        &mut self,
        outcome: Outcome,
        guided: Option<&Candidate>,
        progress: &Progress,
    ) -> Result<(), Exit> {
        if outcome.verdict == Verdict::Pass {
            return Ok(());
        }
        let kept = self.kept_scenario(&outcome, guided)?;
        let trace = if self.traces_tried < self.args.max_traces {
            self.traces_tried += 1;
            self.write_trace(&outcome, &kept)?
        } else {
            TraceNote::OverLimit
        };
        let replay = match &trace {
            TraceNote::Written(t) => Some(self.app.command(["replay".as_ref(), t.as_os_str()])),
            _ => None,
        };
        let failure = Failure {
            seed: outcome.seed,
            replay,
            verdict: outcome.verdict,
            repro: repro_command(self.app, Some(&kept.path), &kept.scenario),
            property: outcome.property,
            detail: outcome.detail,
            trace,
            guided: guided.map(|c| (c.run, c.origin.describe())),
        };
        progress.print_result(&self.report(&failure));
        if self.listed.len() < MAX_LISTED {
            self.listed.push(failure);
        }
        Ok(())
    }

    /// The scenario a failing run reproduces from, and the file that holds it: the
    /// campaign's own for a seed; for a mutated run, its scenario written under
    /// `--out` (named like its trace), expecting the failure it had.
    fn kept_scenario(&self, outcome: &Outcome, guided: Option<&Candidate>) -> Result<Kept, Exit> {
        let Some(candidate) = guided.filter(|c| !c.origin.is_plain_seed()) else {
            let scenario = with_seed(self.scenario, outcome.seed);
            return Ok(Kept {
                path: self.args.scenario.clone(),
                scenario,
                name_suffix: None,
            });
        };
        let mut scenario = candidate.scenario.clone();
        scenario.file.expect = match &outcome.property {
            Some(property) => Expect::FailsWith(property.clone()),
            None => Expect::Fail,
        };
        scenario.file.description = format!(
            "Run {} of a guided campaign on {} ({}).",
            candidate.run,
            self.args.scenario.display(),
            candidate.origin.describe()
        );
        let suffix = format!("run{}", candidate.run);
        let name = failure_file_name(self.scenario, outcome).replace(".trace.jsonl", "");
        let path = self.args.out.join(format!("{name}-{suffix}.json"));
        let text = faultline_harness::readable_json::to_readable_json(&scenario.file);
        let written = check_replaceable(&path, self.args.force, "{")
            .and_then(|_| write_atomically(&path, &text));
        if let Err(e) = written {
            crate::output::errln!("scenario not written: {e:#}");
        }
        Ok(Kept {
            path,
            scenario,
            name_suffix: Some(suffix),
        })
    }

    pub fn into_listed(self) -> Vec<Failure> {
        self.listed
    }

    /// Re-runs a failing run with its trace kept and writes the trace.
    fn write_trace(&self, outcome: &Outcome, kept: &Kept) -> Result<TraceNote, Exit> {
        let seeded = &kept.scenario;
        let traced = run(seeded, &RunOptions::traced()).map_err(Exit::input)?;
        debug_assert_eq!(
            traced.trace_hash, outcome.trace_hash,
            "a seed reruns identically"
        );
        let mut name = failure_file_name(self.scenario, outcome);
        if let Some(suffix) = &kept.name_suffix {
            name = name.replace(".trace.jsonl", &format!("-{suffix}.trace.jsonl"));
        }
        let path = self.args.out.join(name);
        let ours = format!("{{\"format\":\"{TRACE_FORMAT}\"");
        let written = check_replaceable(&path, self.args.force, &ours)
            .and_then(|_| write_atomically(&path, &trace_file::render(&seeded.file, &traced)));
        if written.is_ok() {
            self.write_report_beside(&path, seeded, &traced);
        }
        Ok(match written {
            Ok(()) => TraceNote::Written(path),
            Err(e) => TraceNote::NotWritten(format!("{e:#}")),
        })
    }

    /// Writes the HTML report of a kept failure beside its trace (`….html`); a report
    /// that cannot be written is said on stderr and the campaign goes on.
    fn write_report_beside(&self, trace: &std::path::Path, scenario: &Scenario, traced: &Outcome) {
        let path = trace.with_extension("html");
        if let Err(e) = crate::report::write_report(&path, self.args.force, scenario, traced) {
            crate::output::errln!("report not written: {e:#}");
        }
    }

    /// The failure as printed: a text block, or one JSON line.
    fn report(&self, failure: &Failure) -> String {
        let app = self.app;
        let shrink = |t: &PathBuf| {
            let shrunk = faultline_harness::trace_file::shrunk_file_name(t);
            app.command([
                "shrink".as_ref(),
                t.as_os_str(),
                "-o".as_ref(),
                shrunk.as_os_str(),
            ])
        };
        let trace = failure.trace_path();
        let missing = failure.trace_missing(self.args.max_traces);
        if self.args.json {
            return json!({
                "seed": failure.seed,
                "verdict": failure.verdict,
                "property": failure.property,
                "detail": failure.detail,
                "trace": trace.map(|t| t.display().to_string()),
                "trace_not_written": missing,
                "repro": failure.repro,
                "replay": failure.replay,
                "shrink": trace.map(shrink),
                "run": failure.guided.as_ref().map(|g| g.0),
                "origin": failure.guided.as_ref().map(|g| g.1.clone()),
            })
            .to_string();
        }
        let headline = format!(
            "{} seed {}: {} — {}",
            failure.verdict.label(),
            failure.seed,
            failure.property.as_deref().unwrap_or("?"),
            failure.detail.as_deref().unwrap_or(""),
        );
        let how = match (trace, missing) {
            (Some(t), _) => format!(
                "  trace:     {}\n  replay:    {}\n  shrink:    {}",
                t.display(),
                failure.replay.as_deref().unwrap_or_default(),
                shrink(t)
            ),
            (None, why) => format!("  trace:     not written ({})", why.unwrap_or_default()),
        };
        let origin = match &failure.guided {
            Some((run, origin)) => format!("\n  run:       {run} ({origin})"),
            None => String::new(),
        };
        format!("{headline}{origin}\n{how}\n  reproduce: {}", failure.repro)
    }
}
