//! `faultline test PATH...`: a directory of scenario files as a test suite.
//!
//! Every `*.json` file under the given paths is a scenario run once with its own
//! seed, and passes when it ends as its `expect` field says (`pass`: every check
//! holds; `fail`: a property is violated). A file that switches bugs on and
//! expects `fail` (a bug demonstration, a frozen regression) must also fail by a
//! property its bugs are known to violate and pass with them off, as
//! `crates/harness/tests/regressions.rs` requires of the regression corpus, so it
//! shows the bug and not some other failure. Files run in parallel, each
//! simulation single-threaded, and are reported one line each in sorted path order
//! whatever the thread count, then summarised; `--junit` writes one test case per
//! file. Exit 0 when every file met
//! its expectation, 1 when one did not, 3 on bad input (a path that does not exist,
//! a scenario that does not validate, no scenario at all).

use crate::app::App;
use crate::exit::{usage_error, Exit, EXIT_BAD_INPUT};
use crate::files::{check_replaceable, read_text, write_atomically};
use crate::output::{errln, outln};
use crate::progress::Progress;
use crate::run_cmd::repro_command;
use anyhow::anyhow;
use clap::Args;
use faultline_harness::scenario::Expect;
use faultline_harness::{run, Outcome, RunOptions, Scenario, Verdict};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[derive(Args, Debug)]
pub struct TestArgs {
    /// Scenario files, or directories searched recursively for `*.json` (symbolic
    /// links to directories inside them are not followed).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Threads (default: all cores). The report does not depend on it.
    #[arg(long, value_parser = crate::fuzz_cmd::parse_jobs)]
    pub jobs: Option<usize>,
    /// Write JUnit XML here, one test case per scenario file.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Replace the JUnit file even if faultline did not write it.
    #[arg(long)]
    pub force: bool,
}

/// How the JUnit files this command writes begin, so a rerun may replace them.
const JUNIT_HEAD: &str =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"faultline test\"";

/// What became of one scenario file.
enum FileResult {
    Ran(Box<Ran>),
    /// It could not be read or did not validate.
    BadInput(String),
}

/// A scenario file that ran, and how it measured up to its `expect`.
struct Ran {
    scenario: Scenario,
    outcome: Outcome,
    /// The same run with the file's bugs switched off, for a file that expects
    /// its bugs to make it fail.
    bugs_off: Option<Outcome>,
    /// Why the file did not meet its expectation; `None` when it did.
    unmet: Option<String>,
}

/// One scenario file's report.
struct FileReport {
    path: PathBuf,
    result: FileResult,
    wall: Duration,
}

pub fn test_command(app: &App, args: &TestArgs) -> Result<i32, Exit> {
    if let Some(path) = &args.junit {
        check_replaceable(path, args.force, JUNIT_HEAD).map_err(usage_error)?;
    }
    let found = collect_files(&args.paths).map_err(usage_error)?;
    for skipped in &found.skipped {
        errln!(
            "note: skipping {}: not a scenario file (only *.json files are run)",
            skipped.display()
        );
    }
    if found.scenarios.is_empty() {
        return Err(usage_error(anyhow!(
            "no scenario files (*.json) under {}",
            words(&args.paths)
        )));
    }
    let started = Instant::now();
    let reports = run_all(app, &found.scenarios, args.jobs)?;
    let tally = Tally::of(&reports);
    outln!("{}", tally.summary(found.skipped.len(), started.elapsed()));
    if let Some(path) = &args.junit {
        write_atomically(path, &junit_xml(&reports, started.elapsed())).map_err(usage_error)?;
    }
    Ok(tally.exit_code())
}

fn words(paths: &[PathBuf]) -> String {
    let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    shown.join(" ")
}

/// The scenario files under the given paths, sorted and without repeats, and the
/// other files met on the way.
#[derive(Default)]
struct Found {
    scenarios: Vec<PathBuf>,
    skipped: Vec<PathBuf>,
}

