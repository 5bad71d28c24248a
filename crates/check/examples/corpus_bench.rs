//! Checker benchmark over Porcupine's histories, printed as the `## Checker` section
//! of BENCHMARKS.md: check time only (parsing excluded), median of 5 runs, beside
//! Porcupine's own figures from the corpus's EXPECTED.md (same machine class).
//!
//! `cargo run --release -p faultline-check --example corpus_bench -- [CORPUS_DIR]`

use faultline_check::check::check_kind;
use faultline_check::import::{parse, Format};
use faultline_check::models::{CasFail, ModelKind};
use faultline_check::{CheckOptions, History, Verdict};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const RUNS: usize = 5;

fn median_check(history: &History, model: ModelKind) -> (Duration, Verdict) {
    let mut times = Vec::new();
    let mut verdict = Verdict::Unknown;
    for _ in 0..RUNS {
        let started = Instant::now();
        verdict = check_kind(history, model, &CheckOptions::default()).verdict;
        times.push(started.elapsed());
    }
    times.sort();
    (times[RUNS / 2], verdict)
}

fn load(path: &PathBuf, format: Format) -> History {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse(&text, format).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn peak_rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .unwrap_or(0)
        / 1024
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data/porcupine"));
    let mut etcd = Vec::new();
    for n in 0..=102 {
        let path = dir.join(format!("jepsen/etcd_{n:03}.log"));
        if std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) == 0 {
            continue;
        }
        let history = load(&path, Format::PorcupineEtcd);
        let (time, _) = median_check(&history, ModelKind::CasRegister(CasFail::Etcd));
        etcd.push((n, time));
    }
    let total: Duration = etcd.iter().map(|(_, t)| *t).sum();
    let mut sorted: Vec<Duration> = etcd.iter().map(|(_, t)| *t).collect();
    sorted.sort();
    let worst = etcd
        .iter()
        .max_by_key(|(_, t)| *t)
        .copied()
        .unwrap_or((0, Duration::ZERO));
    println!("## Checker\n");
    println!("Linearizability check time on Porcupine's test histories (parse excluded, median of {RUNS} runs, release build), beside Porcupine's figures from `../shared/data/porcupine/EXPECTED.md` (Go, same machine class). Targets: all 102 etcd histories under 100 ms and none over 20 ms; kv c50-ok under 30 ms; c10 as one whole map under 200 ms; c50-bad with every key resolved under 5 s; peak memory under 50 MB.\n");
    println!("| history | faultline | Porcupine |\n|---|---|---|");
    println!(
        "| etcd, all {} files, sum | {} | 513 ms |",
        etcd.len(),
        ms(total)
    );
    println!(
        "| etcd median / p90 / worst file | {} / {} / {} (etcd_{:03}) | 0.131 / 0.95 / 184 ms (etcd_002) |",
        ms(sorted[sorted.len() / 2]),
        ms(sorted[sorted.len() * 9 / 10]),
        ms(worst.1),
        worst.0
    );
    for (name, model, porcupine) in [
        ("c01-ok", ModelKind::Kv, "0.06-0.12 ms"),
        ("c01-bad", ModelKind::Kv, "0.06-0.12 ms"),
        ("c10-ok", ModelKind::Kv, "0.5-0.65 ms"),
        ("c10-bad", ModelKind::Kv, "0.5-0.65 ms"),
        ("c50-ok", ModelKind::Kv, "154 ms"),
        (
            "c50-bad",
            ModelKind::Kv,
            "28.6 ms (keys 9 and 0 unknown after 20 s each when run to the end)",
        ),
        ("c10-ok", ModelKind::KvWhole, "2.0 s"),
        ("c10-bad", ModelKind::KvWhole, "2.1 s"),
    ] {
        let history = load(&dir.join(format!("kv/{name}.txt")), Format::Edn);
        let (time, verdict) = median_check(&history, model);
        let how = if model == ModelKind::KvWhole {
            "one whole-map state"
        } else {
            "by key, every key to the end"
        };
        println!(
            "| kv {name}, {how} | {} ({verdict:?}) | {porcupine} |",
            ms(time)
        );
    }
    println!(
        "\nPeak memory of the whole benchmark process: {} MiB (VmHWM).",
        peak_rss_mib()
    );
}
