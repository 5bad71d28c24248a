//! Testing an existing library, shown from outside: `examples/raft-rs/` drives TiKV's
//! raft-rs (the `raft` crate from crates.io) as a faultline protocol, in a crate of
//! its own like `examples/own-protocol/`. Its tests run with the workspace's
//! (invariants that can fail, the nemesis plain and swarm, determinism, each
//! adapter bug caught); then CI runs a short fuzz smoke through its binary: the
//! nemesis passes, and a named adapter bug is found and named by its property.

use crate::cmd;
use anyhow::{bail, ensure, Context, Result};
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

const EXAMPLE_DIR: &str = "examples/raft-rs";
const BINARY: &str = "raftrs";
const SCENARIO: &str = "scenarios/raftrs/nemesis.json";
const SEEDS: &str = "0..200";
const BUG: &str = "raftrs.no_fsync_hardstate";
const BUG_PROPERTY: &str = "term_monotonic";
const BUG_SEEDS: &str = "0..100";

/// The fuzz smoke, through the binary the workspace's tests built (its own tests
/// ran with them).
pub fn check() -> Result<()> {
    fuzz(&["--seeds", SEEDS], 0)?;
    let failures = fuzz(&["--seeds", BUG_SEEDS, "--bug", BUG], 1)?;
    let first = failures
        .first()
        .context("fuzz --bug reported no failing seed")?;
    ensure!(
        first["property"] == BUG_PROPERTY,
        "{BUG} broke {} instead of {BUG_PROPERTY}",
        first["property"]
    );
    eprintln!("raft-rs example: fuzz smoke passed");
    Ok(())
}

fn example_dir() -> PathBuf {
    cmd::root().join(EXAMPLE_DIR)
}

/// `raftrs fuzz SCENARIO ARGS --json`, which must exit `code`; the failures it
/// printed, one JSON object each.
fn fuzz(args: &[&str], code: i32) -> Result<Vec<Value>> {
    let binary = cmd::test_built(BINARY)?;
    let scratch = cmd::root().join("target/raft-rs-check");
    let out = scratch.display().to_string();
    let mut all = vec!["fuzz", SCENARIO, "--json", "--out", &out];
    all.extend_from_slice(args);
    eprintln!("$ ({EXAMPLE_DIR}) {BINARY} {}", all.join(" "));
    let output = Command::new(&binary)
        .args(&all)
        .current_dir(example_dir())
        .output()
        .with_context(|| format!("cannot start {}", binary.display()))?;
    if output.status.code() != Some(code) {
        bail!(
            "fuzz {}: expected exit {code}, got {:?}\n{}",
            args.join(" "),
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let failures = stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|v| v.get("seed").is_some())
        .collect();
    Ok(failures)
}
