//! `cargo xtask bench`: release-build benchmarks written to BENCHMARKS.md.
//!
//! Each figure is produced by a command printed beside it, so anyone can reproduce it.
//! Every shape runs in a fresh process so peak memory is the shape's own. The section
//! written by `cargo xtask bughunt` is carried over untouched.

use crate::cmd::{self, output, root};
use anyhow::{Context, Result};
use serde_json::Value;
use std::fmt::Write;

/// A kernel shape: its title, its scenario, and its name in `benches/peers`
/// (`faultline-peers --shape`).
pub(crate) struct KernelShape {
    pub title: &'static str,
    pub scenario: &'static str,
    pub peer_shape: &'static str,
}

const KERNEL_SHAPES: &[KernelShape] = &[
    KernelShape {
        title: "broadcast: 5 nodes, 16 B to the other 4 every 1 ms, 1 ms latency, 10 s (200,000 \
            messages)",
        scenario: "scenarios/bench/broadcast.json",
        peer_shape: "broadcast",
    },
    KernelShape {
        title: "ping-pong: 2 nodes, one message, 1 ms latency, 1,000,000 messages",
        scenario: "scenarios/bench/pingpong.json",
        peer_shape: "pingpong",
    },
];

pub const BUGHUNT_START: &str = "<!-- bughunt:start -->";
/// A hand-written section (targets not met, caveats) carried over as it is.
const NOTES_START: &str = "<!-- notes:start -->";
const NOTES_END: &str = "<!-- notes:end -->";
pub const BUGHUNT_END: &str = "<!-- bughunt:end -->";

/// One measured section of BENCHMARKS.md: its name on the command line, its heading,
/// and what measures it.
struct Section {
    name: &'static str,
    heading: &'static str,
    measure: fn(&str, &mut String) -> Result<()>,
}

const SECTIONS: &[Section] = &[
    Section {
        name: "kernel",
        heading: "## Kernel",
        measure: kernel_section,
    },
    Section {
        name: "protocols",
        heading: "## Protocols under the nemesis",
        measure: protocol_section,
    },
    Section {
        name: "profile",
        heading: "## The fuzz profile's cost",
        measure: crate::bench_profile::section,
    },
    Section {
        name: "loss",
        heading: "## Operations per second under loss",
        measure: loss_section,
    },
    Section {
        name: "fuzz",
        heading: "## Fuzzing throughput",
        measure: fuzz_section,
    },
    Section {
        name: "checker",
        heading: "## Checker",
        measure: |_, doc| checker_section(doc),
    },
    Section {
        name: "isolation",
        heading: "## Isolation checker",
        measure: crate::bench_isolation::section,
    },
    Section {
        name: "reports",
        heading: "## Reports",
        measure: crate::bench_report::section,
    },
    Section {
        name: "raftrs",
        heading: "## raft-rs under faultline",
        measure: crate::bench_raft_rs::section,
    },
    Section {
        name: "scale",
        heading: "## Scaling with nodes",
        measure: crate::bench_scale::scale_section,
    },
    Section {
        name: "long",
        heading: "## Long runs",
        measure: crate::bench_scale::long_section,
    },
];

/// `cargo xtask bench [SECTION...] [--peers]`: measures the named sections (all when
/// none is named) and keeps the others as BENCHMARKS.md has them. `--peers` also
/// measures turmoil and madsim beside the kernel (`bench_peers.rs`).
pub fn run(args: &[String]) -> Result<()> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        let names: Vec<&str> = SECTIONS.iter().map(|s| s.name).collect();
        println!(
            "cargo xtask bench [SECTION...] [--peers]: measures the named sections of \
             BENCHMARKS.md (all when none is named) with a release build and rewrites them\n\
             sections: {}\n--peers: also measure turmoil and madsim beside the kernel",
            names.join(", ")
        );
        return Ok(());
    }
    let peers = args.iter().any(|a| a == "--peers");
    let args: Vec<String> = args.iter().filter(|a| *a != "--peers").cloned().collect();
    if peers && !args.is_empty() && !args.iter().any(|a| a == "kernel") {
        anyhow::bail!("bench: --peers measures beside the kernel section; name `kernel` too");
    }
    for name in &args {
        if !SECTIONS.iter().any(|s| s.name == *name) {
            let names: Vec<&str> = SECTIONS.iter().map(|s| s.name).collect();
            anyhow::bail!(
                "bench: no section {name}; the sections are {}",
                names.join(", ")
            );
        }
    }
    let faultline = cmd::faultline_release()?;
    let current = std::fs::read_to_string(root().join("BENCHMARKS.md")).unwrap_or_default();
    // A partial run keeps the header (the machine of the last full run) and says
    // beneath each section it measures which machine that was.
    let partial = !args.is_empty();
    let mut doc = match partial {
        true => kept_header(&current).unwrap_or_else(header),
        false => header(),
    };
    for section in SECTIONS {
        if args.is_empty() || args.iter().any(|a| a == section.name) {
            (section.measure)(&faultline, &mut doc)?;
            if partial {
                let _ = writeln!(doc, "Measured on {} in a later sitting.\n", machine());
            }
            // The peer comparison closes the kernel section; kept as it was unless
            // `--peers` measures it again.
            if section.name == "kernel" {
                doc += &crate::bench_peers::follow_kernel(&faultline, KERNEL_SHAPES, peers)?;
            }
        } else {
            doc += &kept_by_heading(&current, section);
        }
    }
    doc += &kept_section(NOTES_START, NOTES_END, "");
    doc += &bughunt_section_kept();
    doc += &kept_section(
        crate::mutants::MUTANTS_START,
        crate::mutants::MUTANTS_END,
        "",
    );
    write_benchmarks(&doc)
}

