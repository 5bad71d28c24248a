//! `raftrs`: the faultline command line with raft-rs registered beside the built-in
//! protocols; `raftrs run` with no scenario runs the raft-rs nemesis.

use faultline::prelude::*;

fn main() -> std::process::ExitCode {
    let nemesis = include_str!("../scenarios/raftrs/nemesis.json");
    let registry = Registry::builtin()
        .with::<raftrs::RaftRs>()
        .with_default_scenario("scenarios/raftrs/nemesis.json", nemesis);
    faultline::main_with(registry)
}
