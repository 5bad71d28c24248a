//! Times the check of one history file (for profiling): `one_file PATH MODEL`.
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
    let model = match format {
        Format::PorcupineEtcd => ModelKind::CasRegister(CasFail::Etcd),
        _ => ModelKind::Kv,
    };
    for _ in 0..5 {
        let started = Instant::now();
        let report = check_kind(&history, model, &CheckOptions::default());
        println!("{:?} in {:?}", report.verdict, started.elapsed());
    }
}
