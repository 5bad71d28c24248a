//! `cargo xtask bughunt`: for every named bug, seeds to first detection with and
//! without swarm, and the shrunk reproducer's size and shrink time, written into the
//! bughunt section of BENCHMARKS.md.

use anyhow::Result;

pub fn run(_args: &[String]) -> Result<()> {
    anyhow::bail!("bughunt needs `faultline fuzz` and `faultline shrink`, which are not built yet")
}
