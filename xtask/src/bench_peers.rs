//! `cargo xtask bench kernel --peers`: faultline's kernel shapes against turmoil and
//! madsim, measured in one sitting rather than quoted from another day.
//!
//! Builds `benches/peers` in release once per peer (madsim's build with `--cfg
//! madsim`, see its Cargo.toml), then runs `ROUNDS` rounds; in each, every shape runs
//! on faultline (`faultline bench SCENARIO --repeat 5 --json`), turmoil and madsim
//! (`faultline-peers --peer P --shape S --repeat 5`) in turn, so a slow moment of
//! this shared machine falls on all three. A figure is the median over the rounds of
//! each round's median of 5 runs. The peers' versions come from
//! `benches/peers/Cargo.lock`.
//!
//! The comparison is the last part of BENCHMARKS.md's kernel section, under
//! `HEADING`. `cargo xtask bench` without `--peers` builds no peer and keeps that
//! part as it was last measured: it holds its own faultline figures, so its ratios
//! stay within one sitting.

use crate::bench::{bench_json, KernelShape};
use crate::cmd::{output, root, target_dir};
use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::fmt::Write;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

/// The heading of the comparison inside the kernel section.
pub const HEADING: &str = "### Against turmoil and madsim, in one sitting";

/// Rounds of faultline, turmoil, madsim in turn.
const ROUNDS: usize = 3;
/// Runs per figure within a round (each program reports their median).
const REPEAT: &str = "5";

/// A peer: its name, the cargo arguments and extra rustflags of its build.
struct Peer {
    name: &'static str,
    features: &'static [&'static str],
    rustflags: &'static str,
}

const PEERS: &[Peer] = &[
    Peer {
        name: "turmoil",
        features: &[],
        rustflags: "",
    },
    Peer {
        name: "madsim",
        features: &["--no-default-features", "--features", "madsim"],
        rustflags: "--cfg madsim",
    },
];

/// What one program did on one shape in one round.
struct Figure {
    messages_per_second: f64,
    messages: u64,
    sim_seconds: f64,
}

/// The kernel section's last part: the comparison measured now (`measure`), or
/// as BENCHMARKS.md has it.
pub fn follow_kernel(faultline: &str, shapes: &[KernelShape], measure: bool) -> Result<String> {
    if measure {
        return section(faultline, shapes);
    }
    let current = std::fs::read_to_string(root().join("BENCHMARKS.md")).unwrap_or_default();
    Ok(kept(&current))
}

/// The comparison as `current` (BENCHMARKS.md) has it: from `HEADING` to the next
/// section or marker; a note saying how to measure it when there is none.
fn kept(current: &str) -> String {
    let Some(start) = current.find(&format!("{HEADING}\n")) else {
        return format!("{HEADING}\n\nNot measured yet: `cargo xtask bench kernel --peers`.\n\n");
    };
    let body = &current[start..];
    let end = ["\n## ", "\n<!-- "]
        .iter()
        .filter_map(|m| body.find(m))
        .min()
        .unwrap_or(body.len());
    format!("{}\n\n", body[..end].trim_end())
}

fn section(faultline: &str, shapes: &[KernelShape]) -> Result<String> {
    let binaries: Vec<PathBuf> = PEERS.iter().map(build).collect::<Result<_>>()?;
    let versions: Vec<String> = PEERS
        .iter()
        .map(|p| locked_version(p.name))
        .collect::<Result<_>>()?;
    // figures[shape][program][round]; program 0 is faultline, then PEERS in order.
    let mut figures: Vec<Vec<Vec<Figure>>> = shapes
        .iter()
        .map(|_| (0..=PEERS.len()).map(|_| Vec::new()).collect())
        .collect();
    for round in 1..=ROUNDS {
        for (s, shape) in shapes.iter().enumerate() {
            eprintln!(
                "bench --peers: round {round}/{ROUNDS}, {}",
                shape.peer_shape
            );
            figures[s][0].push(faultline_figure(faultline, shape)?);
            for (p, peer) in PEERS.iter().enumerate() {
                figures[s][p + 1].push(peer_figure(&binaries[p], peer, shape)?);
            }
        }
    }
    Ok(write_section(shapes, &versions, &figures))
}

