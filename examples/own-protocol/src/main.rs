//! `abd`: the faultline command line with the ABD register beside the built-ins;
//! `abd run` with no scenario runs the ABD nemesis.

use faultline::prelude::*;

fn main() -> std::process::ExitCode {
    let nemesis = include_str!("../scenarios/abd/nemesis.json");
    let registry = Registry::builtin()
        .with::<abd::Abd>()
        .with_default_scenario("scenarios/abd/nemesis.json", nemesis);
    faultline::main_with(registry)
}
