//! The isolation checker's throughput and memory on large list-append histories.
//! Histories are generated here, deterministically: 10 processes run transactions of
//! one to four operations (appends and reads) over a window of 8 active keys that
//! moves on every 40 appends, as Jepsen's list-append workload does; transactions
//! take effect in completion order, so the history is serializable and every read is
//! real. The figure is `faultline check --model list-append` on 10,000 and 100,000
//! transactions, release build, with its peak resident memory.

use anyhow::{Context, Result};
use std::fmt::Write;
use std::path::Path;
use std::process::Command;

const SIZES: [usize; 2] = [10_000, 100_000];
const PROCESSES: usize = 10;
const ACTIVE_KEYS: u64 = 8;
const APPENDS_PER_KEY: u64 = 40;

pub fn section(faultline: &str, doc: &mut String) -> Result<()> {
    doc.push_str(
        "## Isolation checker\n\n`faultline check HISTORY --model list-append \
         --consistency strict-serializable` on generated serializable list-append \
         histories (10 processes, 1-4 operations per transaction, 8 active keys rotating \
         every 40 appends). Peak memory is the whole process's.\n\n",
    );
    doc.push_str(
        "| transactions | history size | check time | transactions/s | dependency edges \
        | peak RSS |\n|---|---|---|---|---|---|\n",
    );
    let dir =
        std::env::temp_dir().join(format!("faultline-bench-isolation-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    for size in SIZES {
        let path = dir.join(format!("list-append-{size}.edn"));
        std::fs::write(&path, generate(size))?;
        let _ = writeln!(doc, "{}", row(faultline, &path, size)?);
    }
    let _ = std::fs::remove_dir_all(&dir);
    doc.push_str(
        "\nCommand: `cargo xtask bench` writes the histories, then `faultline check FILE \
         --model list-append --consistency strict-serializable --json` (check time is the \
         checker's own `wall_ns`; peak RSS from `/usr/bin/time`).\n\n",
    );
    Ok(())
}

fn row(faultline: &str, path: &Path, size: usize) -> Result<String> {
    let file = path.to_str().context("a UTF-8 temp path")?;
    let args = [
        "check",
        file,
        "--model",
        "list-append",
        "--consistency",
        "strict-serializable",
        "--json",
    ];
    let timed = Path::new("/usr/bin/time").exists();
    let output = if timed {
        Command::new("/usr/bin/time")
            .arg("-f")
            .arg("%M")
            .arg(faultline)
            .args(args)
            .output()?
    } else {
        Command::new(faultline).args(args).output()?
    };
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .with_context(|| format!("check output: {}", String::from_utf8_lossy(&output.stderr)))?;
    anyhow::ensure!(
        report["valid"] == true,
        "a generated history must be valid: {report}"
    );
    let seconds = report["wall_ns"].as_f64().unwrap_or(0.0) / 1e9;
    let rss = if timed {
        let kb: f64 = String::from_utf8_lossy(&output.stderr)
            .trim()
            .lines()
            .last()
            .unwrap_or("0")
            .parse()
            .unwrap_or(0.0);
        format!("{:.0} MB", kb / 1024.0)
    } else {
        "?".into()
    };
    Ok(format!(
        "| {size} | {:.1} MB | {seconds:.3} s | {:.0} | {} | {rss} |",
        std::fs::metadata(path)?.len() as f64 / 1e6,
        size as f64 / seconds.max(1e-9),
        report["edges"]
    ))
}

/// A serializable list-append history of `txns` transactions as EDN text.
pub fn generate(txns: usize) -> String {
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        rng = rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let mut lists: std::collections::BTreeMap<u64, Vec<u64>> = Default::default();
    let (mut appends, mut value) = (0u64, 0u64);
    let mut open: Vec<(usize, Vec<(bool, u64)>)> = Vec::new();
    let mut text = String::with_capacity(txns * 160);
    let mut started = 0;
    while started < txns || !open.is_empty() {
        let start =
            started < txns && (open.len() < PROCESSES && next() % 2 == 0 || open.is_empty());
        if start {
            let busy: Vec<usize> = open.iter().map(|(p, _)| *p).collect();
            let process = (0..PROCESSES).find(|p| !busy.contains(p)).unwrap_or(0);
            let base = appends / APPENDS_PER_KEY;
            let mops: Vec<(bool, u64)> = (0..1 + next() % 4)
                .map(|_| (next() % 2 == 0, base + next() % ACTIVE_KEYS))
                .collect();
            let shown: Vec<String> = mops
                .iter()
                .map(|(append, key)| {
                    if *append {
                        format!("[:append {key} ?]")
                    } else {
                        format!("[:r {key} nil]")
                    }
                })
                .collect();
            let _ = writeln!(
                text,
                "{{:process {process}, :type :invoke, :f :txn, :value [{}]}}",
                shown.join(" ").replace(" ?]", " 0]")
            );
            open.push((process, mops));
            started += 1;
            continue;
        }
        let (process, mops) = open.remove((next() % open.len() as u64) as usize);
        let mut done = Vec::new();
        for (append, key) in mops {
            let list = lists.entry(key).or_default();
            if append {
                value += 1;
                appends += 1;
                list.push(value);
                done.push(format!("[:append {key} {value}]"));
            } else {
                let seen: Vec<String> = list.iter().map(u64::to_string).collect();
                done.push(format!("[:r {key} [{}]]", seen.join(" ")));
            }
        }
        let _ = writeln!(
            text,
            "{{:process {process}, :type :ok, :f :txn, :value [{}]}}",
            done.join(" ")
        );
    }
    text
}
