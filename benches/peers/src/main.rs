//! `faultline-peers --peer turmoil|madsim --shape broadcast|pingpong [--repeat N]
//! [--seed N]`: runs one of faultline's two kernel benchmark shapes (`shape.rs`) on a
//! peer simulator `--repeat` times, each on a fresh simulation, and prints one JSON
//! line: messages delivered per run, the median wall time, and messages per second
//! at that median. `cargo xtask bench kernel --peers` runs it beside `faultline bench`
//! in one sitting.
//!
//! A build holds the peers of its features (`turmoil`, the default; `madsim`, which needs
//! `RUSTFLAGS="--cfg madsim"`): see Cargo.toml. Exit codes as faultline's: 1 when a
//! run fails or delivers the wrong number of messages, 3 for bad arguments.

#[cfg(feature = "madsim")]
mod on_madsim;
#[cfg(feature = "turmoil")]
mod on_turmoil;
mod shape;

use shape::{Outcome, Shape};
use std::process::ExitCode;
use std::time::Instant;

#[cfg(all(feature = "madsim", not(madsim)))]
compile_error!("the madsim peer simulates only when built with RUSTFLAGS=\"--cfg madsim\"");

const USAGE: &str = "usage: faultline-peers --peer turmoil|madsim --shape broadcast|pingpong \
    [--repeat N] [--seed N]";

/// What to run, from the command line.
struct Args {
    peer: String,
    shape: Shape,
    repeat: u32,
    seed: u64,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse(&args) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("faultline-peers: {message}\n{USAGE}");
            return ExitCode::from(3);
        }
    };
    match bench(&args) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("faultline-peers: {message}");
            ExitCode::from(1)
        }
    }
}

fn parse(args: &[String]) -> Result<Args, String> {
    let (mut peer, mut shape, mut repeat, mut seed) = (None, None, 5, 1);
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--peer" => peer = Some(value.clone()),
            "--shape" => {
                let parsed = Shape::parse(value);
                shape = Some(parsed.ok_or_else(|| format!("no shape {value}"))?);
            }
            "--repeat" => {
                repeat = value
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| format!("--repeat {value}: expected at least 1 run"))?;
            }
            "--seed" => {
                seed = value
                    .parse()
                    .map_err(|_| format!("--seed {value}: expected a number"))?;
            }
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    Ok(Args {
        peer: peer.ok_or("--peer is required")?,
        shape: shape.ok_or("--shape is required")?,
        repeat,
        seed,
    })
}

/// Runs the shape `repeat` times and returns the JSON line.
fn bench(args: &Args) -> Result<String, String> {
    let run = runner(&args.peer)?;
    let mut walls_ns = Vec::new();
    let mut last: Option<Outcome> = None;
    for _ in 0..args.repeat {
        let started = Instant::now();
        let outcome = run(args.shape, args.seed)?;
        walls_ns.push(started.elapsed().as_nanos() as u64);
        let expected = args.shape.delivered_range();
        if !expected.contains(&outcome.messages_delivered) {
            return Err(format!(
                "{} delivered {} messages on {}, expected {expected:?}",
                args.peer,
                outcome.messages_delivered,
                args.shape.name()
            ));
        }
        last = Some(outcome);
    }
    let outcome = last.expect("at least one run");
    walls_ns.sort_unstable();
    let median_ns = walls_ns[walls_ns.len() / 2].max(1);
    Ok(format!(
        "{{\"peer\":\"{}\",\"shape\":\"{}\",\"runs\":{},\"messages_delivered\":{},\
        \"wall_ns_median\":{median_ns},\"messages_per_second\":{},\"sim_time_ns\":{}}}",
        args.peer,
        args.shape.name(),
        walls_ns.len(),
        outcome.messages_delivered,
        outcome.messages_delivered as f64 * 1e9 / median_ns as f64,
        outcome.sim_time.as_nanos(),
    ))
}

type Runner = fn(Shape, u64) -> Result<Outcome, String>;

/// The peers this build holds.
const BUILT: &[(&str, Runner)] = &[
    #[cfg(feature = "turmoil")]
    ("turmoil", on_turmoil::run),
    #[cfg(feature = "madsim")]
    ("madsim", on_madsim::run),
];

/// The peer named `name`, if this build has it.
fn runner(name: &str) -> Result<Runner, String> {
    if let Some(&(_, run)) = BUILT.iter().find(|(peer, _)| *peer == name) {
        return Ok(run);
    }
    if ["turmoil", "madsim"].contains(&name) {
        return Err(format!(
            "this build has no {name}: build with --features {name} (see Cargo.toml)"
        ));
    }
    Err(format!("no peer {name}: turmoil or madsim"))
}
