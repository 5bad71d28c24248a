//! `faultline check HISTORY --model list-append|rw-register [--consistency MODEL]`:
//! transactional histories judged by the isolation checker (faultline-isolation).
//! Exit 0 when the history can have the consistency model, 1 when it cannot (the
//! anomalies it forbids are named and explained), 3 on bad input (file and line).

use crate::check_cmd::CheckArgs;
use faultline_check::import::{decode, Format};
use faultline_isolation::{check, parse_edn, parse_jsonl, Consistency, TxnModel};
use std::time::Instant;

/// The consistency model judged when none is named.
pub const CONSISTENCY_DEFAULT: &str = "serializable";

/// Checks a transactional history of `model`; the exit code.
pub fn run(args: &CheckArgs, model: TxnModel) -> anyhow::Result<i32> {
    match checked(args, model) {
        Ok((report, wall_ns)) => {
            if args.json {
                let mut object = serde_json::to_value(&report)?;
                object["wall_ns"] = serde_json::json!(wall_ns);
                crate::output::emit(&format!("{object}\n"));
            } else {
                crate::output::emit(&format!(
                    "{report}checked in {:.2} ms\n",
                    wall_ns as f64 / 1e6
                ));
            }
            Ok(if report.valid { 0 } else { 1 })
        }
        Err(message) => Ok(crate::check_cmd::refuse(args, &message)),
    }
}

fn checked(
    args: &CheckArgs,
    model: TxnModel,
) -> Result<(faultline_isolation::IsolationReport, u64), String> {
    let name_of_consistency = args.consistency.as_deref().unwrap_or(CONSISTENCY_DEFAULT);
    let consistency = Consistency::parse(name_of_consistency).ok_or_else(|| {
        format!(
            "--consistency {name_of_consistency}: expected read-committed, snapshot-isolation, \
                serializable or strict-serializable"
        )
    })?;
    let (name, bytes) = crate::check_cmd::history_bytes(&args.history)?;
    let text = decode(&bytes).map_err(|e| format!("{name}:{}: {}", e.line, e.message))?;
    let format = Format::parse(&args.format)
        .ok_or_else(|| format!("--format {}: expected auto, edn or jsonl", args.format))?
        .unwrap_or_else(|| Format::detect(text));
    let history = match format {
        Format::Edn => parse_edn(text, model),
        Format::Jsonl => parse_jsonl(text, model),
        Format::PorcupineEtcd => {
            return Err(format!(
                "{name}: Porcupine etcd logs hold no transactions; use edn or jsonl"
            ))
        }
    }
    .map_err(|e| {
        format!(
            "{name}:{}: {} (read as {})",
            e.line,
            e.message,
            format.name()
        )
    })?;
    if history.txns.is_empty() {
        return Err(format!("{name}: no transactions found"));
    }
    let started = Instant::now();
    let report = check(&history, model, consistency);
    let wall_ns = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
    Ok((report, wall_ns))
}
