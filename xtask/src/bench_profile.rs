//! What hunting with assertions on costs: each default scenario timed with the
//! release binary and with the `fuzz` profile's (release plus debug assertions and
//! overflow checks), which CI, the fuzz workflow, the Job and `xtask bughunt` use.

use crate::bench::{bench_json, millions};
use crate::cmd;
use anyhow::Result;
use std::fmt::Write;

pub fn section(release: &str, doc: &mut String) -> Result<()> {
    let fuzz = cmd::faultline_fuzz()?;
    let present = cmd::default_scenarios(release)?;
    doc.push_str(
        "## The fuzz profile's cost\n\nCampaigns run the `fuzz` profile (release with \
        `debug-assertions` and `overflow-checks`), so every `debug_assert!` in the protocols and \
        the kernel is checked while bugs are hunted. Its cost against the release build, same \
        scenario and seed:\n\n",
    );
    doc.push_str(
        "| scenario | release events/s | fuzz profile events/s | fuzz / release \
        |\n|---|---|---|---|\n",
    );
    for scenario in present {
        let args = [scenario.as_str(), "--repeat", "5"];
        let fast = bench_json(release, &args)?["events_per_second"].clone();
        let checked = bench_json(&fuzz, &args)?["events_per_second"].clone();
        let ratio = checked.as_f64().unwrap_or(0.0) / fast.as_f64().unwrap_or(1.0).max(1e-9);
        let _ = writeln!(
            doc,
            "| `{scenario}` | {} | {} | {ratio:.2} |",
            millions(&fast),
            millions(&checked)
        );
    }
    doc.push_str(
        "\nCommand: `faultline bench SCENARIO --repeat 5` with `target/release/faultline` \
        and `target/fuzz/faultline` (`cargo build --profile fuzz -p faultline-cli`).\n\n",
    );
    Ok(())
}