/// Builds the peers crate for `peer`, into a target directory of its own (the
/// two builds differ in rustflags), and returns the binary.
fn build(peer: &Peer) -> Result<PathBuf> {
    let dir = target_dir().join("peers").join(peer.name);
    let manifest = root().join("benches/peers/Cargo.toml");
    eprintln!(
        "bench --peers: building benches/peers for {} (release)",
        peer.name
    );
    let started = Instant::now();
    let mut command = Command::new("cargo");
    command
        .args([
            "build",
            "--release",
            "--locked",
            "--quiet",
            "--manifest-path",
        ])
        .arg(&manifest)
        .arg("--target-dir")
        .arg(&dir)
        .args(peer.features)
        .current_dir(root())
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    if !peer.rustflags.is_empty() {
        let outer = std::env::var("RUSTFLAGS").unwrap_or_default();
        command.env("RUSTFLAGS", format!("{outer} {}", peer.rustflags).trim());
    }
    let status = command.status().context("cannot start cargo")?;
    if !status.success() {
        bail!("building benches/peers for {} failed ({status})", peer.name);
    }
    eprintln!(
        "bench --peers: {} built in {:.0} s",
        peer.name,
        started.elapsed().as_secs_f64()
    );
    Ok(dir.join("release").join("faultline-peers"))
}

/// The version of `package` that `benches/peers/Cargo.lock` pins.
fn locked_version(package: &str) -> Result<String> {
    let path = root().join("benches/peers/Cargo.lock");
    let lock = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    version_in_lock(&lock, package).with_context(|| format!("{} pins no {package}", path.display()))
}

fn version_in_lock(lock: &str, package: &str) -> Option<String> {
    let name = format!("name = \"{package}\"\n");
    lock.split("[[package]]")
        .find(|block| block.contains(&name))
        .and_then(|block| block.lines().find_map(|l| l.strip_prefix("version = ")))
        .map(|v| v.trim_matches('"').to_string())
}

fn faultline_figure(faultline: &str, shape: &KernelShape) -> Result<Figure> {
    let r = bench_json(faultline, &[shape.scenario, "--repeat", REPEAT])?;
    figure(&r, "messages_delivered")
}

fn peer_figure(binary: &std::path::Path, peer: &Peer, shape: &KernelShape) -> Result<Figure> {
    let binary = binary.to_str().context("a UTF-8 target path")?;
    let args = [
        "--peer",
        peer.name,
        "--shape",
        shape.peer_shape,
        "--repeat",
        REPEAT,
    ];
    let text = output(binary, &args)?;
    let r: Value = serde_json::from_str(text.trim())
        .with_context(|| format!("{} on {}: {text}", peer.name, shape.peer_shape))?;
    figure(&r, "messages_delivered")
}

fn figure(r: &Value, messages: &str) -> Result<Figure> {
    let messages_per_second = r["messages_per_second"]
        .as_f64()
        .with_context(|| format!("no messages_per_second in {r}"))?;
    Ok(Figure {
        messages_per_second,
        messages: r[messages].as_u64().unwrap_or(0),
        sim_seconds: r["sim_time_ns"].as_f64().unwrap_or(0.0) / 1e9,
    })
}

/// How each program ran the shapes: written with the figures, so it cannot go
/// stale without the code that it describes changing too.
const HOW: &str = "How each runs the shapes (no faults, seed 1; `benches/peers/` is built \
with faultline's release optimisation, thin LTO and 4 codegen units):

- faultline: `faultline bench` runs the scenario with its invariant checked after every event \
and every delivery folded into the trace hash.
- turmoil: each node is a turmoil client (a tokio runtime of its own) on turmoil's simulated \
UDP, the closest it has to a datagram (its TCP adds connections and acknowledgements); message \
latency minimum and maximum both 1 ms; turmoil steps every node in 1 ms ticks (its default). \
A broadcast node has one task sending its rounds and one receiving.
- madsim: each node is a madsim node sending through `madsim::net::Endpoint` (tagged \
datagrams), latency 1 ms. madsim spends 1 ms of simulated time in every send and every receive \
(a drawn 0-5 µs system-call delay, slept with its 1 ms minimum sleep), so a bounce takes 3 ms \
and ping-pong 3,000 simulated s, and a broadcast node needs a sending task per destination \
(back-to-back sends then leave 1 ms apart, which the benchmark checks) and 4 receiving tasks. \
madsim's build has `--cfg madsim`, which replaces libc's clock and random functions for the \
whole process; turmoil's build has not.
- A broadcast run ends at 10 simulated s (faultline) or when every node has sent its last \
round (the peers); the last round or two still in flight then are not counted, hence the \
slightly different counts. Every count is of messages a receiving task took in.

";

