//! Running commands from the workspace root, echoing them so logs show what ran.

use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

/// Runs a command, streaming its output; fails if it fails.
pub fn run(program: &str, args: &[&str]) -> Result<()> {
    run_in(program, args, &root())
}

/// Runs a command in `dir`, streaming its output; fails if it fails.
pub fn run_in<S: AsRef<str>>(program: &str, args: &[S], dir: &std::path::Path) -> Result<()> {
    let args: Vec<&str> = args.iter().map(AsRef::as_ref).collect();
    eprintln!("$ {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(&args)
        .current_dir(dir)
        .status()
        .with_context(|| format!("cannot start {program}"))?;
    if !status.success() {
        bail!("`{program} {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

/// Runs a command and returns its stdout; stderr passes through.
pub fn output(program: &str, args: &[&str]) -> Result<String> {
    eprintln!("$ {program} {}", args.join(" "));
    let out = Command::new(program)
        .args(args)
        .current_dir(root())
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("cannot start {program}"))?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The release `faultline` binary, built first: for timing.
pub fn faultline_release() -> Result<String> {
    faultline_built("release")
}

/// The `faultline` binary of the `fuzz` profile (release with debug assertions and
/// overflow checks), built first: for hunting bugs.
pub fn faultline_fuzz() -> Result<String> {
    faultline_built("fuzz")
}

fn faultline_built(profile: &str) -> Result<String> {
    let args = [
        "build",
        "--profile",
        profile,
        "--quiet",
        "-p",
        "faultline-cli",
    ];
    run("cargo", &args)?;
    Ok(target_dir()
        .join(profile)
        .join("faultline")
        .display()
        .to_string())
}

/// Where cargo puts what it builds: `CARGO_TARGET_DIR` when set (relative to the
/// root), else `target/`.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root().join("target"), |dir| root().join(dir))
}

/// A workspace binary as `cargo test --workspace` left it (debug assertions and
/// overflow checks on): CI drives these after the tests instead of building the
/// binaries again in another profile.
pub fn test_built(binary: &str) -> Result<PathBuf> {
    let path = target_dir().join("debug").join(binary);
    if !path.exists() {
        bail!(
            "{} is missing: `cargo test --workspace` builds it",
            path.display()
        );
    }
    Ok(path)
}

/// Every default fuzzing scenario: each protocol's `scenarios/<protocol>/nemesis.json`
/// (for the protocols `faultline list protocols` shows that have one), then any other
/// scenario a named bug is hunted on (`faultline list bugs --json`).
pub fn default_scenarios(faultline: &str) -> Result<Vec<String>> {
    let json = |args: &[&str]| -> Result<Vec<serde_json::Value>> {
        let listing = output(faultline, args)?;
        serde_json::from_str(&listing).with_context(|| format!("`faultline {}`", args.join(" ")))
    };
    let protocols = json(&["list", "protocols", "--json"])?;
    let bugs = json(&["list", "bugs", "--json"])?;
    let nemeses = protocols
        .iter()
        .filter_map(|p| p["name"].as_str())
        .map(|name| format!("scenarios/{name}/nemesis.json"));
    let bug_scenarios = bugs
        .iter()
        .filter_map(|b| b["scenario"].as_str().map(String::from));
    let mut scenarios: Vec<String> = Vec::new();
    for path in nemeses.chain(bug_scenarios) {
        if root().join(&path).exists() && !scenarios.contains(&path) {
            scenarios.push(path);
        }
    }
    Ok(scenarios)
}
