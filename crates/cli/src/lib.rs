//! The `faultline` command line as a library: run scenarios, replay traces, fuzz
//! seeds, shrink failures, check histories. Arguments are parsed once into typed
//! commands; every error becomes an exit code (see [`exit`]) with a message on
//! stderr (with `--json`: a JSON line `{"error": ..., "exit": 3}` on stdout, see
//! [`json_error`]), never a panic.
//!
//! [`main_with`] is the whole program for a given [`Registry`]: the shipped
//! `faultline` binary is `main_with(Registry::builtin())`, and a user's binary that
//! adds its own protocol is one line too, with every command, exit code, progress
//! bar and output format of `faultline`.

mod app;
mod bench_cmd;
mod check_cmd;
mod check_stream;
mod check_txn;
mod exit;
pub mod files;
mod fuzz_cmd;
mod interrupt;
mod json_error;
mod list_cmd;
mod output;
mod progress;
mod replay_cmd;
mod report;
mod run_cmd;
mod run_report;
mod shrink_cmd;
mod test_cmd;

use crate::output::{errln, outln};
pub use app::App;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use exit::EXIT_BAD_INPUT;
pub use faultline_harness::Registry;
pub use run_cmd::repro_command;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "faultline",
    version,
    about = "Deterministic simulation testing for distributed protocols",
    after_help = "Exit codes: 0 pass; 1 a property violated; 2 stuck, unknown or a replay \
divergence; 3 bad input or usage. A command given --json reports bad input as one JSON line \
{\"error\": ..., \"exit\": 3} on stdout instead of text on stderr."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run one scenario with one seed (no scenario: the embedded default).
    Run(run_cmd::RunArgs),
    /// Re-run a trace from its header and check the run is identical.
    Replay(replay_cmd::ReplayArgs),
    /// Run many seeds in parallel; write a trace for every failure.
    Fuzz(fuzz_cmd::FuzzArgs),
    /// Write a self-contained HTML page that shows a run (a trace or a scenario).
    Report(report::ReportArgs),
    /// Shrink a failing trace to a minimal scenario file that still fails.
    Shrink(shrink_cmd::ShrinkArgs),
    /// Check a history (Jepsen EDN, Porcupine etcd log, faultline JSON Lines) for linearizability.
    Check(check_cmd::CheckArgs),
    /// List protocols, named bugs or history models.
    List {
        #[arg(value_enum)]
        what: list_cmd::ListWhat,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print the JSON Schema of scenario files.
    Schema,
    /// Time a scenario: events/s, simulated s per wall s, peak memory.
    Bench(bench_cmd::BenchArgs),
    /// Run every scenario file under the given paths; each must end as its `expect` says.
    Test(test_cmd::TestArgs),
}

impl Command {
    /// Whether the command was asked for JSON output (`--json`); its errors are JSON
    /// then too.
    fn json(&self) -> bool {
        match self {
            Command::Run(args) => args.json,
            Command::Replay(args) => args.json,
            Command::Fuzz(args) => args.json,
            Command::Check(args) => args.json,
            Command::List { json, .. } => *json,
            Command::Bench(args) => args.json,
            Command::Shrink(_) | Command::Schema | Command::Test(_) | Command::Report(_) => false,
        }
    }
}

/// Runs the command line in `std::env::args()` with the protocols of `registry`,
/// and returns the exit code: 0 pass, 1 a property violated, 2 stuck, unknown or a
/// replay divergence, 3 bad input or usage.
pub fn main_with(registry: Registry) -> ExitCode {
    let app = App::new(registry, std::env::args_os().next());
    ExitCode::from(run_app(&app, std::env::args_os()) as u8)
}

/// Runs one command line (`args`, the program name first) with `app`; the exit code.
pub fn run_app<I, T>(app: &App, args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let words: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    let command = Cli::command().bin_name(app.program.clone());
    let cli = match command
        .try_get_matches_from(&words)
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() && json_error::asks_for_json(&words) => {
            json_error::print(&json_error::parse_error_message(&e));
            return EXIT_BAD_INPUT;
        }
        Err(e) => {
            let code = if e.use_stderr() { EXIT_BAD_INPUT } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let result = match &cli.command {
        Command::Run(args) => run_cmd::run_command(app, args),
        Command::Replay(args) => replay_cmd::replay_command(app, args),
        Command::List { what, json } => Ok(list_cmd::list_command(app, *what, *json)),
        Command::Fuzz(args) => fuzz_cmd::fuzz_command(app, args),
        Command::Shrink(args) => shrink_cmd::shrink_command(app, args),
        Command::Report(args) => report::report_command(app, args),
        Command::Check(args) => check_cmd::check_command(args),
        Command::Bench(args) => bench_cmd::bench_command(app, args),
        Command::Test(args) => test_cmd::test_command(app, args),
        Command::Schema => {
            outln!(
                "{}",
                faultline_harness::schema::scenario_schema(&app.registry)
            );
            Ok(0)
        }
    };
    match result {
        Ok(code) => code,
        Err(exit) if cli.command.json() => {
            json_error::print(&exit.message());
            EXIT_BAD_INPUT
        }
        Err(exit) => {
            errln!("error: {}", exit.message());
            EXIT_BAD_INPUT
        }
    }
}
