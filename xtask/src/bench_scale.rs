//! Two sections of `cargo xtask bench` about size, not speed on one shape:
//!
//! - `scale`: what an event costs as clusters grow. The gossip example (about a
//!   million events at every size, 5 to 10,000 nodes) and Raft (the same workload
//!   on 5 to 1,000 nodes) from `benches/scale/`: events per second and peak
//!   memory at each size, each size in a fresh process so the memory is its own.
//! - `long`: whether a run stays as fast and as small the longer it goes. The Raft
//!   nemesis with snapshots and the 2PC nemesis from `benches/long/`, 1, 10
//!   and 60 simulated minutes each, with their operations scaled to the duration so
//!   the load is the same throughout.
//!
//! Both read `faultline bench --json`; the commands are printed beside the tables.

use crate::bench::{bench_json, millions};
use anyhow::Result;
use serde_json::Value;
use std::fmt::Write;

/// Cluster sizes measured per protocol, smallest first (the ratio column is against it).
const SCALE: &[(&str, &[u32])] = &[
    ("gossip", &[5, 50, 200, 1_000, 10_000]),
    ("raft", &[5, 50, 200, 1_000]),
];

/// Runs timed per size (the median is reported).
const SCALE_REPEAT: &str = "5";
/// Runs a long-run row's events/s is the median of.
const LONG_REPEAT: &str = "3";

/// Long-run scenarios per protocol and the simulated minutes of each.
const LONG: &[(&str, &str)] = &[("raft", "Raft nemesis"), ("twopc", "2PC nemesis")];
const LONG_MINUTES: &[u32] = &[1, 10, 60];

pub fn scale_section(faultline: &str, doc: &mut String) -> Result<()> {
    doc.push_str(
        "## Scaling with nodes\n\nTarget (issue 15): events/s at the largest size within 2x of \
        the smallest, peak memory linear in nodes. Gossip (`benches/scale/gossip_N.json`: \
        a rumor per 10 ms across the cluster, each forwarded to 3 peers, 1-20 ms latency, no \
        faults) runs about 1,000,000 events at every size; Raft \
        (`benches/scale/raft_N.json`) runs 3 clients making 300 operations, 1-20 ms \
        latency, 10 s, no faults. Every check is on (gossip's `delivered_once`, Raft's \
        invariants after every event and linearizability at the end). Each size runs in a fresh \
        process.\n\n",
    );
    doc.push_str(
        "| protocol | nodes | events per run | events/s | vs the smallest | peak RSS | \
        RSS per node over the smallest |\n|---|---|---|---|---|---|---|\n",
    );
    for (protocol, sizes) in SCALE {
        let mut smallest = None;
        for &nodes in *sizes {
            let file = format!("benches/scale/{protocol}_{nodes}.json");
            let r = bench_json(faultline, &[&file, "--repeat", SCALE_REPEAT])?;
            let rate = r["events_per_second"].as_f64().unwrap_or(0.0);
            // Memory from one run in its own process: runs repeated in one process
            // also hold what the allocator kept between them, which varied by 20 MB
            // from one invocation to the next at 1,000 Raft nodes.
            let single = bench_json(faultline, &[&file, "--repeat", "1"])?;
            let rss_kib = single["peak_rss_kib"].as_u64().unwrap_or(0) as f64;
            let (base_nodes, base_rate, base_rss_kib) =
                *smallest.get_or_insert((nodes, rate, rss_kib));
            let per_node = match nodes - base_nodes {
                0 => "-".to_string(),
                more => format!("{:.1} KiB", (rss_kib - base_rss_kib) / f64::from(more)),
            };
            let _ = writeln!(
                doc,
                "| {protocol} | {} | {} | {} | {:.2}x | {} | {per_node} |",
                thousands(u64::from(nodes)),
                thousands(r["events"].as_u64().unwrap_or(0)),
                millions(&r["events_per_second"]),
                rate / base_rate.max(1e-9),
                mib(rss_kib as u64),
            );
        }
    }
    let _ = write!(
        doc,
        "\nCommand: `faultline bench benches/scale/PROTOCOL_N.json --repeat \
        {SCALE_REPEAT}` (seed 1 of each file) for events/s, and `--repeat 1` in a process of its \
        own for peak RSS; \"vs the smallest\" is events/s over the 5-node \
        figure of the same protocol, and RSS per node the peak over the 5-node run's, per node \
        added: flat when memory is linear in nodes.\n\n"
    );
    Ok(())
}

pub fn long_section(faultline: &str, doc: &mut String) -> Result<()> {
    doc.push_str(
        "## Long runs\n\nTarget (issue 15): one simulated hour of the Raft nemesis with \
        snapshots and of the 2PC nemesis with memory and events/s flat. Each scenario is its \
        protocol's nemesis with the operations scaled to the duration \
        (`benches/long/PROTOCOL_nemesis_{1m,10m,60m}.json`), so the clients neither \
        run dry nor fall behind: `faultline bench --duration` alone would stretch the same \
        operations thinner. Events per simulated second show whether the protocol's work \
        grows with time; events/s (wall) whether the simulator's and checkers' cost per event \
        does. Wall time includes the linearizability check (a stream fed as the run goes; \
        the whole history at the end only when the stream does not pass).\n\n",
    );
    doc.push_str(
        "| scenario | simulated | events | events per simulated s | events/s | peak RSS | \
        verdict |\n|---|---|---|---|---|---|---|\n",
    );
    for (protocol, title) in LONG {
        for minutes in LONG_MINUTES {
            let file = format!("benches/long/{protocol}_nemesis_{minutes}m.json");
            // Events/s as the median of three (a minute runs in about 10 ms, too short
            // for one run to say); memory from one run in a process of its own.
            let mut r = bench_json(faultline, &[&file, "--repeat", LONG_REPEAT])?;
            let single = bench_json(faultline, &[&file, "--repeat", "1"])?;
            r["peak_rss_kib"] = single["peak_rss_kib"].clone();
            long_row(doc, title, *minutes, &r);
        }
    }
    doc.push_str(&format!(
        "\nCommand: `faultline bench benches/long/PROTOCOL_nemesis_Mm.json --repeat \
        {LONG_REPEAT}` (seed 0) for events/s, and `--repeat 1` in a process of its own for \
        peak RSS. A run the watchdog stops (`runaway`: past 20M events and 2M per \
        simulated second) is cut short: its simulated time is where it stopped.\n\n",
    ));
    Ok(())
}

fn long_row(doc: &mut String, title: &str, minutes: u32, r: &Value) {
    let events = r["events"].as_u64().unwrap_or(0);
    let sim_s = r["sim_time_ns"].as_f64().unwrap_or(0.0) / 1e9;
    let _ = writeln!(
        doc,
        "| {title}, {minutes} min | {sim_s:.0} s | {} | {:.0} | {} | {} | {} |",
        thousands(events),
        events as f64 / sim_s.max(1e-9),
        millions(&r["events_per_second"]),
        mib(r["peak_rss_kib"].as_u64().unwrap_or(0)),
        verdict(r),
    );
}

/// The run's verdict, with the property a failing run broke.
fn verdict(r: &Value) -> String {
    let verdict = r["verdict"].as_str().unwrap_or("?");
    match r["property"].as_str() {
        Some(property) if verdict != "pass" => format!("{verdict} ({property})"),
        _ => verdict.to_string(),
    }
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}