fn collect_files(paths: &[PathBuf]) -> anyhow::Result<Found> {
    let mut found = Found::default();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut found)?;
        } else if path.is_file() {
            classify(path.clone(), &mut found);
        } else {
            anyhow::bail!("{}: no such file or directory", path.display());
        }
    }
    for list in [&mut found.scenarios, &mut found.skipped] {
        list.sort();
        list.dedup();
    }
    Ok(found)
}

fn walk(dir: &Path, found: &mut Found) -> anyhow::Result<()> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| anyhow!("{}: cannot read: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| anyhow!("{}: cannot read: {e}", dir.display()))?
            .path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        let is_dir = entry_is_dir(&path)?;
        if is_dir {
            walk(&path, found)?;
        } else if path.is_file() {
            classify(path, found);
        }
    }
    Ok(())
}

/// Whether `path` is a directory itself, not a symbolic link to one (which could
/// lead back up the tree).
fn entry_is_dir(path: &Path) -> anyhow::Result<bool> {
    let kind = std::fs::symlink_metadata(path)
        .map_err(|e| anyhow!("{}: cannot read: {e}", path.display()))?;
    Ok(kind.is_dir())
}

fn classify(path: PathBuf, found: &mut Found) {
    if path.extension().is_some_and(|e| e == "json") {
        found.scenarios.push(path);
    } else {
        found.skipped.push(path);
    }
}

/// Runs every file on `jobs` threads and prints each report in path order as soon
/// as every file before it has been reported.
fn run_all(app: &App, files: &[PathBuf], jobs: Option<usize>) -> Result<Vec<FileReport>, Exit> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .build()
        .map_err(|e| usage_error(e.into()))?;
    let (sender, receiver) = mpsc::channel();
    let mut progress = Progress::new(files.len() as u64, "files");
    let mut pending = BTreeMap::new();
    let mut reports = Vec::with_capacity(files.len());
    let mut unmet = 0;
    std::thread::scope(|scope| {
        scope.spawn(|| {
            pool.install(|| {
                files
                    .par_iter()
                    .enumerate()
                    .for_each_with(sender, |s, (i, f)| {
                        let _ = s.send((i, test_file(app, f)));
                    })
            })
        });
        for (index, report) in receiver {
            pending.insert(index, report);
            while let Some(report) = pending.remove(&reports.len()) {
                unmet += u64::from(!report.is_ok());
                progress.advance(1, unmet);
                print_report(app, &report, &progress);
                reports.push(report);
            }
        }
    });
    progress.finish();
    Ok(reports)
}

/// Reads, validates and runs one scenario file.
fn test_file(app: &App, path: &Path) -> FileReport {
    let started = Instant::now();
    let result = match load(app, path).and_then(|scenario| run_and_judge(app, path, scenario)) {
        Ok(ran) => FileResult::Ran(Box::new(ran)),
        Err(message) => FileResult::BadInput(message),
    };
    FileReport {
        path: path.to_path_buf(),
        result,
        wall: started.elapsed(),
    }
}

/// Runs a scenario and, when it expects its named bugs to make it fail, runs it
/// again with them off: a demonstration or a frozen regression must fail by one of
/// the properties its bugs are known to violate, and pass on the fixed code.
fn run_and_judge(app: &App, path: &Path, scenario: Scenario) -> Result<Ran, String> {
    let outcome = run(&scenario, &RunOptions::default()).map_err(|e| e.to_string())?;
    let bugs_off = if scenario.expect.verdict() == Verdict::Fail && !scenario.bugs.is_empty() {
        let mut fixed = scenario.file.clone();
        fixed.bugs.clear();
        let name = path.display().to_string();
        let fixed =
            Scenario::from_file_named(fixed, &name, &app.registry).map_err(|e| e.to_string())?;
        Some(run(&fixed, &RunOptions::default()).map_err(|e| e.to_string())?)
    } else {
        None
    };
    let unmet = unmet_expectation(&scenario, &outcome, bugs_off.as_ref());
    Ok(Ran {
        scenario,
        outcome,
        bugs_off,
        unmet,
    })
}

