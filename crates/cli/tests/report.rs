//! Seeing a run, as a user meets it: `faultline report` writes one self-contained
//! HTML page (no network: nothing loaded from http(s), the run's data inlined),
//! never over a file faultline did not write; `fuzz` writes one beside each trace;
//! `replay --timeline` explains a failure with its filters. The page is opened in
//! headless Chromium when it is installed (the test says loudly when it is not).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const REPORT_HEAD: &str = "<!DOCTYPE html>\n<!-- faultline report";

fn faultline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn regression(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../traces/regressions")
        .join(format!("{name}.json"))
        .display()
        .to_string()
}

fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("faultline-report-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes the report of `input` to `dir/run.html` and returns its text.
fn report(input: &str, dir: &Path) -> String {
    let page = dir.join("run.html");
    let output = faultline(&["report", input, "-o", page.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    std::fs::read_to_string(page).unwrap()
}

/// The JSON object inlined in the page.
fn inlined_data(html: &str) -> serde_json::Value {
    let open = "<script id=\"faultline-data\" type=\"application/json\">";
    let start = html.find(open).expect("the data element") + open.len();
    let length = html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..start + length]).expect("the data is JSON")
}

fn assert_self_contained(html: &str) {
    let lower = html.to_lowercase();
    for loads in [
        "src=\"http",
        "src='http",
        "href=\"http",
        "href='http",
        "url(http",
        "@import",
        "<link",
    ] {
        assert!(
            !lower.contains(loads),
            "the page loads something with {loads}"
        );
    }
    assert!(!lower.contains("fetch(") && !lower.contains("xmlhttprequest"));
}

#[test]
fn a_report_is_self_contained_and_embeds_the_run() {
    let dir = workdir("scenario");
    let html = report(&regression("raft.commit_previous_term"), &dir);
    assert!(html.starts_with(REPORT_HEAD));
    assert_self_contained(&html);
    let data = inlined_data(&html);
    assert_eq!(data["format"], "faultline-report");
    assert_eq!(data["verdict"], "FAIL");
    assert_eq!(data["violation"]["property"], "electable_completeness");
    assert_eq!(data["servers"], 5);
    let events = data["events"].as_array().unwrap();
    assert!(events.len() > 1000, "every event is in the page");
    assert!(events.iter().any(|e| e["kind"] == "drop"));
    assert!(data["states"].as_array().unwrap().iter().any(|s| s["state"]
        .as_str()
        .is_some_and(|s| s.starts_with("leader term"))));
    let kinds: Vec<&str> = data["faults"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["kind"].as_str())
        .collect();
    for kind in ["crash", "pause", "partition"] {
        assert!(kinds.contains(&kind), "a {kind} band: {kinds:?}");
    }
    assert_eq!(data["ops"].as_array().unwrap().len(), 1);
}

#[test]
fn a_trace_gives_the_same_report_as_its_scenario() {
    let dir = workdir("trace");
    let trace = dir.join("run.trace.jsonl");
    let run = faultline(&[
        "run",
        &regression("raft.vote_not_persisted"),
        "--trace",
        trace.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let from_trace = report(trace.to_str().unwrap(), &dir);
    let from_scenario = report(&regression("raft.vote_not_persisted"), &dir);
    assert_eq!(
        inlined_data(&from_trace)["events"],
        inlined_data(&from_scenario)["events"]
    );
}

#[test]
fn a_report_never_replaces_a_file_faultline_did_not_write() {
    let dir = workdir("clobber");
    let page = dir.join("notes.html");
    std::fs::write(&page, "my notes").unwrap();
    let scenario = regression("raft.vote_not_persisted");
    let refused = faultline(&["report", &scenario, "-o", page.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(3));
    assert!(stderr(&refused).contains("--force"), "{}", stderr(&refused));
    assert_eq!(std::fs::read_to_string(&page).unwrap(), "my notes");
    let forced = faultline(&["report", &scenario, "-o", page.to_str().unwrap(), "--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    let again = faultline(&["report", &scenario, "-o", page.to_str().unwrap()]);
    assert_eq!(
        again.status.code(),
        Some(0),
        "its own report is replaced: {}",
        stderr(&again)
    );
}

#[test]
fn fuzz_writes_a_report_beside_each_trace_it_keeps() {
    let dir = workdir("fuzz");
    let out = dir.join("failures");
    let output = faultline(&[
        "fuzz",
        &regression("raft.vote_not_persisted"),
        "--seeds",
        "8..9",
        "--json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let failure: serde_json::Value =
        serde_json::from_str(stdout(&output).lines().next().unwrap()).unwrap();
    let trace = PathBuf::from(failure["trace"].as_str().expect("a trace was written"));
    let page = std::fs::read_to_string(trace.with_extension("html")).expect("a report beside it");
    assert!(page.starts_with(REPORT_HEAD));
    assert_eq!(
        inlined_data(&page)["violation"]["property"],
        failure["property"]
    );
}

#[test]
fn the_timeline_explains_the_failure_and_filters() {
    let dir = workdir("timeline");
    let trace = dir.join("run.trace.jsonl");
    let trace = trace.to_str().unwrap();
    faultline(&[
        "run",
        &regression("raft.commit_previous_term"),
        "--trace",
        trace,
    ]);
    let whole = stdout(&faultline(&["replay", trace, "--timeline"]));
    assert!(whole.contains(">>> VIOLATION electable_completeness: n1 (last log term 3"));
    assert!(
        whole.contains("== leader term"),
        "role and term changes are shown"
    );
    assert!(
        whole.contains("leader_commit="),
        "messages show every field"
    );
    assert!(
        !whole.contains("timer heartbeat"),
        "timers are hidden by default"
    );
    let timers = stdout(&faultline(&["replay", trace, "--timeline", "--timers"]));
    assert!(timers.contains("timer heartbeat"));
    let window = stdout(&faultline(&[
        "replay",
        trace,
        "--timeline",
        "--around-violation",
        "50ms",
        "--node",
        "4",
    ]));
    let lines: Vec<&str> = window.lines().filter(|l| l.contains("s  n")).collect();
    assert!(!lines.is_empty() && lines.len() < 60, "{window}");
    assert!(
        lines.iter().all(|l| l.contains("n4")),
        "only n4's events: {window}"
    );
    assert!(
        lines.iter().all(|l| l.trim_start().starts_with("5.")),
        "only the last 50ms: {window}"
    );
    assert!(window.contains(">>> VIOLATION"));
}

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| {
            Command::new(name)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

#[test]
fn the_report_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        eprintln!(
            "\n!!!!!!!! SKIPPED the_report_renders_in_headless_chromium: chromium is not \
            installed (apt-get install chromium) !!!!!!!!\n"
        );
        return;
    };
    let dir = workdir("chromium");
    let html = report(&regression("raft.commit_previous_term"), &dir);
    let detail = inlined_data(&html)["violation"]["detail"]
        .as_str()
        .unwrap()
        .to_string();
    let url = format!("file://{}", dir.join("run.html").display());
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .args(["--dump-dom", &url])
        .output()
        .unwrap();
    let dom = stdout(&output);
    let log = stderr(&output);
    assert!(!log.contains("Uncaught"), "a script error: {log}");
    assert!(dom.contains("<svg id=\"lanes\""), "the chart was drawn");
    assert_eq!(dom.matches("class=\"lane\"").count(), 6, "a lane per node");
    assert!(dom.matches("class=\"msg").count() > 500, "message arrows");
    assert!(dom.contains("id=\"violation-marker\""));
    assert!(dom.contains("VIOLATION electable_completeness at ") && dom.contains(&detail));
}
