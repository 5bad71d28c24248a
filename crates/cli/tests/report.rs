//! Seeing a run, as a user meets it: `faultline report` writes one self-contained
//! HTML page (no network: nothing loaded from http(s), the run's data inlined),
//! never over a file faultline did not write; `fuzz` writes one beside each trace;
//! `replay --timeline` explains a failure with its filters. The page is opened in
//! headless Chromium when it is installed (the test says loudly when it is not).

mod common;

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
    let events = &data["events"];
    let count = events["count"].as_u64().unwrap() as usize;
    assert!(count > 1000, "every event is in the page");
    let kinds = events["columns"]["kind"].as_array().unwrap();
    assert_eq!(kinds.len(), count, "a kind per event");
    let drop = events["strings"]
        .as_array()
        .unwrap()
        .iter()
        .position(|s| s == "drop");
    assert!(kinds.iter().any(|k| k.as_u64().map(|k| k as usize) == drop));
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

#[test]
fn the_report_renders_in_headless_chromium() {
    let Some(browser) = common::browser_or_skip("the_report_renders_in_headless_chromium") else {
        return;
    };
    let dir = workdir("chromium");
    let html = report(&regression("raft.commit_previous_term"), &dir);
    let detail = inlined_data(&html)["violation"]["detail"]
        .as_str()
        .unwrap()
        .to_string();
    let (dom, log) = common::rendered_dom(browser, &dir.join("run.html"), &dir.join("profile"));
    assert!(!log.contains("Uncaught"), "a script error: {log}");
    assert!(dom.contains("<svg id=\"lanes\""), "the chart was drawn");
    assert_eq!(dom.matches("class=\"lane\"").count(), 6, "a lane per node");
    assert!(dom.matches("class=\"msg").count() > 500, "message arrows");
    assert!(dom.contains("id=\"violation-marker\""));
    assert!(dom.contains("VIOLATION electable_completeness at ") && dom.contains(&detail));
    assert!(
        dom.contains("at that moment: n1: leader term 3"),
        "the state of the node the violation names"
    );
}

/// `text` as it reads in a serialised DOM.
fn html_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Every shipped regression has a report a person can read the bug from: drawn
/// without script errors, a lane per node, and the violation marker whose words are
/// the verdict `faultline run` gives.
#[test]
fn every_regression_report_renders_with_its_verdict_in_headless_chromium() {
    let Some(browser) = common::browser_or_skip("every_regression_report_renders") else {
        return;
    };
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../traces/regressions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 20, "the regression corpus is there");
    let failures: Vec<String> = std::thread::scope(|scope| {
        let chunks: Vec<_> = files.chunks(files.len().div_ceil(3)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .filter_map(|f| report_problem(browser, f))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What is wrong with the rendered report of one regression, if anything.
fn report_problem(browser: &str, regression: &Path) -> Option<String> {
    let name = regression
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .to_string();
    let dir = workdir(&format!("every-{name}"));
    let input = regression.to_str().unwrap();
    let verdict: serde_json::Value =
        serde_json::from_slice(&faultline(&["run", input, "--json"]).stdout).unwrap();
    let html = report(input, &dir);
    let (dom, log) = common::rendered_dom(browser, &dir.join("run.html"), &dir.join("profile"));
    let nodes = inlined_data(&html)["nodes"].as_u64().unwrap() as usize;
    let detail = html_escaped(verdict["detail"].as_str().unwrap_or_default());
    let heading = format!(
        "VIOLATION {} at ",
        verdict["property"].as_str().unwrap_or("?")
    );
    let problem = if log.contains("Uncaught") {
        format!("a script error: {log}")
    } else if dom.matches("class=\"lane\"").count() != nodes {
        format!("not a lane per node ({nodes})")
    } else if !dom.contains("id=\"violation-marker\"") {
        "no violation marker".to_string()
    } else if !dom.contains(&heading) || !dom.contains(&detail) {
        format!("the page does not say the verdict: {heading}… {detail}")
    } else if verdict["property"] == "linearizability"
        && !(dom.contains("id=\"unplaceable-op\"") && dom.contains("id=\"lin-stuck\""))
    {
        "no Porcupine view: the operation that cannot be placed is not marked".to_string()
    } else {
        let _ = std::fs::remove_dir_all(&dir);
        return None;
    };
    Some(format!("{name}: {problem}"))
}

/// The kind of each event in the page's columns, by position.
fn event_kinds(data: &serde_json::Value) -> Vec<String> {
    let strings = data["events"]["strings"].as_array().unwrap();
    data["events"]["columns"]["kind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            strings[k.as_u64().unwrap() as usize]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn a_deliverys_causal_past_and_one_nodes_messages_can_be_shown() {
    let Some(browser) = common::browser_or_skip("a_deliverys_causal_past") else {
        return;
    };
    let dir = workdir("causal");
    let html = report(&regression("raft.commit_previous_term"), &dir);
    let data = inlined_data(&html);
    let kinds = event_kinds(&data);
    let last_delivery = kinds.iter().rposition(|k| k == "deliver").unwrap();
    let index = data["events"]["columns"]["i"][last_delivery].clone();
    let page = format!("{}#causal={index}", dir.join("run.html").display());
    let (dom, log) = common::rendered_dom(browser, Path::new(&page), &dir.join("profile"));
    assert!(!log.contains("Uncaught"), "a script error: {log}");
    let highlighted = dom.matches("stroke-width=\"2.6\"").count();
    let dimmed = dom.matches("opacity=\"0.12\"").count();
    assert!(highlighted > 1, "the delivery and its past are highlighted");
    assert!(dimmed > 0, "messages outside its past are dimmed");
    assert!(
        dom.contains("causal past of event"),
        "the page says what it shows"
    );

    let page = format!("{}#nodes=1", dir.join("run.html").display());
    let (only, _) = common::rendered_dom(browser, Path::new(&page), &dir.join("profile"));
    let (all, _) = common::rendered_dom(browser, &dir.join("run.html"), &dir.join("profile"));
    let arrows = |dom: &str| dom.matches("class=\"msg").count();
    assert!(
        arrows(&only) > 0 && arrows(&only) < arrows(&all),
        "only node 1's messages"
    );
}

#[test]
fn a_linearizability_failure_numbers_the_longest_linearization_on_the_clients_lanes() {
    let dir = workdir("porcupine-view");
    let data = inlined_data(&report(&regression("raft.stale_read"), &dir));
    let ops = data["ops"].as_array().unwrap();
    let stuck: Vec<_> = ops.iter().filter(|op| op["stuck"] == true).collect();
    assert_eq!(stuck.len(), 1, "one operation cannot be placed");
    assert_eq!(stuck[0]["f"], "get");
    let linearization = &data["linearization"];
    let ordered = ops.iter().filter(|op| op["order"].is_u64()).count();
    assert_eq!(ordered, linearization["order"].as_array().unwrap().len());
    assert!(
        linearization["stuck"].as_str().unwrap().contains("get k1"),
        "{linearization}"
    );
}