/// Why a run did not end as its file expects, or `None` when it did.
fn unmet_expectation(
    scenario: &Scenario,
    outcome: &Outcome,
    bugs_off: Option<&Outcome>,
) -> Option<String> {
    let wanted = scenario.expect.verdict();
    if outcome.verdict != wanted {
        return Some(format!(
            "the run ended {}, not {}",
            outcome.verdict.label(),
            wanted.label()
        ));
    }
    let property = outcome.property.as_deref().unwrap_or("?");
    if let Some(expected) = scenario.expect.property() {
        if property != expected {
            return Some(format!("it failed `{property}`, not `{expected}`"));
        }
    }
    if wanted == Verdict::Pass || scenario.bugs.is_empty() {
        return None;
    }
    let known = violated_by_bugs(scenario);
    if !known.contains(&property) {
        return Some(format!(
            "`{property}` is not a property its bugs ({}) are known to violate ({})",
            scenario.bugs.join(", "),
            known.join(", ")
        ));
    }
    match bugs_off {
        Some(fixed) if fixed.verdict != Verdict::Pass => Some(format!(
            "with its bugs off the run still ends {}, so the failure is not the bugs': {}",
            got_label(fixed),
            fixed.detail.as_deref().unwrap_or("")
        )),
        _ => None,
    }
}

/// The properties the scenario's switched-on bugs are listed as violating.
fn violated_by_bugs(scenario: &Scenario) -> Vec<&'static str> {
    let mut known: Vec<&'static str> = scenario
        .info
        .bugs
        .iter()
        .filter(|bug| scenario.bugs.iter().any(|name| name == bug.name))
        .flat_map(|bug| bug.violates.iter().copied())
        .collect();
    known.sort_unstable();
    known.dedup();
    known
}

fn load(app: &App, path: &Path) -> Result<Scenario, String> {
    let text = read_text(path).map_err(|e| format!("{e:#}"))?;
    Scenario::parse(&text, &path.display().to_string(), &app.registry).map_err(|e| e.to_string())
}

fn expected_label(expect: &Expect) -> String {
    match expect.property() {
        Some(property) => format!("FAIL ({property})"),
        None => expect.verdict().label().to_string(),
    }
}

/// `FAIL (linearizability)`: the verdict, and the property when one failed.
fn got_label(outcome: &Outcome) -> String {
    match &outcome.property {
        Some(property) => format!("{} ({property})", outcome.verdict.label()),
        None => outcome.verdict.label().to_string(),
    }
}

impl FileReport {
    fn is_ok(&self) -> bool {
        matches!(&self.result, FileResult::Ran(ran) if ran.unmet.is_none())
    }

    /// `expected FAIL, got FAIL (linearizability), seed 11; bugs off: PASS` (or the
    /// input error).
    fn verdict_text(&self) -> String {
        let ran = match &self.result {
            FileResult::Ran(ran) => ran,
            FileResult::BadInput(message) => return format!("bad input: {message}"),
        };
        let bugs_off = ran
            .bugs_off
            .as_ref()
            .map(|fixed| format!("; bugs off: {}", got_label(fixed)))
            .unwrap_or_default();
        format!(
            "expected {}, got {}, seed {}{bugs_off}",
            expected_label(&ran.scenario.expect),
            got_label(&ran.outcome),
            ran.outcome.seed
        )
    }

    fn status(&self) -> &'static str {
        match &self.result {
            FileResult::Ran(ran) if ran.unmet.is_none() => "ok",
            FileResult::Ran(_) => "FAILED",
            FileResult::BadInput(_) => "ERROR",
        }
    }
}

fn print_report(app: &App, report: &FileReport, progress: &Progress) {
    let line = format!(
        "{:<6} {}: {} in {:.2}s",
        report.status(),
        report.path.display(),
        report.verdict_text(),
        report.wall.as_secs_f64()
    );
    progress.suspend(|| outln!("{line}"));
    if let FileResult::Ran(ran) = &report.result {
        if let Some(why) = &ran.unmet {
            let repro = repro_command(app, Some(&report.path), &ran.scenario);
            let detail = ran.outcome.detail.as_deref().unwrap_or("every check held");
            progress.suspend(|| {
                outln!("       why: {why}\n       run: {detail}\n       reproduce: {repro}")
            });
        }
    }
}

/// How many files met their expectation, did not, or could not run.
struct Tally {
    ok: usize,
    failed: usize,
    errors: usize,
}

