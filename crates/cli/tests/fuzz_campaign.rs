//! Long fuzz campaigns as CI runs them: stopped by a signal or a time budget they
//! still report what ran (summary, JUnit) and how to resume, leave no temporary
//! files, and exit with a status CI can act on; seed ranges mean one thing and cost
//! no memory; bad numbers and unwritable or foreign outputs are refused before any
//! seed runs; results go to stdout and errors are JSON under `--json`; the JUnit
//! report is well-formed and its counts match its test cases.

mod common;

use common::*;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A scenario where about a third of the seeds fail (a stale-read bug), so a long
/// campaign prints a failure line within its first batch.
const RAFT_NEMESIS: &str = "../../scenarios/raft/nemesis.json";

fn flaky_scenario(dir: &Path) -> String {
    let path = dir.join("flaky.json");
    std::fs::write(&path, FLAKY_PINGPONG).unwrap();
    path.to_str().unwrap().to_string()
}

fn json_lines(output: &Output) -> Vec<serde_json::Value> {
    text(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// The seeds of the failure lines of a `--json` run.
fn failing_seeds(lines: &[serde_json::Value]) -> Vec<u64> {
    lines.iter().filter_map(|l| l["seed"].as_u64()).collect()
}

/// Files under `dir` whose name marks a temporary file.
fn temp_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().path())
                .filter(|p| p.to_string_lossy().contains(".tmp"))
                .collect()
        })
        .unwrap_or_default()
}

/// A parsed JUnit report's counts, checked against its test cases.
struct Junit {
    testcases: usize,
    properties: Vec<(String, String)>,
    /// Each test case's name and the name of its result element, if any.
    cases: Vec<(String, Option<String>)>,
}

fn read_junit(path: &Path) -> Junit {
    let xml = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .expect("a testsuite");
    let cases: Vec<(String, Option<String>)> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|case| {
            let result = case
                .children()
                .find(|c| ["failure", "error", "skipped"].contains(&c.tag_name().name()))
                .map(|c| c.tag_name().name().to_string());
            (case.attribute("name").unwrap().to_string(), result)
        })
        .collect();
    let count = |tag: &str| {
        cases
            .iter()
            .filter(|(_, r)| r.as_deref() == Some(tag))
            .count()
    };
    for element in [doc.root_element(), suite] {
        let attribute = |name: &str| element.attribute(name).unwrap().parse::<usize>().unwrap();
        assert_eq!(attribute("tests"), cases.len(), "tests=\n{xml}");
        assert_eq!(attribute("failures"), count("failure"), "failures=\n{xml}");
        assert_eq!(attribute("errors"), count("error"), "errors=\n{xml}");
        assert_eq!(attribute("skipped"), count("skipped"), "skipped=\n{xml}");
    }
    let properties = suite
        .descendants()
        .filter(|n| n.has_tag_name("property"))
        .map(|p| {
            let value = p.attribute("value").unwrap().to_string();
            (p.attribute("name").unwrap().to_string(), value)
        })
        .collect();
    Junit {
        testcases: cases.len(),
        properties,
        cases,
    }
}

