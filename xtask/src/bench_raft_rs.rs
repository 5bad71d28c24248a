//! TiKV's raft-rs under faultline (`examples/raft-rs/`) beside the built-in Raft:
//! events per second on the same nemesis shape and seeds per second fuzzing it, each
//! measured with its own release binary in the same sitting.

use crate::bench::{bench_json, millions};
use crate::cmd;
use anyhow::Result;
use std::fmt::Write;

const EXAMPLE_DIR: &str = "examples/raft-rs";
const SEEDS: &str = "0..1000";

pub fn section(faultline: &str, doc: &mut String) -> Result<()> {
    let example = cmd::root().join(EXAMPLE_DIR);
    let target = cmd::root().join("target");
    let manifest = example.join("Cargo.toml");
    let args = ["build", "--release", "--quiet", "--manifest-path"];
    let mut build: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    build.push(manifest.display().to_string());
    build.extend(["--target-dir".into(), target.display().to_string()]);
    cmd::run(
        "cargo",
        &build.iter().map(String::as_str).collect::<Vec<_>>(),
    )?;
    let raftrs = target.join("release/raftrs").display().to_string();
    let ours = cmd::root()
        .join("scenarios/raft/nemesis.json")
        .display()
        .to_string();
    let theirs = example
        .join("scenarios/raftrs/nemesis.json")
        .display()
        .to_string();
    doc.push_str(
        "## raft-rs under faultline\n\nTiKV's `raft` crate (0.7) driven through the open \
        protocol API by `examples/raft-rs/`, on the built-in Raft's nemesis shape (5 servers, 3 \
        clients, the same random faults), beside the built-in Raft. The example is its own \
        crate with the default release profile (no thin LTO), so part of the gap is the build.\n\n\
        | protocol | events/s | seeds/s fuzzing 0..1000 (2 jobs) |\n|---|---|---|\n",
    );
    for (name, binary, scenario) in [
        ("built-in raft", faultline, &ours),
        ("raft-rs", &raftrs, &theirs),
    ] {
        let events =
            bench_json(binary, &[scenario.as_str(), "--repeat", "5"])?["events_per_second"].clone();
        let _ = writeln!(
            doc,
            "| {name} | {} | {:.0} |",
            millions(&events),
            crate::bench::fuzz_seeds_per_second(binary, scenario, SEEDS, &[])?
        );
    }
    doc.push_str(
        "\nCommand: `faultline bench SCENARIO --repeat 5` and `fuzz SCENARIO --seeds 0..1000 \
        --keep-going --json` with each release binary (`target/release/faultline`, \
        `target/release/raftrs`).\n\n",
    );
    Ok(())
}
