//! Times the check of one history file, for profiling under perf or valgrind:
//! `one_file PATH [kv|kv-whole|cas-etcd|...]`. Prints the verdict, time and peak memory.

use faultline_check::check::check_kind;
use faultline_check::import::{parse, Format};
use faultline_check::models::{CasFail, ModelKind};
use faultline_check::CheckOptions;
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("a history file");
    let text = std::fs::read_to_string(&path).expect("readable");
    let format = Format::detect(&text);
    let history = parse(&text, format).expect("valid");
    let model = match std::env::args().nth(2).as_deref() {
        Some("kv-whole") => ModelKind::KvWhole,
        Some(name) => ModelKind::parse(name).expect("a model name"),
        None if format == Format::PorcupineEtcd => ModelKind::CasRegister(CasFail::Etcd),
        None => ModelKind::Kv,
    };
    let model = match model {
        ModelKind::CasRegister(_) if format == Format::PorcupineEtcd => {
            ModelKind::CasRegister(CasFail::Etcd)
        }
        other => other,
    };
    for _ in 0..5 {
        let started = Instant::now();
        let report = check_kind(&history, model, &CheckOptions::default());
        println!("{:?} in {:?}", report.verdict, started.elapsed());
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status.lines().find(|l| l.starts_with("VmHWM:"));
    println!("{}", peak.unwrap_or("VmHWM: unknown"));
}
