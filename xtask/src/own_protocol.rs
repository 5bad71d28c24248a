//! The open protocol API, shown from outside: `examples/own-protocol/` is a crate
//! that depends on faultline by path and uses only its public API, the way a
//! user's would. Its tests run with the workspace's; then CI uses its one-line
//! binary as a user would: list, run, fuzz with a named bug, replay the trace fuzz wrote,
//! shrink it and run the result, and a bad option located at its line and column.

use crate::cmd;
use anyhow::{bail, ensure, Context, Result};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The example crate, from the workspace root.
const EXAMPLE_DIR: &str = "examples/own-protocol";
/// Its binary: `faultline::main_with(Registry::builtin().with::<Abd>())`.
const BINARY: &str = "abd";
const SCENARIO: &str = "scenarios/abd/nemesis.json";
const BUG: &str = "abd.no_write_back";
const BUG_PROPERTY: &str = "read_quorum";
const SEEDS: &str = "0..300";

/// The outside checks, through the binary the workspace's tests built (its own
/// tests ran with them).
pub fn check() -> Result<()> {
    let scratch = cmd::root().join("target/own-protocol-check");
    std::fs::create_dir_all(&scratch)?;
    lists_beside_the_builtins()?;
    runs_and_passes()?;
    let trace = fuzz_catches_the_bug(&scratch)?;
    replays_identically(&trace)?;
    shrinks_to_a_failing_file(&trace, &scratch)?;
    locates_a_bad_option(&scratch)?;
    eprintln!("own-protocol: every outside check passed");
    Ok(())
}

fn example_dir() -> PathBuf {
    cmd::root().join(EXAMPLE_DIR)
}

/// Runs the example's binary in the example's directory, as its user would.
fn abd(args: &[&str]) -> Result<Output> {
    eprintln!("$ ({EXAMPLE_DIR}) {BINARY} {}", args.join(" "));
    let binary = cmd::test_built(BINARY)?;
    Command::new(&binary)
        .args(args)
        .current_dir(example_dir())
        .output()
        .with_context(|| format!("cannot start {}", binary.display()))
}

fn expect_exit(output: &Output, code: i32, what: &str) -> Result<()> {
    if output.status.code() != Some(code) {
        bail!(
            "{what}: expected exit {code}, got {:?}\nstdout:\n{}\nstderr:\n{}",
            output.status.code(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

fn lists_beside_the_builtins() -> Result<()> {
    let output = abd(&["list", "protocols", "--json"])?;
    expect_exit(&output, 0, "list protocols")?;
    let listed: Value = serde_json::from_slice(&output.stdout)?;
    let names: Vec<&str> = listed
        .as_array()
        .context("a list")?
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    ensure!(
        names.contains(&"abd") && names.contains(&"raft"),
        "list protocols shows {names:?}"
    );
    Ok(())
}

fn runs_and_passes() -> Result<()> {
    let output = abd(&["run", SCENARIO])?;
    expect_exit(&output, 0, "run")?;
    let output = abd(&["run"])?;
    expect_exit(&output, 0, "run with no scenario (the example's default)")?;
    let summary = String::from_utf8_lossy(&output.stdout);
    ensure!(
        summary.starts_with("abd-nemesis"),
        "the default scenario is the example's own: {summary}"
    );
    Ok(())
}

/// Fuzzes with the named bug on; the trace of the first failure.
fn fuzz_catches_the_bug(scratch: &Path) -> Result<String> {
    let out = scratch.join("failures");
    let out = out.display().to_string();
    let args = [
        "fuzz", SCENARIO, "--seeds", SEEDS, "--bug", BUG, "--json", "--out", &out,
    ];
    let output = abd(&args)?;
    expect_exit(&output, 1, "fuzz --bug")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let first: Value = stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|v| v.get("seed").is_some())
        .context("fuzz --json printed no failure")?;
    ensure!(
        first["property"] == BUG_PROPERTY,
        "{BUG} broke {} instead of {BUG_PROPERTY}",
        first["property"]
    );
    let binary = cmd::test_built(BINARY)?.display().to_string();
    ensure!(
        first["replay"]
            .as_str()
            .is_some_and(|r| r.starts_with(&binary)),
        "the printed replay command names the user's binary by the path it ran from: {}",
        first["replay"]
    );
    first["trace"]
        .as_str()
        .map(str::to_string)
        .context("fuzz kept no trace")
}

fn replays_identically(trace: &str) -> Result<()> {
    let output = abd(&["replay", trace, "--json"])?;
    expect_exit(&output, 1, "replay of a failing trace")?;
    let report: Value = serde_json::from_slice(&output.stdout)?;
    ensure!(report["identical"] == true, "replay diverged: {report}");
    ensure!(report["property"] == BUG_PROPERTY, "replay: {report}");
    Ok(())
}

fn shrinks_to_a_failing_file(trace: &str, scratch: &Path) -> Result<()> {
    let minimal = scratch.join("minimal.json");
    let minimal = minimal.display().to_string();
    let output = abd(&["shrink", trace, "-o", &minimal, "--force"])?;
    expect_exit(&output, 0, "shrink")?;
    let output = abd(&["run", &minimal])?;
    expect_exit(&output, 1, "run of the shrunk scenario")
}

/// A scenario with an option value of the wrong type, on a line of its own.
fn locates_a_bad_option(scratch: &Path) -> Result<()> {
    let bad = scratch.join("bad-option.json");
    let text = std::fs::read_to_string(example_dir().join(SCENARIO))?;
    let mut scenario: Value = serde_json::from_str(&text)?;
    scenario["protocol"]["retry_ms"] = Value::from("soon");
    std::fs::write(&bad, serde_json::to_string_pretty(&scenario)?)?;
    let output = abd(&["run", &bad.display().to_string()])?;
    expect_exit(&output, 3, "run with a bad option")?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = serde_json::to_string_pretty(&scenario)?
        .lines()
        .position(|l| l.contains("\"soon\""))
        .context("the bad value is in the file")?
        + 1;
    let located = format!("bad-option.json:{line}:");
    ensure!(
        stderr.contains(&located) && stderr.contains("protocol.retry_ms"),
        "expected `{located}` and the field path in: {stderr}"
    );
    Ok(())
}