/// A section as the current file has it: from its heading to the next heading or
/// marker; a note saying how to measure it when the file has none.
fn kept_by_heading(current: &str, section: &Section) -> String {
    let Some(start) = current.find(&format!("{}\n", section.heading)) else {
        return format!(
            "{}\n\nNot measured yet: `cargo xtask bench {}`.\n\n",
            section.heading, section.name
        );
    };
    let body = &current[start + section.heading.len()..];
    let end = ["\n## ", "\n<!-- "]
        .iter()
        .filter_map(|m| body.find(m))
        .min()
        .unwrap_or(body.len());
    format!("{}{}\n\n", section.heading, body[..end].trim_end())
}

/// The header as the current file has it: everything before the first section.
fn kept_header(current: &str) -> Option<String> {
    let end = current.find("\n## ")?;
    Some(format!("{}\n\n", current[..end].trim_end()))
}

fn header() -> String {
    format!(
        "# Benchmarks\n\nRegenerated by `cargo xtask bench` (release build) on {}; a section \
measured again later names its own machine. Each figure names the command that produced it; \
kernel figures are the median of 5 runs in one process, each shape in a fresh process so peak \
memory is its own.\n\n",
        machine()
    )
}

/// `2 cores of AMD EPYC`: this machine, as a section's figures depend on it.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cores} cores of {cpu}")
}

pub(crate) fn bench_json(faultline: &str, args: &[&str]) -> Result<Value> {
    let mut full = vec!["bench", "--json"];
    full.extend_from_slice(args);
    let text = output(faultline, &full)?;
    serde_json::from_str(text.trim()).with_context(|| format!("bench output: {text}"))
}

pub(crate) fn millions(value: &Value) -> String {
    format!("{:.2}M", value.as_f64().unwrap_or(0.0) / 1e6)
}

fn kernel_section(faultline: &str, doc: &mut String) -> Result<()> {
    doc.push_str(
        "## Kernel\n\nTargets: at least 5M events/s on the message-heavy shape, every delivery \
        folded into the trace hash; at least 10x the better of turmoil and madsim on each shape, \
        measured in the same sitting (below).\n\n",
    );
    doc.push_str(
        "| shape | events/s | messages/s | simulated s per wall s | peak RSS \
        |\n|---|---|---|---|---|\n",
    );
    for shape in KERNEL_SHAPES {
        let r = bench_json(faultline, &[shape.scenario, "--repeat", "5"])?;
        let _ = writeln!(
            doc,
            "| {} | {} | {} | {:.0} | {} MiB |",
            shape.title,
            millions(&r["events_per_second"]),
            millions(&r["messages_per_second"]),
            r["sim_seconds_per_wall_second"].as_f64().unwrap_or(0.0),
            r["peak_rss_kib"].as_u64().unwrap_or(0) / 1024,
        );
    }
    doc.push_str(
        "\nCommands: `faultline bench scenarios/bench/broadcast.json --repeat 5`, \
        `faultline bench scenarios/bench/pingpong.json --repeat 5`.\n\n",
    );
    let short = bench_json(
        faultline,
        &[
            "scenarios/bench/broadcast.json",
            "--repeat",
            "1",
            "--duration",
            "10s",
        ],
    )?;
    let long = bench_json(
        faultline,
        &[
            "scenarios/bench/broadcast.json",
            "--repeat",
            "1",
            "--duration",
            "100s",
        ],
    )?;
    let _ = writeln!(
        doc,
        "Memory stays flat as a run grows (no trace file requested): broadcast for 10 simulated s \
            peaks at {} KiB, for 100 simulated s at {} KiB (`faultline bench \
            scenarios/bench/broadcast.json --repeat 1 --duration 100s`).\n",
        short["peak_rss_kib"], long["peak_rss_kib"]
    );
    Ok(())
}

