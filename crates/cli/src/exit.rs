//! Exit codes (README, "Exit codes") and how errors reach them.
//!
//! 0 pass; 1 a property was violated (or a history is not linearizable); 2 stuck,
//! liveness or unknown within budget; 3 bad input or usage. Every bad-input path
//! ends here as an [`Exit`], printed once by `main`, never as a panic.

use faultline_harness::InputError;

pub const EXIT_BAD_INPUT: i32 = 3;

/// Why a command stopped before it could give a verdict.
#[derive(Debug)]
pub enum Exit {
    /// A located problem in a file the user gave.
    Input(InputError),
    /// Any other bad input or usage (unreadable file, refused overwrite, ...).
    Usage(anyhow::Error),
}

impl Exit {
    pub fn input(error: InputError) -> Self {
        Exit::Input(error)
    }

    pub fn message(&self) -> String {
        match self {
            Exit::Input(e) => e.to_string(),
            Exit::Usage(e) => format!("{e:#}"),
        }
    }
}

pub fn usage_error(error: anyhow::Error) -> Exit {
    Exit::Usage(error)
}
