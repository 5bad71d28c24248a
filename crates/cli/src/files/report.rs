//! Where a command's human report goes: stdout, unless a result file was sent to
//! stdout (`--trace -`), in which case the report goes to stderr and stdout holds
//! the result alone, ready for a pipe.

use crate::output::{emit_err, out};

/// Prints `text` (the report, newlines included) to stdout, or to stderr when
/// `stdout_taken` by a result.
pub fn print_report(text: &str, stdout_taken: bool) {
    if stdout_taken {
        emit_err(text);
    } else {
        out!("{text}");
    }
}