impl Junit {
    fn property(&self, name: &str) -> Option<&str> {
        self.properties
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn campaign_result(&self) -> Option<&str> {
        self.cases
            .iter()
            .find(|(name, _)| name.starts_with("campaign seeds"))
            .expect("a campaign test case")
            .1
            .as_deref()
    }
}

/// Starts a long campaign, waits for its first failure line (so it is running and
/// its handlers are installed), sends `signal` and returns what it printed.
fn interrupted_campaign(dir: &Path, signal: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args([
            "fuzz",
            RAFT_NEMESIS,
            "--seeds",
            "0..1000000",
            "--bug",
            "raft.stale_read",
            "--keep-going",
            "--json",
            "--junit",
            dir.join("j.xml").to_str().unwrap(),
            "--out",
            dir.join("out").to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.contains("\"seed\""), "a failure line first: {first}");
    let sent = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let mut rest = Vec::new();
    std::io::Read::read_to_end(&mut stdout, &mut rest).unwrap();
    let mut output = child.wait_with_output().unwrap();
    output.stdout = [first.as_bytes(), &rest].concat();
    output
}

#[test]
fn sigterm_ends_a_campaign_with_its_summary_its_junit_and_no_temp_files() {
    let dir = workdir("sigterm");
    let output = interrupted_campaign(&dir, "-TERM");
    assert_eq!(output.status.code(), Some(143), "{}", text(&output.stderr));
    let lines = json_lines(&output);
    let summary = lines.last().unwrap();
    assert_eq!(summary["stopped"], "signal");
    assert_eq!(summary["signal"], "SIGTERM");
    assert_eq!(summary["exit"], 143);
    let run = summary["seeds_run"].as_u64().unwrap();
    assert!(run > 0, "a batch ran before the signal");
    assert_eq!(run % 64, 0, "whole batches only: {run}");
    assert_eq!(summary["seeds_not_run"].as_u64().unwrap(), 1_000_000 - run);
    assert_eq!(summary["next_seeds"], format!("{run}..1000000"));
    assert!(failing_seeds(&lines).iter().all(|&s| s < run));

    let junit = read_junit(&dir.join("j.xml"));
    assert_eq!(junit.property("interrupted"), Some("true"));
    assert_eq!(junit.property("signal"), Some("SIGTERM"));
    assert_eq!(junit.property("seeds_run"), Some(run.to_string().as_str()));
    assert_eq!(junit.campaign_result(), Some("error"));
    assert_eq!(junit.testcases, failing_seeds(&lines).len() + 1);
    assert_eq!(temp_files(&dir.join("out")), Vec::<PathBuf>::new());
    assert_eq!(temp_files(&dir), Vec::<PathBuf>::new());
}

#[test]
fn sigint_exits_130_after_reporting() {
    let dir = workdir("sigint");
    let output = interrupted_campaign(&dir, "-INT");
    assert_eq!(output.status.code(), Some(130), "{}", text(&output.stderr));
    let lines = json_lines(&output);
    assert_eq!(lines.last().unwrap()["signal"], "SIGINT");
    assert_eq!(
        read_junit(&dir.join("j.xml")).property("signal"),
        Some("SIGINT")
    );
}

#[test]
fn a_time_budget_stop_reports_the_seeds_left_and_fails_only_when_asked() {
    let dir = workdir("budget");
    let scenario = flaky_scenario(&dir);
    let junit = dir.join("j.xml");
    let all_seeds = "0..18446744073709551615";
    let args = |require_complete: bool| {
        let mut args = vec![
            "fuzz",
            &scenario,
            "--seeds",
            all_seeds,
            "--time-budget",
            "0s",
            "--json",
            "--junit",
            junit.to_str().unwrap(),
        ];
        args.extend(require_complete.then_some("--require-complete"));
        faultline(&args)
    };
    let lenient = args(false);
    assert_eq!(lenient.status.code(), Some(0), "{}", text(&lenient.stderr));
    let summary = json_lines(&lenient).pop().unwrap();
    assert_eq!(summary["stopped"], "time_budget");
    assert_eq!(summary["seeds_not_run"], u64::MAX);
    assert_eq!(summary["next_seeds"], all_seeds);
    let resume = summary["resume"].as_str().unwrap();
    assert!(resume.contains(&format!("--seeds {all_seeds}")), "{resume}");
    assert_eq!(read_junit(&junit).campaign_result(), Some("skipped"));

    let strict = args(true);
    assert_eq!(strict.status.code(), Some(2), "incomplete is a failure");
    let junit = read_junit(&junit);
    assert_eq!(junit.campaign_result(), Some("failure"));
    assert_eq!(junit.property("stopped"), Some("time_budget"));
    assert_eq!(
        junit.property("seeds_not_run"),
        Some("18446744073709551615")
    );
}

/// Stopping at each first failure and running the printed resume command until none
/// is printed finds exactly the failures of one uninterrupted campaign.
#[test]
fn resume_commands_cover_the_rest_of_the_shard_exactly() {
    let dir = workdir("resume");
    let scenario = flaky_scenario(&dir);
    let out = dir.join("out");
    let base = [
        "fuzz",
        &scenario,
        "--seeds",
        "0..900",
        "--shard",
        "1/3",
        "--json",
        "--out",
        out.to_str().unwrap(),
    ];
    let whole = faultline(&[&base[..], &["--keep-going"]].concat());
    let expected = failing_seeds(&json_lines(&whole));
    assert!(expected.len() > 1, "the scenario fails in several batches");

    let mut found = Vec::new();
    let mut runs = 0;
    let mut output = faultline(&base);
    loop {
        runs += 1;
        let lines = json_lines(&output);
        found.extend(failing_seeds(&lines));
        let summary = lines.last().unwrap();
        let Some(resume) = summary["resume"].as_str() else {
            break;
        };
        assert!(resume.contains("--shard 1/3"), "{resume}");
        output = Command::new("sh").args(["-c", resume]).output().unwrap();
        assert!(runs < 20, "each run gets further");
    }
    assert!(runs > 1, "the first run stopped early");
    assert_eq!(found, expected);
}

#[test]
fn results_go_to_stdout_and_progress_to_stderr() {
    let dir = workdir("streams");
    let scenario = flaky_scenario(&dir);
    let output = faultline(&[
        "fuzz",
        &scenario,
        "--seeds",
        "0..200",
        "--keep-going",
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("STUCK seed"), "{stdout}");
    assert!(stdout.contains("  reproduce: "), "{stdout}");
    assert!(
        stdout.contains("fuzz pingpong-tight (seeds 0..200)"),
        "{stdout}"
    );
    assert!(!text(&output.stderr).contains("STUCK"));
}

#[test]
fn a_bare_seed_number_and_zero_counts_are_refused() {
    let dir = workdir("numbers");
    let scenario = flaky_scenario(&dir);
    let bare = faultline(&["fuzz", &scenario, "--seeds", "10000"]);
    assert_eq!(bare.status.code(), Some(3));
    let message = text(&bare.stderr);
    assert!(
        message.contains("0..10000") && message.contains("10000..10001"),
        "{message}"
    );

    let jobs = faultline(&["fuzz", &scenario, "--seeds", "0..10", "--jobs", "0"]);
    assert_eq!(jobs.status.code(), Some(3));
    assert!(text(&jobs.stderr).contains("at least 1"));
    let huge = faultline(&[
        "fuzz",
        &scenario,
        "--seeds",
        "0..10",
        "--jobs",
        "99999999999",
    ]);
    assert_eq!(
        huge.status.code(),
        Some(3),
        "a thread each would exhaust memory"
    );
    assert!(text(&huge.stderr).contains("at most 1024"));
    let test_jobs = faultline(&["test", &scenario, "--jobs", "0"]);
    assert_eq!(test_jobs.status.code(), Some(3));

    let repeat = faultline(&["bench", "--repeat", "0"]);
    assert_eq!(repeat.status.code(), Some(3));
    assert!(text(&repeat.stderr).contains("at least 1"));

    let help = text(&faultline(&["bench", "--help"]).stdout);
    let seed_line = help.lines().find(|l| l.contains("--seed")).unwrap();
    assert!(seed_line.contains("Seed to run"), "{seed_line}");
}

#[test]
fn errors_are_json_under_json() {
    let dir = workdir("json-errors");
    let scenario = flaky_scenario(&dir);
    for args in [
        vec!["fuzz", &scenario, "--seeds", "10", "--json"],
        vec!["run", "missing.json", "--json"],
    ] {
        let output = faultline(&args);
        assert_eq!(output.status.code(), Some(3));
        let lines = json_lines(&output);
        assert_eq!(lines.len(), 1, "{args:?}");
        assert_eq!(lines[0]["exit"], 3);
        assert!(
            lines[0]["error"].as_str().unwrap().len() > 10,
            "{:?}",
            lines[0]
        );
    }
}

#[test]
fn outputs_are_checked_before_any_seed_runs() {
    let dir = workdir("outputs");
    let scenario = flaky_scenario(&dir);
    let out = dir.join("out");
    let fuzz = |extra: &[&str]| {
        let base = ["fuzz", &scenario, "--seeds", "0..100", "--keep-going"];
        faultline(&[&base[..], &["--out", out.to_str().unwrap()], extra].concat())
    };
    let foreign = dir.join("report.xml");
    std::fs::write(&foreign, "<mine/>").unwrap();
    let refused = fuzz(&["--junit", foreign.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(3));
    assert!(text(&refused.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&foreign).unwrap(), "<mine/>");
    assert!(!out.exists(), "no seed ran");

    let not_a_dir = foreign.join("j.xml");
    let refused = fuzz(&["--junit", not_a_dir.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(3));
    assert!(text(&refused.stderr).contains("not a directory"));
    assert!(!out.exists(), "no seed ran");

    let refused = faultline(&[
        "fuzz",
        &scenario,
        "--seeds",
        "0..10",
        "--out",
        foreign.to_str().unwrap(),
    ]);
    assert_eq!(refused.status.code(), Some(3));
    assert!(text(&refused.stderr).contains("--out"));

    let forced = fuzz(&["--junit", foreign.to_str().unwrap(), "--force"]);
    assert_eq!(forced.status.code(), Some(2), "{}", text(&forced.stderr));
    let ours = std::fs::read_to_string(&foreign).unwrap();
    assert!(ours.contains("<testsuite"));
    let again = fuzz(&["--junit", foreign.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2), "our own report is replaced");
}

#[test]
fn junit_has_a_test_case_per_failing_seed_and_one_for_the_campaign() {
    let dir = workdir("junit");
    let scenario = flaky_scenario(&dir);
    let junit = dir.join("j.xml");
    let output = faultline(&[
        "fuzz",
        &scenario,
        "--seeds",
        "0..200",
        "--shard",
        "0/2",
        "--keep-going",
        "--json",
        "--junit",
        junit.to_str().unwrap(),
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let seeds = failing_seeds(&json_lines(&output));
    assert!(!seeds.is_empty());
    let report = read_junit(&junit);
    let names: Vec<String> = report.cases.iter().map(|(n, _)| n.clone()).collect();
    let mut expected: Vec<String> = seeds.iter().map(|s| format!("seed {s}")).collect();
    expected.push("campaign seeds 0..200 shard 0/2".into());
    assert_eq!(names, expected);
    assert!(report.cases[..seeds.len()]
        .iter()
        .all(|(_, result)| result.as_deref() == Some("error")));
    assert_eq!(report.campaign_result(), None, "every seed ran");
    assert_eq!(report.property("shard"), Some("0/2"));
    assert_eq!(report.property("interrupted"), Some("false"));
}

/// A trace is written over a trace of ours, never over someone else's file: that
/// failure is reported without its trace, and the campaign goes on.
#[test]
fn a_trace_never_replaces_a_file_faultline_did_not_write() {
    let dir = workdir("foreign-trace");
    let scenario = flaky_scenario(&dir);
    let out = dir.join("out");
    let args = [
        "fuzz",
        &scenario,
        "--seeds",
        "0..200",
        "--keep-going",
        "--json",
        "--out",
        out.to_str().unwrap(),
    ];
    let first = json_lines(&faultline(&args));
    let traces: Vec<&str> = first.iter().filter_map(|l| l["trace"].as_str()).collect();
    assert!(traces.len() > 1, "several traces: {first:?}");
    std::fs::write(traces[0], "my notes").unwrap();

    let again = json_lines(&faultline(&args));
    assert_eq!(std::fs::read_to_string(traces[0]).unwrap(), "my notes");
    assert!(again[0]["trace"].is_null(), "{}", again[0]);
    let why = again[0]["trace_not_written"].as_str().unwrap();
    assert!(why.contains("--force"), "{why}");
    assert_eq!(again[1]["trace"], traces[1], "our own trace is replaced");
    assert_eq!(failing_seeds(&again), failing_seeds(&first));
}
