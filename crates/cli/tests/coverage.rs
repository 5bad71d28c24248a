//! Coverage you can see: `faultline fuzz` reports, per campaign, how many seeds
//! reached each situation the protocol declares and names those none reached (text,
//! the `--json` summary's `coverage` object, JUnit `<properties>`), whatever
//! `--jobs`; `faultline run` says how many situations one run reached. A campaign
//! of at least 100 seeds that never reaches a situation its scenario requires
//! (`checks.reached`) fails `never_reached`: exit 1, the summary and a failing JUnit
//! campaign case say which.

mod common;

use common::*;
use faultline_protocols::raft::situations::{PRE_VOTE_WON, RECOVERED_FROM_DISK, SITUATIONS};

/// Raft with no faults at all: no server ever crashes, so none recovers from disk.
const RAFT_WITHOUT_CRASHES: &str = r#"{
  "name": "raft-calm",
  "description": "3 nodes, no faults: nothing restarts",
  "protocol": { "kind": "raft", "nodes": 3 },
  "workload": { "clients": 2, "keys": 2, "ops": 20, "read_ratio": 0.5 },
  "duration": "1s",
  "quiet": "2s"
}"#;

fn calm_scenario(dir: &std::path::Path) -> String {
    let path = dir.join("calm.json");
    std::fs::write(&path, RAFT_WITHOUT_CRASHES).unwrap();
    path.to_str().unwrap().to_string()
}

