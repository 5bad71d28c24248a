//! The cluster campaign's scripts as shipped in `deploy/`, driven with the built
//! binary: `run-shards-locally.sh` runs the Job's shard script for every index and
//! merges the results with `collect.sh`; a campaign that finds a bug exits 1 with
//! every shard's failures in one JUnit file and its traces listed; a clean one
//! exits 0; a shard that never finished is reported and fails the collection.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("faultline-deploy-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs a script of `deploy/` from the repository root with the built binary.
fn deploy_script(script: &str, args: &[&str], out_root: &Path) -> Output {
    Command::new(repository().join("deploy").join(script))
        .args(args)
        .current_dir(repository())
        .env("FAULTLINE", env!("CARGO_BIN_EXE_faultline"))
        .env("OUT_ROOT", out_root)
        .output()
        .expect("the script runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_campaign_that_finds_a_bug_exits_1_with_every_shard_merged() {
    let out = temp_dir("bug");
    let output = deploy_script(
        "run-shards-locally.sh",
        &[
            "3",
            "scenarios/raft/nemesis.json",
            "0..24",
            "--bug",
            "raft.stale_read",
        ],
        &out,
    );
    let report = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{report}{}",
        text(&output.stderr)
    );
    for shard in 0..3 {
        assert!(
            report.contains(&format!("shard {shard}: exit ")),
            "{report}"
        );
        assert!(out.join(format!("shard-{shard}/junit.xml")).exists());
    }
    assert!(report.contains("FOUND A BUG"), "{report}");
    let merged = std::fs::read_to_string(out.join("junit.xml")).unwrap();
    assert_eq!(merged.matches("<testsuite ").count(), 3, "{merged}");
    let traces = report.matches(".trace.jsonl'").count() / 2;
    assert!(traces > 0, "{report}");
    assert_eq!(merged.matches("<failure ").count(), traces, "{merged}");
    assert!(
        merged.starts_with("<?xml") && merged.contains(&format!("failures=\"{traces}\"")),
        "{merged}"
    );
}

#[test]
fn a_clean_campaign_exits_0() {
    let out = temp_dir("clean");
    let output = deploy_script(
        "run-shards-locally.sh",
        &["2", "scenarios/twopc/nemesis.json", "0..16"],
        &out,
    );
    let report = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{report}{}",
        text(&output.stderr)
    );
    assert!(report.contains("shard 1: exit 0, passed"), "{report}");
    assert!(
        report.contains("(2 test cases, 0 failures, 0 errors)"),
        "{report}"
    );
}

#[test]
fn a_shard_that_never_finished_fails_the_collection() {
    let out = temp_dir("unfinished");
    let shard = deploy_script(
        "run-shards-locally.sh",
        &["2", "scenarios/twopc/nemesis.json", "0..8"],
        &out,
    );
    assert_eq!(shard.status.code(), Some(0), "{}", text(&shard.stderr));
    let output = deploy_script("collect.sh", &[out.to_str().unwrap(), "3"], &out);
    let report = text(&output.stdout);
    assert_eq!(output.status.code(), Some(3), "{report}");
    assert!(
        report.contains("shard 2: exit none, DID NOT FINISH"),
        "{report}"
    );
}

#[test]
fn a_missing_argument_is_a_usage_error() {
    let out = temp_dir("usage");
    let output = deploy_script("run-shards-locally.sh", &["2", "scenarios"], &out);
    assert_eq!(output.status.code(), Some(3));
    assert!(text(&output.stderr).contains("usage:"));
}

#[test]
fn the_job_runs_the_shard_script_the_image_ships_and_the_local_runner_uses() {
    let read = |path: &str| std::fs::read_to_string(repository().join(path)).unwrap();
    let job = read("deploy/k8s/fuzz-job.yaml");
    let image = read("deploy/Dockerfile");
    let local = read("deploy/run-shards-locally.sh");
    let collector = read("deploy/k8s/collect-job.yaml");
    assert!(job.contains("command: [\"/faultline/deploy/fuzz-shard.sh\"]"));
    assert!(collector.contains("\"/faultline/deploy/collect.sh\""));
    assert!(image.contains("WORKDIR /faultline"));
    assert!(image.contains("COPY deploy/fuzz-shard.sh deploy/collect.sh deploy/"));
    assert!(local.contains("\"$here/fuzz-shard.sh\"") && local.contains("\"$here/collect.sh\""));
    let claim = "claimName: faultline-traces";
    assert!(job.contains(claim) && collector.contains(claim));
    assert!(read("deploy/k8s/traces-pvc.yaml").contains("name: faultline-traces"));
}
