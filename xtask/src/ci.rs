//! `cargo xtask ci`: what CI runs (see `.ci/run`), in the order that fails fastest.

use crate::cmd;
use anyhow::Result;

/// Seeds per protocol for the fuzz smoke: a few hundred, well within CI time.
const SMOKE_SEEDS: &str = "0..300";

/// Each protocol's default fuzzing scenario, smoke-tested when present.
const FUZZ_SCENARIOS: &[&str] = &[
    "scenarios/raft/nemesis.json",
    "scenarios/paxos/nemesis.json",
];

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
    cmd::run("cargo", &["test", "--workspace"])?;
    fuzz_smoke()
}

fn fuzz_smoke() -> Result<()> {
    let faultline = cmd::faultline_release()?;
    for scenario in FUZZ_SCENARIOS {
        if !cmd::root().join(scenario).exists() {
            eprintln!("fuzz smoke: {scenario} not present, skipped");
            continue;
        }
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
