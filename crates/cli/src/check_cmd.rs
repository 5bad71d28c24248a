//! `faultline check HISTORY --model MODEL`: is a recorded history linearizable?
//!
//! Reads Jepsen EDN, Porcupine etcd logs or faultline JSON Lines (`--format auto`
//! detects which). Exit 0 linearizable, 1 not (with a counterexample), 2 unknown within
//! the step budget, 3 bad input (the message names the file and line): a file that is
//! not UTF-8 or does not parse, a history with no operations, or one with an operation
//! the model cannot perform (a cas for `register`, a cas value that is not `[from to]`).

use crate::exit::{usage_error, Exit, EXIT_BAD_INPUT};
use crate::files::{check_replaceable, write_output};
use crate::output::errln;
use crate::report::{history_view, REPORT_HEAD};
use clap::Args;
use faultline_check::import::{decode, parse, Format};
use faultline_check::{
    check_kind, CasFail, CheckOptions, CheckReport, History, HistoryError, ModelKind,
    STEPS_PER_PARTITION_MAX,
};
use serde_json::json;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The history file (`-`: read it from stdin).
    pub history: PathBuf,
    /// register | cas-register | kv | mutex (linearizability), or list-append |
    /// rw-register (transactions, judged against --consistency)
    #[arg(long)]
    pub model: String,
    /// For transactional models: read-committed | snapshot-isolation | serializable |
    /// strict-serializable (default serializable).
    #[arg(long, value_name = "MODEL")]
    pub consistency: Option<String>,
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
    /// Search steps per partition (per key for kv) before answering unknown. The default
    /// is the checker's one budget, which `faultline run` also uses for its
    /// linearizability check.
    #[arg(long, value_name = "STEPS", default_value_t = STEPS_PER_PARTITION_MAX)]
    pub budget: u64,
    /// Check as a stream: a JSON Lines history is read and checked a line at a time,
    /// in memory that follows its concurrency, not its length (for very long
    /// histories; a few clients per key). The counterexample names the operation and
    /// the states before it, without the longest linearization; no --html.
    #[arg(long)]
    pub stream: bool,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Also write a self-contained HTML page of the history: the operations of the key
    /// in question per process, the longest linearization found and the operation that
    /// cannot be placed (`-`: stdout).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Replace the `--html` file even if faultline did not write it.
    #[arg(long)]
    pub force: bool,
}

/// Runs the check and returns the exit code. Bad input is reported on stderr (naming
/// the file and line) and gives 3; `Err` is left for failures writing the output.
pub fn run(args: &CheckArgs) -> anyhow::Result<i32> {
    if let Some(model) = faultline_isolation::TxnModel::parse(&args.model) {
        if args.stream {
            let model = &args.model;
            let message =
                format!("--stream checks linearizability; --model {model} is transactional");
            return Ok(refuse(args, &message));
        }
        return crate::check_txn::run(args, model);
    }
    if args.consistency.is_some() {
        let model = &args.model;
        let message =
            format!("--consistency applies to --model list-append or rw-register, not {model}");
        return Ok(refuse(args, &message));
    }
    if args.stream {
        return crate::check_stream::run(args);
    }
    if let Some(path) = &args.html {
        if let Err(e) = check_replaceable(path, args.force, REPORT_HEAD) {
            return Ok(refuse(args, &format!("{e:#}")));
        }
    }
    match checked(args) {
        Ok(Checked {
            name,
            history,
            report,
            format,
            wall_ns,
        }) => {
            if let Some(path) = &args.html {
                write_output(path, &history_view::page(&name, &history, &report))?;
            }
            // The page on stdout is the result; the verdict is in the exit code.
            let page_on_stdout = args.html.as_deref().is_some_and(crate::files::is_stdout);
            if !page_on_stdout {
                print_report(&report, format, wall_ns, args.json);
            }
            Ok(report.verdict.exit_code())
        }
        Err(message) => Ok(refuse(args, &message)),
    }
}

/// Reports bad input as every command does (one JSON line on stdout with `--json`,
/// else a line on stderr) and gives its exit code.
pub(crate) fn refuse(args: &CheckArgs, message: &str) -> i32 {
    if args.json {
        crate::json_error::print(message);
    } else {
        errln!("error: {message}");
    }
    EXIT_BAD_INPUT
}

/// [`run`] for `main`'s error plumbing (bad input was already reported by `run`).
pub fn check_command(args: &CheckArgs) -> Result<i32, Exit> {
    run(args).map_err(usage_error)
}