/// The `--json` summary (the last line) of a campaign over seeds 0..4.
fn summary_json(scenario: &str, dir: &std::path::Path, jobs: &str) -> serde_json::Value {
    let out = dir.join("traces");
    let output = faultline(&[
        "fuzz",
        scenario,
        "--seeds",
        "0..4",
        "--jobs",
        jobs,
        "--json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let text = stdout(&output);
    let last = text.lines().last().expect("a summary line");
    serde_json::from_str(last).unwrap()
}

#[test]
fn fuzz_names_a_situation_no_seed_reached() {
    let dir = workdir("text");
    let scenario = calm_scenario(&dir);
    let out = dir.join("traces");
    let output = faultline(&[
        "fuzz",
        &scenario,
        "--seeds",
        "0..4",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    let never = text
        .lines()
        .find(|l| l.starts_with("never reached in 4 seeds: "))
        .unwrap_or_else(|| panic!("no never-reached line in:\n{text}"));
    assert!(never.contains(RECOVERED_FROM_DISK), "{never}");
    assert!(
        text.contains(&format!(
            " of {} declared situations reached",
            SITUATIONS.len()
        )),
        "{text}"
    );
    let recovered_row = format!("  0  {RECOVERED_FROM_DISK}");
    assert!(text.lines().any(|l| l == recovered_row), "{text}");
}

#[test]
fn the_json_summary_has_a_coverage_object_independent_of_jobs() {
    let dir = workdir("json");
    let scenario = calm_scenario(&dir);
    let summary = summary_json(&scenario, &dir, "1");
    let coverage = &summary["coverage"];
    assert_eq!(coverage["seeds_run"], 4);
    assert_eq!(coverage["declared"], SITUATIONS.len());
    let situations = coverage["situations"].as_array().unwrap();
    let names: Vec<&str> = situations
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, SITUATIONS, "declared ones first, in declared order");
    for situation in situations {
        let seeds = situation["seeds"].as_u64().unwrap();
        assert!(seeds <= 4, "{situation}");
        assert_eq!(situation["declared"], true);
    }
    let never: Vec<&str> = coverage["never_reached"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(never.contains(&RECOVERED_FROM_DISK), "{coverage}");
    let reached_count = situations.iter().filter(|s| s["seeds"] != 0).count();
    assert_eq!(coverage["reached"], reached_count);
    assert_eq!(reached_count + never.len(), SITUATIONS.len());
    let parallel = summary_json(&scenario, &dir, "2");
    assert_eq!(parallel["coverage"], summary["coverage"]);
}

#[test]
fn the_junit_report_carries_the_coverage_in_its_properties() {
    let dir = workdir("junit");
    let scenario = calm_scenario(&dir);
    let junit = dir.join("report.xml");
    let out = dir.join("traces");
    let output = faultline(&[
        "fuzz",
        &scenario,
        "--seeds",
        "0..2",
        "--junit",
        junit.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0));
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    let property = |name: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name("property") && n.attribute("name") == Some(name))
            .and_then(|n| n.attribute("value"))
            .map(str::to_string)
    };
    let never = property("never_reached").expect("a never_reached property");
    assert!(never.contains(RECOVERED_FROM_DISK), "{never}");
    let recovered = property(&format!("situation: {RECOVERED_FROM_DISK}"));
    assert_eq!(recovered.as_deref(), Some("0"));
    assert!(property("coverage").is_some_and(|c| c.ends_with("in 2 seeds")));
}

#[test]
fn run_says_how_many_situations_it_reached() {
    let dir = workdir("run");
    let scenario = calm_scenario(&dir);
    let output = faultline(&["run", &scenario, "--seed", "1"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("reached: "))
        .unwrap_or_else(|| panic!("no reached line in:\n{text}"));
    assert!(
        line.contains(&format!(" of {} situations", SITUATIONS.len())),
        "{line}"
    );
    assert!(line.contains(RECOVERED_FROM_DISK), "{line}");
    let output = faultline(&["run", &scenario, "--seed", "1", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let coverage = &json["coverage"];
    assert_eq!(coverage["declared"], SITUATIONS.len());
    let not_reached = coverage["not_reached"].as_array().unwrap();
    assert!(
        not_reached.iter().any(|s| s == RECOVERED_FROM_DISK),
        "{coverage}"
    );
    let situations = coverage["situations"].as_array().unwrap();
    assert!(situations.iter().all(|s| s["count"].as_u64() > Some(0)));
    assert_eq!(
        coverage["reached"].as_u64().unwrap() as usize + not_reached.len(),
        SITUATIONS.len()
    );
}

/// The calm scenario requiring `situations` (`checks.reached`).
fn calm_requiring(dir: &std::path::Path, situations: &[&str]) -> String {
    let mut file: serde_json::Value = serde_json::from_str(RAFT_WITHOUT_CRASHES).unwrap();
    file["checks"] = serde_json::json!({ "reached": situations });
    let path = dir.join("calm_requiring.json");
    std::fs::write(&path, serde_json::to_string_pretty(&file).unwrap()).unwrap();
    path.to_str().unwrap().to_string()
}

/// A campaign of `calm_requiring`: its exit code, text and JUnit report.
fn campaign_requiring(situations: &[&str], seeds: &str, tag: &str) -> (i32, String, String) {
    let dir = workdir(tag);
    let scenario = calm_requiring(&dir, situations);
    let (junit, out) = (dir.join("report.xml"), dir.join("traces"));
    let output = faultline(&[
        "fuzz",
        &scenario,
        "--seeds",
        seeds,
        "--junit",
        junit.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let xml = std::fs::read_to_string(&junit).unwrap();
    (output.status.code().unwrap(), stdout(&output), xml)
}

#[test]
fn a_campaign_that_never_reaches_a_required_situation_fails_never_reached() {
    let required = [PRE_VOTE_WON, RECOVERED_FROM_DISK];
    let (code, text, xml) = campaign_requiring(&required, "0..100", "required-missed");
    assert_eq!(code, 1, "{text}");
    let expected = format!(
        "never_reached: none of 100 seeds reached a situation the scenario requires \
         (checks.reached): {RECOVERED_FROM_DISK}"
    );
    assert!(text.lines().any(|l| l == expected), "{text}");
    assert!(
        text.contains("100 passed, 0 failed"),
        "every run passed: {text}"
    );
    let headline = text.lines().next().unwrap_or_default();
    assert!(
        headline.ends_with("; the campaign failed never_reached"),
        "the first line says the campaign failed: {text}"
    );
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .expect("a failing campaign case");
    let message = failure.attribute("message").unwrap();
    assert!(
        message.starts_with("never_reached: none of 100 seeds"),
        "{message}"
    );
}

#[test]
fn required_situations_reached_pass_and_a_short_campaign_is_not_judged() {
    let (code, text, _) = campaign_requiring(&[PRE_VOTE_WON], "0..100", "required-reached");
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("checks.reached: 1 required situation reached"),
        "{text}"
    );
    let (code, text, xml) = campaign_requiring(&[RECOVERED_FROM_DISK], "0..4", "required-short");
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("checks.reached: not judged (1 required situation;"),
        "{text}"
    );
    assert!(!xml.contains("<failure"), "{xml}");
}

#[test]
fn a_required_situation_the_protocol_does_not_declare_is_refused_with_its_place() {
    let dir = workdir("required-unknown");
    let scenario = calm_requiring(&dir, &[PRE_VOTE_WON, "a leader was crowned"]);
    let output = faultline(&["fuzz", &scenario, "--seeds", "0..1"]);
    assert_eq!(output.status.code(), Some(3));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("checks.reached[1]"), "{err}");
    assert!(
        err.contains("`a leader was crowned` is not a situation protocol `raft` declares"),
        "{err}"
    );
    assert!(
        err.contains(PRE_VOTE_WON),
        "the declared ones are listed: {err}"
    );
}
