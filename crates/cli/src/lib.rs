//! The `faultline` command: run scenarios, replay traces, fuzz seeds, shrink failures,
//! check histories. Arguments are parsed once into typed commands; every error becomes
//! an exit code (see [`exit`]) with a message on stderr, never a panic.

mod bench_cmd;
mod check_cmd;
mod exit;
mod files;
mod fuzz_cmd;
mod list_cmd;
mod output;
mod progress;
mod replay_cmd;
mod run_cmd;
mod shrink_cmd;

use clap::{Parser, Subcommand};
use exit::EXIT_BAD_INPUT;

#[derive(Parser, Debug)]
#[command(
    name = "faultline",
    version,
    about = "Deterministic simulation testing for distributed protocols"
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
}

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_BAD_INPUT } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let result = match &cli.command {
        Command::Run(args) => run_cmd::run_command(args),
        Command::Replay(args) => replay_cmd::replay_command(args),
        Command::List { what, json } => Ok(list_cmd::list_command(*what, *json)),
        Command::Fuzz(args) => fuzz_cmd::fuzz_command(args),
        Command::Shrink(args) => shrink_cmd::shrink_command(args),
        Command::Check(args) => check_cmd::check_command(args),
        Command::Bench(args) => bench_cmd::bench_command(args),
        Command::Schema => {
            println!("{}", faultline_harness::schema::scenario_schema());
            Ok(0)
        }
    };
    let code = match result {
        Ok(code) => code,
        Err(exit) => {
            eprintln!("error: {}", exit.message());
            EXIT_BAD_INPUT
        }
    };
    std::process::exit(code);
}