fn protocol_section(faultline: &str, doc: &mut String) -> Result<()> {
    let present = cmd::default_scenarios(faultline)?;
    if present.is_empty() {
        return Ok(());
    }
    doc.push_str(
        "## Protocols under the nemesis\n\nTarget (Raft): at least 1M events/s on the \
        default scenario. Invariants are checked after every event and the client history for \
        linearizability at the end; both are included.\n\n",
    );
    doc.push_str(
        "| scenario | events per run | events/s | simulated s per wall s | wall per run | \
        peak RSS |\n|---|---|---|---|---|---|\n",
    );
    for scenario in present {
        let r = bench_json(faultline, &[&scenario, "--repeat", "5"])?;
        let _ = writeln!(
            doc,
            "| `{scenario}` | {} | {} | {:.0} | {:.1} ms | {} MiB |",
            r["events"],
            millions(&r["events_per_second"]),
            r["sim_seconds_per_wall_second"].as_f64().unwrap_or(0.0),
            r["wall_ns_median"].as_f64().unwrap_or(0.0) / 1e6,
            r["peak_rss_kib"].as_u64().unwrap_or(0) / 1024,
        );
    }
    doc.push_str("\nCommand: `faultline bench SCENARIO --repeat 5` (seed 0 of the scenario).\n\n");
    Ok(())
}

/// Scenarios whose throughput under message loss is reported: (title, file).
const LOSS_SCENARIOS: &[(&str, &str)] = &[
    (
        "raft, 10% loss",
        "scenarios/raft/throughput_under_loss.json",
    ),
    (
        "paxos, competing proposers, 10% loss",
        "scenarios/paxos/competing_under_loss.json",
    ),
];

/// Seeds each loss scenario runs, so one unlucky seed does not make the figure.
const LOSS_SEEDS: u64 = 8;

/// Operations completed per simulated second under loss: deterministic (simulated
/// time, not wall time), so a change in the figure is a change in the protocol.
fn loss_section(faultline: &str, doc: &mut String) -> Result<()> {
    doc.push_str(
        "## Operations per second under loss

Client operations completed per simulated second (all operations of seeds 0..8 over the sum of \
their simulated run times; clients send back to back), so the figure does not depend on the machine.

",
    );
    doc.push_str(
        "| scenario | operations | simulated s | operations per simulated s |\n|---|---|---|---|\n",
    );
    for (title, scenario) in LOSS_SCENARIOS {
        let (mut ops, mut sim_ns) = (0u64, 0u64);
        for seed in 0..LOSS_SEEDS {
            let seed = seed.to_string();
            let text = output(faultline, &["run", scenario, "--seed", &seed, "--json"])?;
            let run: Value =
                serde_json::from_str(text.trim()).with_context(|| format!("run output: {text}"))?;
            ops += run["client_ops_completed"].as_u64().unwrap_or(0);
            sim_ns += run["sim_time_ns"].as_u64().unwrap_or(0);
        }
        let sim_s = sim_ns as f64 / 1e9;
        let _ = writeln!(
            doc,
            "| {title} (`{scenario}`) | {ops} | {sim_s:.2} | {:.1} |",
            ops as f64 / sim_s.max(1e-9)
        );
    }
    doc.push_str(
        "\nCommand: `faultline run SCENARIO --seed N --json` for N in 0..8 \
        (`client_ops_completed` / `sim_time_ns`).\n\n",
    );
    Ok(())
}

