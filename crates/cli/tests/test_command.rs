//! `faultline test PATH...` as CI meets it: the shipped scenarios and regression
//! reproducers all end as their `expect` says, a file that does not is a FAILED line
//! and exit 1, bad input is exit 3, other files are skipped with a note, the report
//! is in path order whatever the thread count, and `--junit` has one test case per
//! file and never clobbers a file faultline did not write.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `faultline ARGS` from the repository root.
fn faultline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(args)
        .current_dir(repository())
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A fresh directory for one test.
fn temp_dir(test: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("faultline-test-cmd-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A shipped scenario with its `expect` replaced.
fn scenario_expecting(shipped: &str, expect: &str) -> String {
    let text = std::fs::read_to_string(repository().join(shipped)).unwrap();
    let mut scenario: serde_json::Value = serde_json::from_str(&text).unwrap();
    scenario["expect"] = expect.into();
    scenario.to_string()
}

fn json_files_under(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            if p.is_dir() {
                json_files_under(&p)
            } else {
                usize::from(p.extension().is_some_and(|e| e == "json"))
            }
        })
        .sum()
}

/// The per-file lines of a report, without their wall times.
fn file_lines(report: &str) -> Vec<String> {
    report
        .lines()
        .filter(|l| {
            ["ok ", "FAILED ", "ERROR "]
                .iter()
                .any(|s| l.starts_with(s))
        })
        .map(|l| {
            l.rsplit_once(" in ")
                .map_or(l, |(line, _)| line)
                .to_string()
        })
        .collect()
}

