//! Fuzzing and shrinking as CI uses them: the same failures whatever `--jobs`, a trace
//! per failure that replays, and a shrunk scenario that fails with `run` exactly as
//! reported. The subject is the ping-pong example under pauses, with a
//! quiet period too short to always finish, so some seeds are "stuck".

mod common;

use common::*;
use std::path::Path;

/// The JSON lines of a fuzz run: failures, then the summary.
fn fuzz_json(dir: &Path, jobs: &str) -> Vec<serde_json::Value> {
    let scenario = dir.join("flaky.json");
    std::fs::write(&scenario, FLAKY_PINGPONG).unwrap();
    let out = dir.join(format!("out-{jobs}"));
    let output = faultline(&[
        "fuzz",
        scenario.to_str().unwrap(),
        "--seeds",
        "0..200",
        "--jobs",
        jobs,
        "--keep-going",
        "--json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "stuck seeds exit 2: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

#[test]
fn fuzz_finds_the_same_failures_with_any_job_count() {
    let dir = workdir("jobs");
    let one = fuzz_json(&dir, "1");
    let two = fuzz_json(&dir, "2");
    let seeds = |lines: &[serde_json::Value]| -> Vec<u64> {
        lines.iter().filter_map(|l| l["seed"].as_u64()).collect()
    };
    assert!(!seeds(&one).is_empty(), "the scenario has stuck seeds");
    assert_eq!(seeds(&one), seeds(&two));
    let summary = one.last().unwrap();
    assert_eq!(summary["seeds_run"], 200);
    assert_eq!(
        summary["stuck"].as_u64().unwrap() as usize,
        seeds(&one).len()
    );
    for field in ["passed", "failed", "wall_ns"] {
        assert!(summary.get(field).is_some(), "summary has {field}");
    }
}

#[test]
fn a_failure_trace_replays_and_shrinks_to_a_scenario_that_fails_the_same_way() {
    let dir = workdir("shrink");
    let lines = fuzz_json(&dir, "2");
    let failure = lines
        .iter()
        .find(|l| l.get("trace").is_some())
        .expect("a failure");
    let trace = failure["trace"].as_str().unwrap();
    let replay = faultline(&["replay", trace]);
    assert_eq!(replay.status.code(), Some(2), "stuck, identical replay");
    assert!(String::from_utf8_lossy(&replay.stdout).contains("identical"));

    let minimal = dir.join("minimal.json");
    let shrink = faultline(&["shrink", trace, "-o", minimal.to_str().unwrap()]);
    assert_eq!(
        shrink.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&shrink.stderr)
    );
    let report = String::from_utf8_lossy(&shrink.stdout);
    assert!(
        report.contains("faults") && report.contains("->"),
        "{report}"
    );
    let page = std::fs::read_to_string(dir.join("minimal.html")).expect("a report beside it");
    assert!(page.starts_with("<!DOCTYPE html>\n<!-- faultline report"));
    assert!(report.contains("minimal.html"), "{report}");

    let rerun = faultline(&["run", minimal.to_str().unwrap(), "--json"]);
    let object: serde_json::Value = serde_json::from_slice(&rerun.stdout).unwrap();
    assert_eq!(object["verdict"], failure["verdict"]);
    assert_eq!(object["property"], failure["property"]);
    let scenario: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&minimal).unwrap()).unwrap();
    let reported = format!(
        "Reproduces {} {}: {}",
        object["verdict"].as_str().unwrap().to_uppercase(),
        object["property"].as_str().unwrap(),
        object["detail"].as_str().unwrap()
    );
    assert!(
        scenario["description"]
            .as_str()
            .unwrap()
            .contains(&reported),
        "the run fails exactly as the description says: {reported}"
    );
    assert!(
        scenario["faults"].get("random").is_none(),
        "explicit faults only"
    );
    assert!(scenario["description"]
        .as_str()
        .unwrap()
        .contains("Reproduces"));

    let again = faultline(&["shrink", trace, "-o", minimal.to_str().unwrap()]);
    assert_eq!(
        again.status.code(),
        Some(3),
        "never overwrites without --force"
    );
}

#[test]
fn shards_split_a_campaign_without_overlap() {
    let dir = workdir("shards");
    let scenario = dir.join("flaky.json");
    std::fs::write(&scenario, FLAKY_PINGPONG).unwrap();
    let mut total = 0;
    for shard in ["0/3", "1/3", "2/3"] {
        let output = faultline(&[
            "fuzz",
            scenario.to_str().unwrap(),
            "--seeds",
            "0..100",
            "--shard",
            shard,
            "--keep-going",
            "--json",
            "--out",
            dir.join("out").to_str().unwrap(),
        ]);
        let summary: serde_json::Value = serde_json::from_str(
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .last()
                .unwrap(),
        )
        .unwrap();
        total += summary["seeds_run"].as_u64().unwrap();
    }
    assert_eq!(total, 100);
}

#[test]
fn junit_output_lists_failures() {
    let dir = workdir("junit");
    let scenario = dir.join("flaky.json");
    std::fs::write(&scenario, FLAKY_PINGPONG).unwrap();
    let junit = dir.join("junit.xml");
    faultline(&[
        "fuzz",
        scenario.to_str().unwrap(),
        "--seeds",
        "0..100",
        "--keep-going",
        "--out",
        dir.join("out").to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("<testsuite") && xml.contains("<error message=\"stuck\""),
        "{xml}"
    );
}
