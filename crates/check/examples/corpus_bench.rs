//! Checker benchmark over Porcupine's test histories, printed as the `## Checker`
//! section of BENCHMARKS.md: check time only (parsing excluded), median of 5 runs,
//! beside Porcupine's own reference timings as published with the corpus (Go,
//! Porcupine commit 55508eb, a 2-core VM of the same class).
//!
//! `cargo run --release -p faultline-check --example corpus_bench -- [CORPUS_DIR]`
//! (default: `$FAULTLINE_CORPUS`; the corpus is not part of this repository). Every verdict is
//! compared with the expected one; a mismatch is printed in the table and makes the
//! program exit 1.

use faultline_check::import::{parse, Format};
use faultline_check::{
    check_kind, CasFail, CheckOptions, CheckReport, History, ModelKind, Verdict,
};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const RUNS: usize = 5;

/// The median check time over [`RUNS`] runs, and the last run's report.
fn median_check(history: &History, model: ModelKind) -> (Duration, CheckReport) {
    let mut times = Vec::with_capacity(RUNS);
    let mut report = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        let checked = check_kind(history, model, &CheckOptions::default());
        times.push(started.elapsed());
        report = Some(checked);
    }
    times.sort();
    (times[RUNS / 2], report.expect("at least one run"))
}