#[test]
fn the_shipped_scenarios_and_regressions_meet_their_expectations() {
    let junit = temp_dir("shipped").join("junit.xml");
    let output = faultline(&[
        "test",
        "scenarios",
        "traces/regressions",
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let report = stdout(&output);
    let files = json_files_under(&repository().join("scenarios"))
        + json_files_under(&repository().join("traces/regressions"));
    let lines = file_lines(&report);
    assert_eq!(lines.len(), files, "{report}");
    assert!(lines.iter().all(|l| l.starts_with("ok ")), "{report}");
    assert!(
        report.contains(
            "traces/regressions/raft.stale_read.json: expected FAIL (linearizability), \
            got FAIL (linearizability), seed 11; bugs off: PASS"
        ),
        "{report}"
    );
    assert!(
        report.contains(&format!("ok. {files} ok, 0 failed, 0 errors")),
        "{report}"
    );
    assert!(
        stderr(&output).contains("skipping traces/regressions/README.md: not a scenario file"),
        "{}",
        stderr(&output)
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<testcase ").count(), files, "{xml}");
    assert!(xml.contains("failures=\"0\" errors=\"0\""), "{xml}");
}

#[test]
fn a_file_whose_expectation_is_not_met_is_failed_with_exit_1() {
    let dir = temp_dir("unmet");
    let shipped = "scenarios/raft/basic_agreement.json";
    std::fs::write(
        dir.join("a_passes.json"),
        scenario_expecting(shipped, "pass"),
    )
    .unwrap();
    std::fs::write(
        dir.join("b_unmet.json"),
        scenario_expecting(shipped, "fail"),
    )
    .unwrap();
    let junit = dir.join("junit.xml");
    let output = faultline(&[
        "test",
        dir.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let report = stdout(&output);
    let unmet = dir.join("b_unmet.json");
    let expected = format!(
        "FAILED {}: expected FAIL, got PASS, seed 0",
        unmet.display()
    );
    assert_eq!(
        file_lines(&report),
        [
            format!(
                "ok     {}: expected PASS, got PASS, seed 0",
                dir.join("a_passes.json").display()
            ),
            expected
        ],
        "{report}"
    );
    assert!(
        report.contains(&format!("reproduce: {}", env!("CARGO_BIN_EXE_faultline")))
            && report.contains("FAILED. 1 ok, 1 failed, 0 errors"),
        "{report}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<testcase ").count(), 2, "{xml}");
    assert_eq!(xml.matches("<failure ").count(), 1, "{xml}");
}

#[test]
fn the_report_is_in_path_order_whatever_the_thread_count() {
    let one = faultline(&["test", "scenarios", "--jobs", "1"]);
    let three = faultline(&["test", "scenarios/", "--jobs", "3"]);
    let (one, three) = (file_lines(&stdout(&one)), file_lines(&stdout(&three)));
    let normalise = |lines: &[String]| lines.join("\n").replace("scenarios//", "scenarios/");
    assert_eq!(normalise(&one), normalise(&three));
    let mut sorted = one.clone();
    sorted.sort();
    assert_eq!(one, sorted);
}

#[test]
fn a_path_that_does_not_exist_is_bad_input() {
    let output = faultline(&["test", "scenarios", "no/such/dir"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(stderr(&output).contains("no/such/dir: no such file or directory"));
    assert!(
        stdout(&output).is_empty(),
        "nothing ran: {}",
        stdout(&output)
    );
}

#[test]
fn an_invalid_scenario_is_an_error_line_with_its_location_and_exit_3() {
    let dir = temp_dir("invalid");
    std::fs::write(
        dir.join("good.json"),
        scenario_expecting("scenarios/raft/basic_agreement.json", "pass"),
    )
    .unwrap();
    std::fs::write(
        dir.join("invalid.json"),
        "{\n  \"protocol\": { \"kind\": \"raft\", \"nodes\": 3 },\n  \"duratoin\": \"1s\"\n}",
    )
    .unwrap();
    let output = faultline(&["test", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(3), "{}", stdout(&output));
    let report = stdout(&output);
    let invalid = dir.join("invalid.json").display().to_string();
    assert!(
        report.contains(&format!("ERROR  {invalid}: bad input: {invalid}:3:"))
            && report.contains("unknown field `duratoin`"),
        "{report}"
    );
    assert!(report.contains("1 ok, 0 failed, 1 errors"), "{report}");
}

#[test]
fn a_directory_without_scenarios_is_bad_input() {
    let dir = temp_dir("empty");
    std::fs::write(dir.join("notes.txt"), "not a scenario").unwrap();
    let output = faultline(&["test", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr(&output).contains("no scenario files (*.json) under"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn traces_and_other_files_are_skipped_with_a_note() {
    let dir = temp_dir("skipped");
    let nested = dir.join("nested");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::write(
        nested.join("scenario.json"),
        scenario_expecting("scenarios/raft/basic_agreement.json", "pass"),
    )
    .unwrap();
    let trace = dir.join("failure.trace.jsonl");
    let made = faultline(&[
        "run",
        "scenarios/raft/basic_agreement.json",
        "--trace",
        trace.to_str().unwrap(),
    ]);
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let output = faultline(&["test", dir.to_str().unwrap(), trace.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!(
            "skipping {}: not a scenario file",
            trace.display()
        )),
        "{}",
        stderr(&output)
    );
    let report = stdout(&output);
    assert_eq!(file_lines(&report).len(), 1, "{report}");
    assert!(
        report.contains("1 ok, 0 failed, 0 errors, 1 skipped"),
        "{report}"
    );
}

#[test]
fn junit_output_never_replaces_a_file_faultline_did_not_write() {
    let dir = temp_dir("junit");
    let junit = dir.join("results.xml");
    std::fs::write(&junit, "precious").unwrap();
    let scenario = "scenarios/raft/basic_agreement.json";
    let refused = faultline(&["test", scenario, "--junit", junit.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(3));
    assert!(stderr(&refused).contains("refusing to overwrite"));
    assert!(stdout(&refused).is_empty(), "refused before running");
    assert_eq!(std::fs::read_to_string(&junit).unwrap(), "precious");

    let forced = faultline(&[
        "test",
        scenario,
        "--junit",
        junit.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    let again = faultline(&["test", scenario, "--junit", junit.to_str().unwrap()]);
    assert_eq!(
        again.status.code(),
        Some(0),
        "ours may be replaced: {}",
        stderr(&again)
    );
    assert!(std::fs::read_to_string(&junit)
        .unwrap()
        .contains("<testcase "));
}

#[test]
fn no_path_is_a_usage_error() {
    assert_eq!(faultline(&["test"]).status.code(), Some(3));
}

#[test]
fn a_symbolic_link_back_up_the_tree_is_not_followed() {
    let dir = temp_dir("symlink");
    std::fs::write(
        dir.join("scenario.json"),
        scenario_expecting("scenarios/raft/basic_agreement.json", "pass"),
    )
    .unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("loop")).unwrap();
    let output = faultline(&["test", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(file_lines(&stdout(&output)).len(), 1, "{}", stdout(&output));
}

/// A reproducer that records its property fails the suite when the run fails some
/// other way; a property the protocol does not have is refused as bad input.
#[test]
fn a_failure_by_another_property_than_recorded_is_unmet() {
    let dir = temp_dir("other-property");
    let shipped = "traces/regressions/raft.stale_read.json";
    let other = serde_json::json!({ "fails_with": "election_safety" });
    let text = std::fs::read_to_string(repository().join(shipped)).unwrap();
    let mut scenario: serde_json::Value = serde_json::from_str(&text).unwrap();
    scenario["expect"] = other;
    std::fs::write(dir.join("other.json"), scenario.to_string()).unwrap();
    let output = faultline(&["test", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let report = stdout(&output);
    assert!(
        report.contains("it failed `linearizability`, not `election_safety`"),
        "{report}"
    );

    scenario["expect"] = serde_json::json!({ "fails_with": "electoin_safety" });
    std::fs::write(dir.join("other.json"), scenario.to_string()).unwrap();
    let output = faultline(&["test", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(3), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("expect.fails_with: `electoin_safety` is not a property of raft"),
        "{}",
        stdout(&output)
    );
}
