//! Project automation: `cargo xtask ci | bench | bughunt | docs | mutants`.
//!
//! - `ci`: everything CI checks, in the order that fails fastest: formatting, clippy,
//!   the whole test suite, the example crate outside the workspace (its tests and
//!   its binary used from outside), then a fuzz smoke over each default scenario.
//! - `bench`: release-build benchmarks, written to BENCHMARKS.md with the command
//!   behind every figure; `--peers` measures turmoil and madsim beside the kernel.
//! - `bughunt`: seeds to first detection for every named bug, with and without swarm,
//!   and the shrunk reproducer's size; appended to BENCHMARKS.md.
//! - `docs`: regenerates `docs/bugs.md` from the protocols' named bugs.
//! - `mutants`: the mutation score of each protocol under the fuzz campaign, into
//!   BENCHMARKS.md, and the survivors into `docs/mutation-survivors.md`.

mod bench;
mod bench_isolation;
mod bench_peers;
mod bench_profile;
mod bench_raft_rs;
mod bench_report;
mod bench_scale;
mod bughunt;
mod bugs_doc;
mod ci;
mod cmd;
mod docs;
mod mutants;
mod own_protocol;
mod raft_rs_example;

use anyhow::{bail, Result};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("ci") => ci::run(),
        Some("bench") => bench::run(&args[1..]),
        Some("bughunt") => bughunt::run(&args[1..]),
        Some("docs") => docs::run(),
        Some("mutants") => mutants::run(&args[1..]),
        Some("txn-history") => {
            let txns = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(10_000);
            print!("{}", bench_isolation::generate(txns));
            Ok(())
        }
        _ => bail!(
            "usage: cargo xtask ci | bench [SECTION...] [--peers] | bughunt [--seeds N] | docs | \
                mutants [--protocol P] [--sample N] [--seeds A..B] [--jobs J] | txn-history [N]"
        ),
    }
}
