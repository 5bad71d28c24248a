//! Writing to stdout and stderr when the reader may go away (`faultline list bugs |
//! head`, `fuzz ... 2>&1 | head -1`): a closed pipe ends the command quietly with the
//! conventional status 141 (128 + SIGPIPE), and a full disk is an error, never a
//! panic. Every command prints through [`out!`] / [`outln!`] (stdout: results) and
//! [`errln!`] (stderr: progress and diagnostics), never `print!` or `eprintln!`,
//! which panic when the write fails.

use std::io::{self, Write};

/// The exit status of a command whose reader closed the pipe, as a shell reports a
/// process killed by SIGPIPE.
pub const EXIT_CLOSED_PIPE: i32 = 141;

/// Prints `text` to stdout; exits quietly if stdout was closed.
pub fn emit(text: &str) {
    let mut stdout = io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        if e.kind() == io::ErrorKind::BrokenPipe {
            std::process::exit(EXIT_CLOSED_PIPE);
        }
        emit_err(&format!("error: cannot write to stdout: {e}\n"));
        std::process::exit(crate::exit::EXIT_BAD_INPUT);
    }
}

/// Prints `text` to stderr. A failed write to stderr has nowhere to be reported, so
/// it is ignored, except a closed pipe, which ends the command as on stdout.
pub fn emit_err(text: &str) {
    let mut stderr = io::stderr().lock();
    if let Err(e) = stderr.write_all(text.as_bytes()) {
        if e.kind() == io::ErrorKind::BrokenPipe {
            std::process::exit(EXIT_CLOSED_PIPE);
        }
    }
}

/// `print!` to stdout through [`emit`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::emit(&format!($($arg)*))
    };
}

/// `println!` to stdout through [`emit`].
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::output::emit(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` to stderr through [`emit_err`].
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::output::emit_err(&format!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {errln, out, outln};
