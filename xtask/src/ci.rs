//! `cargo xtask ci`: what CI runs (see `.ci/run`), in the order that fails fastest,
//! closing with one `ci: N passed, M failed` line over every test that ran.

use crate::cmd;
use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

/// Seeds per protocol for the fuzz smoke: a few hundred, well within CI time.
const SMOKE_SEEDS: &str = "0..300";

pub fn run() -> Result<()> {
    cmd::run("cargo", &["fmt", "--all", "--", "--check"])?;
    cmd::run(
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    let workspace = ["test".to_string(), "--workspace".to_string()];
    let (passed, failed) = run_tests(&workspace, &cmd::root())?;
    crate::own_protocol::check()?;
    crate::raft_rs_example::check()?;
    fuzz_smoke()?;
    let skipped = match corpus_missing() {
        Some(dir) => format!(
            ", 1 skipped (the Porcupine conformance test: no corpus at {dir}; set FAULTLINE_CORPUS)"
        ),
        None => String::new(),
    };
    println!("ci: {passed} passed, {failed} failed{skipped}");
    Ok(())
}

/// Where the Porcupine corpus was looked for, when it is not there (the
/// conformance test then checks nothing; under `CI=true` it fails instead).
fn corpus_missing() -> Option<String> {
    let dir = std::env::var_os("FAULTLINE_CORPUS")
        .map(std::path::PathBuf::from)
        .unwrap_or_default();
    (!dir.join("expected.tsv").exists()).then(|| dir.display().to_string())
}

/// Runs `cargo ARGS` (a test command) in `dir`, echoing its output and adding up its
/// result lines.
pub fn run_tests(args: &[String], dir: &Path) -> Result<(u64, u64)> {
    eprintln!("$ ({}) cargo {}", dir.display(), args.join(" "));
    let mut child = Command::new("cargo")
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot start cargo test")?;
    let (mut passed, mut failed) = (0, 0);
    for line in BufReader::new(child.stdout.take().expect("piped")).lines() {
        let line = line?;
        println!("{line}");
        if let Some(rest) = line.strip_prefix("test result: ") {
            passed += count_before(rest, " passed");
            failed += count_before(rest, " failed");
        }
    }
    if !child.wait()?.success() || failed > 0 {
        bail!("cargo test failed ({failed} failed)");
    }
    Ok((passed, failed))
}

/// The number just before `label` in `ok. 12 passed; 0 failed; ...`.
fn count_before(text: &str, label: &str) -> u64 {
    text.find(label)
        .and_then(|end| text[..end].rsplit(' ').next()?.parse().ok())
        .unwrap_or(0)
}

/// Each default scenario fuzzed with assertions on, as users hunt bugs: through the
/// debug binary the tests built (building the `fuzz` profile too would cost CI
/// minutes of compiling to save seconds of fuzzing).
fn fuzz_smoke() -> Result<()> {
    let faultline = cmd::test_built("faultline")?.display().to_string();
    for scenario in &cmd::default_scenarios(&faultline)? {
        cmd::run(
            &faultline,
            &[
                "fuzz",
                scenario,
                "--seeds",
                SMOKE_SEEDS,
                "--out",
                "target/fuzz-smoke",
            ],
        )?;
    }
    Ok(())
}
