//! `abd`: the faultline command line with the ABD register beside the built-ins.

use faultline::prelude::*;

fn main() -> std::process::ExitCode {
    faultline::main_with(Registry::builtin().with::<abd::Abd>())
}