fn fuzz_section(faultline: &str, doc: &mut String) -> Result<()> {
    let present = cmd::default_scenarios(faultline)?;
    if present.is_empty() {
        return Ok(());
    }
    doc.push_str(
        "## Fuzzing throughput\n\nSeeds per second including every checker (invariants \
        after each event, linearizability at the end). Target: at least 100 seeds/s per core on a \
        10-simulated-second run; throughput should scale with cores.\n\n",
    );
    doc.push_str(
        "| scenario | seeds | --jobs 1, seeds/s | --jobs 2, seeds/s | scaling \
        |\n|---|---|---|---|---|\n",
    );
    for scenario in present {
        let mut rates = Vec::new();
        for jobs in ["1", "2"] {
            rates.push(fuzz_seeds_per_second(
                faultline,
                &scenario,
                "0..400",
                &["--jobs", jobs],
            )?);
        }
        let _ = writeln!(
            doc,
            "| `{scenario}` | 0..400 | {:.0} | {:.0} | {:.2}x |",
            rates[0],
            rates[1],
            rates[1] / rates[0].max(1e-9)
        );
    }
    doc.push_str(
        "\nCommand: `faultline fuzz SCENARIO --seeds 0..400 --jobs N --keep-going --json`.\n\n",
    );
    Ok(())
}

/// Seeds per second of `fuzz SCENARIO --seeds SEEDS --keep-going` with `extra`
/// arguments, from the campaign's JSON summary.
pub(crate) fn fuzz_seeds_per_second(
    binary: &str,
    scenario: &str,
    seeds: &str,
    extra: &[&str],
) -> Result<f64> {
    let mut args = vec!["fuzz", scenario, "--seeds", seeds, "--keep-going", "--json"];
    args.extend_from_slice(&["--out", "target/bench-fuzz"]);
    args.extend_from_slice(extra);
    let text = output(binary, &args)?;
    let summary = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v.get("seeds_run").is_some())
        .context("fuzz summary line")?;
    Ok(summary["seeds_per_second"].as_f64().unwrap_or(0.0))
}

fn checker_section(doc: &mut String) -> Result<()> {
    let example = root().join("crates/check/examples/corpus_bench.rs");
    if !example.exists() {
        return Ok(());
    }
    let Ok(corpus) = std::env::var("FAULTLINE_CORPUS") else {
        eprintln!("bench: FAULTLINE_CORPUS is not set; the checker section is left out");
        return Ok(());
    };
    let text = output(
        "cargo",
        &[
            "run",
            "--release",
            "--quiet",
            "-p",
            "faultline-check",
            "--example",
            "corpus_bench",
            "--",
            &corpus,
        ],
    )?;
    doc.push_str(text.trim_end());
    doc.push_str(
        "\n\nCommand: `cargo run --release -p faultline-check --example corpus_bench -- \
        $FAULTLINE_CORPUS`.\n\n",
    );
    Ok(())
}

/// The bughunt section of the current BENCHMARKS.md, kept as it is.
fn bughunt_section_kept() -> String {
    let empty = "## Bug hunt\n\nNot run yet: `cargo xtask bughunt`.\n";
    kept_section(BUGHUNT_START, BUGHUNT_END, empty)
}

/// A marked section of the current BENCHMARKS.md, or `fallback` inside the markers
/// (nothing when `fallback` is empty).
fn kept_section(start_marker: &str, end_marker: &str, fallback: &str) -> String {
    let current = std::fs::read_to_string(root().join("BENCHMARKS.md")).unwrap_or_default();
    match (current.find(start_marker), current.find(end_marker)) {
        (Some(start), Some(end)) if start < end => {
            format!("{}\n\n", &current[start..end + end_marker.len()])
        }
        _ if fallback.is_empty() => String::new(),
        _ => format!("{start_marker}\n{fallback}{end_marker}\n\n"),
    }
}

/// Replaces the marked section of BENCHMARKS.md (markers included in `section`),
/// or appends it when the file has none.
pub fn replace_section(start_marker: &str, end_marker: &str, section: &str) -> Result<()> {
    let path = root().join("BENCHMARKS.md");
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    let doc = match (current.find(start_marker), current.find(end_marker)) {
        (Some(start), Some(end)) if start < end => format!(
            "{}{}{}",
            &current[..start],
            section.trim_end(),
            &current[end + end_marker.len()..]
        ),
        (None, None) => format!("{}\n\n{}\n", current.trim_end(), section.trim_end()),
        _ => anyhow::bail!("BENCHMARKS.md has a broken {start_marker} section; fix the markers"),
    };
    write_benchmarks(&doc)
}

/// Writes BENCHMARKS.md atomically.
pub fn write_benchmarks(doc: &str) -> Result<()> {
    let path = root().join("BENCHMARKS.md");
    let temp = root().join(".BENCHMARKS.md.tmp");
    std::fs::write(&temp, doc)?;
    std::fs::rename(&temp, &path)?;
    eprintln!("wrote {}", path.display());
    Ok(())
}