fn write_section(
    shapes: &[KernelShape],
    versions: &[String],
    figures: &[Vec<Vec<Figure>>],
) -> String {
    let names: Vec<String> = std::iter::once("faultline".to_string())
        .chain(
            PEERS
                .iter()
                .zip(versions)
                .map(|(p, v)| format!("{} {v}", p.name)),
        )
        .collect();
    let commit = output("git", &["rev-parse", "--short", "HEAD"]).unwrap_or_default();
    let mut doc = format!(
        "{HEADING}\n\nTarget: faultline at least 10x the better of turmoil and madsim on each \
        shape. Measured by `cargo xtask bench kernel --peers` (faultline at commit {}) in {ROUNDS} \
        rounds, each running every shape on {} in turn; a figure is the median of the rounds' \
        medians of {REPEAT} runs, the lowest and highest round in brackets.\n\n",
        commit.trim(),
        names.join(", ")
    );
    let columns: Vec<String> = names
        .iter()
        .map(|n| format!("{n}, messages/s"))
        .chain(PEERS.iter().map(|p| format!("faultline / {}", p.name)))
        .collect();
    let _ = writeln!(
        doc,
        "| shape | {} |\n|---|{}",
        columns.join(" | "),
        "---|".repeat(columns.len())
    );
    for (shape, programs) in shapes.iter().zip(figures) {
        let faultline = median(&programs[0]);
        let cells: Vec<String> = programs
            .iter()
            .map(|rounds| cell(rounds))
            .chain(
                programs[1..]
                    .iter()
                    .map(|peer| format!("{:.1}x", faultline / median(peer).max(1e-9))),
            )
            .collect();
        let _ = writeln!(doc, "| {} | {} |", shape.peer_shape, cells.join(" | "));
    }
    doc.push_str(
        "\nPer run (last round):\n\n| shape | simulator | messages delivered | simulated s \
        |\n|---|---|---|---|\n",
    );
    for (shape, programs) in shapes.iter().zip(figures) {
        for (name, rounds) in names.iter().zip(programs) {
            let last = rounds.last().expect("at least one round");
            let _ = writeln!(
                doc,
                "| {} | {name} | {} | {:.3} |",
                shape.peer_shape, last.messages, last.sim_seconds
            );
        }
    }
    doc.push('\n');
    doc.push_str(HOW);
    doc.push_str(
        "Commands: `cargo xtask bench kernel --peers`; each figure is `faultline bench SCENARIO \
        --repeat 5 --json` or `faultline-peers --peer P --shape S --repeat 5` (built by `cargo \
        build --release` in `benches/peers`; for madsim `RUSTFLAGS=\"--cfg madsim\" cargo build \
        --release --no-default-features --features madsim`).\n\n",
    );
    doc
}

/// The median over rounds of a program's messages per second.
fn median(rounds: &[Figure]) -> f64 {
    let mut rates: Vec<f64> = rounds.iter().map(|f| f.messages_per_second).collect();
    rates.sort_by(f64::total_cmp);
    rates[rates.len() / 2]
}

/// "median (lowest-highest)" in millions of messages per second.
fn cell(rounds: &[Figure]) -> String {
    let rates = rounds.iter().map(|f| f.messages_per_second / 1e6);
    let low = rates.clone().fold(f64::INFINITY, f64::min);
    let high = rates.fold(0.0, f64::max);
    format!("{:.2}M ({low:.2}-{high:.2})", median(rounds) / 1e6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_comparison_is_kept_up_to_the_next_section() {
        let current = format!(
            "## Kernel\n\n| a |\n\n{HEADING}\n\n| turmoil |\n\nCommands.\n\n## Protocols\n\nx\n"
        );
        assert_eq!(
            kept(&current),
            format!("{HEADING}\n\n| turmoil |\n\nCommands.\n\n")
        );
        let at_the_end = format!("{HEADING}\n\nfigures\n");
        assert_eq!(kept(&at_the_end), format!("{HEADING}\n\nfigures\n\n"));
        assert!(kept("## Kernel\n\n| a |\n").contains("Not measured yet"));
    }

    #[test]
    fn versions_come_from_the_package_of_that_name() {
        let lock = "[[package]]\nname = \"madsim-macros\"\nversion = \"0.2.12\"\n\n\
            [[package]]\nname = \"madsim\"\nversion = \"0.2.34\"\n";
        assert_eq!(version_in_lock(lock, "madsim").as_deref(), Some("0.2.34"));
        assert_eq!(version_in_lock(lock, "turmoil"), None);
    }
}
