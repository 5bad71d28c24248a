//! The shipped `faultline` binary: the command line with the built-in protocols.

use faultline_cli::{main_with, Registry};
use faultline_protocols::BuiltinProtocols;

fn main() -> std::process::ExitCode {
    main_with(Registry::builtin())
}
