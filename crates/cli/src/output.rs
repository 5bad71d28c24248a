//! Writing to stdout when the reader may go away (`faultline list bugs | head`): a
//! closed pipe ends the command quietly instead of panicking. Every command prints
//! through [`out!`] / [`outln!`], never `print!`, which panics on a closed pipe.

use std::io::{self, Write};

/// Prints `text` to stdout; exits quietly if stdout was closed.
pub fn emit(text: &str) {
    let mut stdout = io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        if e.kind() == io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to stdout: {e}");
        std::process::exit(crate::exit::EXIT_BAD_INPUT);
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

pub(crate) use {out, outln};
