//! `faultline check HISTORY --model MODEL`: is a recorded history linearizable?
//!
//! Reads Jepsen EDN, Porcupine etcd logs or faultline JSON Lines (`--format auto`
//! detects which). Exit 0 linearizable, 1 not (with a counterexample), 2 unknown within
//! the step budget, 3 bad input.

use crate::exit::{usage_error, Exit};
use crate::files::read_text;
use clap::Args;
use faultline_check::check::check_kind;
use faultline_check::import::{parse, Format};
use faultline_check::models::{CasFail, ModelKind};
use faultline_check::CheckOptions;
use serde_json::json;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The history file.
    pub history: PathBuf,
    /// register | cas-register | kv | mutex
    #[arg(long)]
    pub model: String,
    /// auto | edn | porcupine-etcd | jsonl
    #[arg(long, default_value = "auto")]
    pub format: String,
    /// How a failed CAS reads: knossos (did not happen) or etcd (compare found another
    /// value). Default: etcd for Porcupine etcd logs, knossos otherwise.
    #[arg(long, value_name = "knossos|etcd")]
    pub cas_fail: Option<String>,
    /// Check kv as one whole-map state instead of key by key.
    #[arg(long)]
    pub no_partition: bool,
    /// Search steps per partition before answering unknown.
    #[arg(long, value_name = "STEPS")]
    pub budget: Option<u64>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

fn bad(message: String) -> Exit {
    usage_error(anyhow::anyhow!(message))
}

pub fn check_command(args: &CheckArgs) -> Result<i32, Exit> {
    let name = args.history.display().to_string();
    let text = read_text(&args.history).map_err(usage_error)?;
    let format = Format::parse(&args.format)
        .ok_or_else(|| {
            bad(format!(
                "--format {}: expected auto, edn, porcupine-etcd or jsonl",
                args.format
            ))
        })?
        .unwrap_or_else(|| Format::detect(&text));
    let model = model_of(args, format)?;
    let history = parse(&text, format).map_err(|e| {
        bad(format!(
            "{name}:{}: {} (read as {})",
            e.line,
            e.message,
            format.name()
        ))
    })?;
    let options = CheckOptions {
        steps_max: args.budget.unwrap_or(CheckOptions::default().steps_max),
        // Our own histories write unique values, which makes pruning sound.
        prune_unobserved_writes: format == Format::Jsonl,
        ..CheckOptions::default()
    };
    let started = Instant::now();
    let report = check_kind(&history, model, &options);
    let wall_ns = started.elapsed().as_nanos() as u64;
    if args.json {
        let mut object = json!({
            "verdict": report.verdict,
            "model": report.model,
            "format": format.name(),
            "operations": report.operations,
            "partitions": report.partitions.len(),
            "unknown_partitions": report.partitions.iter().filter(|p| p.verdict == faultline_check::Verdict::Unknown).count(),
            "wall_ns": wall_ns,
        });
        if let Some(counterexample) = &report.counterexample {
            object["counterexample"] = serde_json::to_value(counterexample).expect("serialisable");
        }
        println!("{object}");
    } else {
        crate::output::emit(&format!(
            "{report}checked in {:.2}ms ({} format)\n",
            wall_ns as f64 / 1e6,
            format.name()
        ));
    }
    Ok(report.verdict.exit_code())
}

fn model_of(args: &CheckArgs, format: Format) -> Result<ModelKind, Exit> {
    let kind = ModelKind::parse(&args.model).ok_or_else(|| {
        bad(format!(
            "--model {}: expected register, cas-register, kv or mutex",
            args.model
        ))
    })?;
    let cas_fail = match args.cas_fail.as_deref() {
        None if format == Format::PorcupineEtcd => CasFail::Etcd,
        None | Some("knossos") => CasFail::Knossos,
        Some("etcd") => CasFail::Etcd,
        Some(other) => return Err(bad(format!("--cas-fail {other}: expected knossos or etcd"))),
    };
    Ok(match kind {
        ModelKind::CasRegister(_) => ModelKind::CasRegister(cas_fail),
        ModelKind::Kv if args.no_partition => ModelKind::KvWhole,
        other => other,
    })
}
