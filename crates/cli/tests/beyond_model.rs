//! `--beyond-model` on `run` and `fuzz`: the lock's nemesis with its clock bounds
//! left unset stays inside the lock's clock-error allowance under swarm, and with
//! the flag goes beyond it; a failure there says it was outside the fault model, in
//! text, JSON and the command that reproduces it.

use std::path::PathBuf;
use std::process::{Command, Output};

fn faultline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `scenarios/lock/nemesis.json` without `clock_jump_max` and `clock_drift_ppm_max`.
fn lock_with_unset_clock_bounds() -> PathBuf {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let text = std::fs::read_to_string(repo.join("scenarios/lock/nemesis.json")).unwrap();
    let mut scenario: serde_json::Value = serde_json::from_str(&text).unwrap();
    let random = scenario["faults"]["random"].as_object_mut().unwrap();
    random.remove("clock_jump_max");
    random.remove("clock_drift_ppm_max");
    let dir = std::env::temp_dir().join(format!("faultline-beyond-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // One file per call: tests run in parallel, and a file rewritten while another
    // test's run reads it would be read half written.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = dir.join(format!("lock-unset-clocks-{call}.json"));
    std::fs::write(&path, scenario.to_string()).unwrap();
    path
}

/// A seed whose swarm mix draws 100ms clock jumps and breaks disjoint leases.
const SEED: &str = "9";

#[test]
fn run_stays_inside_the_model_unless_asked() {
    let path = lock_with_unset_clock_bounds();
    let path = path.to_str().unwrap();
    let inside = faultline(&["run", path, "--seed", SEED, "--swarm"]);
    assert_eq!(inside.status.code(), Some(0), "{}", stdout(&inside));
    assert!(!stdout(&inside).contains("fault model"));

    let beyond = faultline(&["run", path, "--seed", SEED, "--swarm", "--beyond-model"]);
    assert_eq!(beyond.status.code(), Some(1));
    let text = stdout(&beyond);
    assert!(
        text.contains("fault model: outside the protocol's fault model: clock error up to"),
        "{text}"
    );
    assert!(
        text.contains("--swarm --beyond-model"),
        "the repro keeps it: {text}"
    );
}

#[test]
fn run_json_carries_beyond_model() {
    let path = lock_with_unset_clock_bounds();
    let args = [
        "run",
        path.to_str().unwrap(),
        "--seed",
        SEED,
        "--swarm",
        "--beyond-model",
        "--json",
    ];
    let object: serde_json::Value = serde_json::from_slice(&faultline(&args).stdout).unwrap();
    let beyond = object["beyond_model"]
        .as_str()
        .expect("a beyond_model field");
    assert!(beyond.contains("> allowance 22.000ms"), "{beyond}");
    let detail = object["detail"].as_str().unwrap();
    assert!(
        detail.contains("outside the protocol's fault model"),
        "{detail}"
    );
}

#[test]
fn fuzz_takes_the_flag_too() {
    let path = lock_with_unset_clock_bounds();
    let out = std::env::temp_dir().join(format!("faultline-beyond-out-{}", std::process::id()));
    // A directory left by an earlier run with the same process id holds its traces.
    let _ = std::fs::remove_dir_all(&out);
    let seeds = format!("{SEED}..10");
    let common = [
        "fuzz",
        path.to_str().unwrap(),
        "--seeds",
        &seeds,
        "--swarm",
        "--out",
    ];
    let mut inside: Vec<&str> = common.to_vec();
    inside.push(out.to_str().unwrap());
    assert_eq!(faultline(&inside).status.code(), Some(0));
    let mut beyond = inside.clone();
    beyond.push("--beyond-model");
    let output = faultline(&beyond);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("outside the protocol's fault model"));
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn disk_errors_a_protocol_does_not_survive_are_refused_unless_beyond_the_model() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let text = std::fs::read_to_string(repo.join("scenarios/twopc/nemesis.json")).unwrap();
    let mut scenario: serde_json::Value = serde_json::from_str(&text).unwrap();
    scenario["disk"] = serde_json::json!({ "corrupt_on_restart": { "probability": 1 } });
    let dir = std::env::temp_dir().join(format!("faultline-beyond-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("twopc-corrupt.json");
    std::fs::write(&path, scenario.to_string()).unwrap();
    let path = path.to_str().unwrap();
    let refused = faultline(&["run", path]);
    assert_eq!(refused.status.code(), Some(3));
    let words = String::from_utf8_lossy(&refused.stderr).into_owned();
    assert!(
        words.contains("disk.corrupt_on_restart") && words.contains("beyond"),
        "{words}"
    );
    let beyond = faultline(&["run", path, "--beyond-model"]);
    let text = stdout(&beyond);
    assert!(text.contains("records found corrupt"), "{text}");
}