/// The history's bytes and the name messages call it: `-` is stdin
/// (`faultline run --history - | faultline check -`).
pub(crate) fn history_bytes(path: &std::path::Path) -> Result<(String, Vec<u8>), String> {
    use std::io::Read;
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("stdin: cannot read: {e}"))?;
        return Ok(("stdin".to_string(), bytes));
    }
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
    Ok((name, bytes))
}

/// A history read and checked.
struct Checked {
    /// What messages call the input: its path, or `stdin`.
    name: String,
    history: History,
    report: CheckReport,
    format: Format,
    /// How long the check itself took.
    wall_ns: u64,
}

/// Reads, parses and checks the history, or says what was wrong with the input.
fn checked(args: &CheckArgs) -> Result<Checked, String> {
    let (name, bytes) = history_bytes(&args.history)?;
    let text = decode(&bytes).map_err(|e| format!("{name}:{}: {}", e.line, e.message))?;
    let format = format_of(args, text)?;
    let model = model_of(args, format)?;
    let located = |e: HistoryError| located(&name, format, e);
    let history = parse(text, format).map_err(located)?;
    if history.ops.is_empty() {
        return Err(format!("{name}: no operations found"));
    }
    if let Some(rejected) = model.first_rejected(&history) {
        return Err(located(rejected));
    }
    let options = CheckOptions {
        steps_max: args.budget,
        // Our own histories write unique values, which makes pruning sound.
        prune_unobserved_writes: format == Format::Jsonl,
        ..CheckOptions::default()
    };
    let started = Instant::now();
    let report = check_kind(&history, model, &options);
    let wall_ns = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
    Ok(Checked {
        name,
        history,
        report,
        format,
        wall_ns,
    })
}

fn print_report(report: &CheckReport, format: Format, wall_ns: u64, as_json: bool) {
    if as_json {
        let unknown = report
            .partitions
            .iter()
            .filter(|p| p.verdict == faultline_check::Verdict::Unknown)
            .count();
        let mut object = json!({
            "verdict": report.verdict,
            "model": report.model,
            "format": format.name(),
            "operations": report.operations,
            "pruned": report.pruned,
            "partitions": report.partitions.len(),
            "unknown_partitions": unknown,
            "per_partition": report.partitions,
            "wall_ns": wall_ns,
        });
        if let Some(counterexample) = &report.counterexample {
            object["counterexample"] = json!(counterexample);
        }
        crate::output::emit(&format!("{object}\n"));
    } else {
        crate::output::emit(&format!(
            "{report}checked in {:.2} ms ({} format)\n",
            wall_ns as f64 / 1e6,
            format.name()
        ));
    }
}

/// The format `--format` names, or the one `text` (the history, or its start) is
/// written in for `auto`.
pub(crate) fn format_of(args: &CheckArgs, text: &str) -> Result<Format, String> {
    let named = Format::parse(&args.format).ok_or_else(|| {
        format!(
            "--format {}: expected auto, edn, porcupine-etcd or jsonl",
            args.format
        )
    })?;
    Ok(named.unwrap_or_else(|| Format::detect(text)))
}

/// A bad-input message naming the file `name`, the line and the format read.
pub(crate) fn located(name: &str, format: Format, e: HistoryError) -> String {
    format!(
        "{name}:{}: {} (read as {})",
        e.line,
        e.message,
        format.name()
    )
}

pub(crate) fn model_of(args: &CheckArgs, format: Format) -> Result<ModelKind, String> {
    let kind = ModelKind::parse(&args.model).ok_or_else(|| {
        format!(
            "--model {}: expected register, cas-register, kv, mutex, multi-register, list-append \
                or rw-register",
            args.model
        )
    })?;
    let cas_fail = match args.cas_fail.as_deref() {
        None if format == Format::PorcupineEtcd => CasFail::Etcd,
        None | Some("knossos") => CasFail::Knossos,
        Some("etcd") => CasFail::Etcd,
        Some(other) => return Err(format!("--cas-fail {other}: expected knossos or etcd")),
    };
    if args.no_partition && kind != ModelKind::Kv {
        return Err(format!(
            "--no-partition applies to --model kv only, not {}",
            args.model
        ));
    }
    Ok(match kind {
        ModelKind::CasRegister(_) => ModelKind::CasRegister(cas_fail),
        ModelKind::Kv if args.no_partition => ModelKind::KvWhole,
        other => other,
    })
}