fn load(path: &Path, format: Format) -> History {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse(&text, format).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms < 1.0 {
        format!("{ms:.3} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

/// The expected etcd verdicts from `expected.tsv`: (file, linearizable).
fn expected_etcd(dir: &Path) -> Vec<(String, bool)> {
    let table = std::fs::read_to_string(dir.join("expected.tsv")).unwrap_or_default();
    table
        .lines()
        .skip(1)
        .filter_map(|row| {
            let cols: Vec<&str> = row.split('\t').collect();
            let file = *cols.first()?;
            let nonempty = std::fs::metadata(dir.join(file)).is_ok_and(|m| m.len() > 0);
            (file.starts_with("jepsen/") && nonempty && cols.len() > 2)
                .then(|| (file.to_string(), cols[2] == "true"))
        })
        .collect()
}

fn verdict_of(linearizable: bool) -> Verdict {
    if linearizable {
        Verdict::Linearizable
    } else {
        Verdict::NotLinearizable
    }
}

/// "10 keys: 10 not linearizable, 0 unknown" for a partitioned report.
fn partition_summary(report: &CheckReport) -> String {
    let count = |v: Verdict| report.partitions.iter().filter(|p| p.verdict == v).count();
    format!(
        "{} keys: {} not linearizable, {} unknown",
        report.partitions.len(),
        count(Verdict::NotLinearizable),
        count(Verdict::Unknown)
    )
}

struct Etcd {
    files: usize,
    total: Duration,
    median: Duration,
    p90: Duration,
    worst: (String, Duration),
    mismatches: Vec<String>,
}

fn bench_etcd(dir: &Path) -> Etcd {
    let mut times = Vec::new();
    let mut mismatches = Vec::new();
    for (file, linearizable) in expected_etcd(dir) {
        let history = load(&dir.join(&file), Format::PorcupineEtcd);
        let (time, report) = median_check(&history, ModelKind::CasRegister(CasFail::Etcd));
        if report.verdict != verdict_of(linearizable) {
            mismatches.push(format!("{file}: got {:?}", report.verdict));
        }
        times.push((file, time));
    }
    let mut sorted: Vec<Duration> = times.iter().map(|(_, t)| *t).collect();
    sorted.sort();
    let worst = times
        .iter()
        .max_by_key(|(_, t)| *t)
        .cloned()
        .unwrap_or_default();
    Etcd {
        files: times.len(),
        total: sorted.iter().sum(),
        median: sorted.get(sorted.len() / 2).copied().unwrap_or_default(),
        p90: sorted
            .get(sorted.len() * 9 / 10)
            .copied()
            .unwrap_or_default(),
        worst,
        mismatches,
    }
}

/// The kv rows: (file, model, how, Porcupine's figure, expected linearizable).
const KV_ROWS: [(&str, ModelKind, &str, &str, bool); 8] = [
    ("c01-ok", ModelKind::Kv, "by key", "0.06-0.12 ms", true),
    ("c01-bad", ModelKind::Kv, "by key", "0.06-0.12 ms", false),
    ("c10-ok", ModelKind::Kv, "by key", "0.5-0.65 ms", true),
    ("c10-bad", ModelKind::Kv, "by key", "0.5-0.65 ms", false),
    (
        "c50-ok",
        ModelKind::Kv,
        "by key",
        "154 ms (60 MB peak RSS)",
        true,
    ),
    (
        "c50-bad",
        ModelKind::Kv,
        "by key, every key checked to the end",
        "28.6 ms to the first violation; run to the end, keys 9 and 0 still unknown after 20 s \
            each, keys 7 and 5 took 8.5 s and 9.1 s",
        false,
    ),
    (
        "c10-ok",
        ModelKind::KvWhole,
        "one whole-map state",
        "2.0 s (283 MB peak RSS)",
        true,
    ),
    (
        "c10-bad",
        ModelKind::KvWhole,
        "one whole-map state",
        "2.1 s",
        false,
    ),
];

fn main() {
    let dir = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("FAULTLINE_CORPUS").ok())
        .map(PathBuf::from)
        .unwrap_or_default();
    if !dir.join("expected.tsv").exists() {
        eprintln!("corpus_bench: no Porcupine corpus at {}", dir.display());
        std::process::exit(2);
    }
    let etcd = bench_etcd(&dir);
    let mut mismatches = etcd.mismatches.clone();
    println!("## Checker\n");
    println!(
        "`faultline check` (crate `faultline-check`) on Porcupine's test histories: check time \
         only (parsing excluded), median of {RUNS} runs, release build, partitions checked in \
         parallel on this machine's cores. Porcupine's figures are the reference timings \
         published with its test corpus (Go, Porcupine commit 55508eb, 2-core VM of the same \
         class). Regenerate: `cargo run --release -p faultline-check --example corpus_bench`.\n"
    );
    println!("| history | faultline | target | Porcupine |\n|---|---|---|---|");
    println!(
        "| etcd, all {} files (etcd CAS reading), sum | {} | < 100 ms | 513 ms |",
        etcd.files,
        ms(etcd.total)
    );
    println!(
        "| etcd median / p90 / worst file | {} / {} / {} ({}) | worst < 20 ms | 0.131 ms / 0.95 ms \
            / 184 ms (etcd_002) |",
        ms(etcd.median),
        ms(etcd.p90),
        ms(etcd.worst.1),
        etcd.worst.0.trim_start_matches("jepsen/").trim_end_matches(".log")
    );
    for (name, model, how, porcupine, linearizable) in KV_ROWS {
        let history = load(&dir.join(format!("kv/{name}.txt")), Format::Edn);
        let (time, report) = median_check(&history, model);
        if report.verdict != verdict_of(linearizable) {
            mismatches.push(format!("kv/{name} {how}: got {:?}", report.verdict));
        }
        let detail = if name == "c50-bad" {
            format!("{:?}; {}", report.verdict, partition_summary(&report))
        } else {
            format!("{:?}", report.verdict)
        };
        let target = match (name, model) {
            ("c50-ok", _) => "< 30 ms",
            ("c50-bad", _) => "every key resolved, < 5 s",
            (_, ModelKind::KvWhole) => "< 200 ms",
            _ => "",
        };
        println!(
            "| kv {name}, {how} | {} ({detail}) | {target} | {porcupine} |",
            ms(time)
        );
    }
    println!(
        "| peak memory of this whole benchmark process (VmHWM) | {:.1} MiB | < 50 MB | 60 MB \
            (c50-ok), 283 MB (c10-ok whole map) |",
        peak_rss_mib()
    );
    if !mismatches.is_empty() {
        println!("\n**Verdict mismatches:** {}", mismatches.join("; "));
        std::process::exit(1);
    }
    println!(
        "\nAll {} verdicts match Porcupine's expected ones (`expected.tsv`).",
        etcd.files + KV_ROWS.len()
    );
}