impl Tally {
    fn of(reports: &[FileReport]) -> Self {
        let count = |status: &str| reports.iter().filter(|r| r.status() == status).count();
        Tally {
            ok: count("ok"),
            failed: count("FAILED"),
            errors: count("ERROR"),
        }
    }

    fn summary(&self, skipped: usize, wall: Duration) -> String {
        let result = if self.failed + self.errors == 0 {
            "ok"
        } else {
            "FAILED"
        };
        format!(
            "faultline test: {result}. {} ok, {} failed, {} errors, {skipped} skipped in {:.2}s",
            self.ok,
            self.failed,
            self.errors,
            wall.as_secs_f64()
        )
    }

    fn exit_code(&self) -> i32 {
        if self.errors > 0 {
            EXIT_BAD_INPUT
        } else if self.failed > 0 {
            1
        } else {
            0
        }
    }
}

fn junit_xml(reports: &[FileReport], wall: Duration) -> String {
    let tally = Tally::of(reports);
    let mut xml = format!(
        "{JUNIT_HEAD} tests=\"{}\" failures=\"{}\" errors=\"{}\">\n<testsuite name=\"faultline \
            test\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3}\">\n",
        reports.len(),
        tally.failed,
        tally.errors,
        reports.len(),
        tally.failed,
        tally.errors,
        wall.as_secs_f64()
    );
    for report in reports {
        xml += &junit_case(report);
    }
    xml += "</testsuite>\n</testsuites>\n";
    xml
}

fn junit_case(report: &FileReport) -> String {
    let path = report.path.display().to_string();
    let classname = report
        .path
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let open = format!(
        "  <testcase classname=\"{}\" name=\"{}\" file=\"{}\" time=\"{:.3}\"",
        xml_escape(&classname),
        xml_escape(&path),
        xml_escape(&path),
        report.wall.as_secs_f64()
    );
    let body = match &report.result {
        FileResult::Ran(ran) => match &ran.unmet {
            None => return format!("{open}/>\n"),
            Some(why) => format!(
                "<failure message=\"{}\">{}\n{}</failure>",
                xml_escape(&report.verdict_text()),
                xml_escape(why),
                xml_escape(ran.outcome.detail.as_deref().unwrap_or("every check held"))
            ),
        },
        FileResult::BadInput(message) => format!(
            "<error message=\"bad input\">{}</error>",
            xml_escape(message)
        ),
    };
    format!("{open}>\n    {body}\n  </testcase>\n")
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_harness::Registry;
    use faultline_protocols::BuiltinProtocols;

    /// A shipped regression reproducer, validated, and its run.
    fn regression(name: &str) -> (Scenario, Outcome) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../traces/regressions")
            .join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        let scenario = Scenario::parse(&text, name, &Registry::builtin()).unwrap();
        let outcome = run(&scenario, &RunOptions::default()).unwrap();
        (scenario, outcome)
    }

    #[test]
    fn a_regression_that_fails_by_its_bug_and_passes_without_meets_its_expectation() {
        let (scenario, outcome) = regression("raft.stale_read.json");
        let mut fixed = outcome.clone();
        fixed.verdict = Verdict::Pass;
        assert_eq!(unmet_expectation(&scenario, &outcome, Some(&fixed)), None);
    }

    #[test]
    fn a_failure_by_a_property_its_bug_is_not_known_to_violate_is_unmet() {
        let (scenario, mut outcome) = regression("raft.stale_read.json");
        outcome.property = Some("election_safety".into());
        let mut fixed = outcome.clone();
        fixed.verdict = Verdict::Pass;
        let why = unmet_expectation(&scenario, &outcome, Some(&fixed)).expect("unmet");
        assert!(
            why.contains("`election_safety`") && why.contains("linearizability"),
            "{why}"
        );
    }

    #[test]
    fn a_failure_that_stays_with_the_bugs_off_is_unmet() {
        let (scenario, outcome) = regression("raft.stale_read.json");
        let why = unmet_expectation(&scenario, &outcome, Some(&outcome)).expect("unmet");
        assert!(why.contains("with its bugs off"), "{why}");
    }
}
