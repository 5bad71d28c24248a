//! Reading the user's files and writing ours without ever destroying theirs, and
//! errors about them that name the path the user gave and say what went wrong.
//!
//! Where an output (`run --trace`/`--history`, `shrink -o`, fuzz's files) goes:
//!
//! - `-` means stdout (for `run --trace`, `run --history` and `shrink -o`; other
//!   outputs read it as a file name). `/dev/stdout`, `/dev/fd/1` and
//!   `/proc/self/fd/1` are stdout too, and `/dev/stderr`, `/dev/fd/2`,
//!   `/proc/self/fd/2` are stderr, written through the process's own stream, so the
//!   output is never torn from or written over what else goes there. When a result
//!   goes to stdout, the command's human report (or its `--json` object) goes to
//!   stderr instead, so stdout holds the result alone; at most one output may go to
//!   stdout.
//! - A special file (character device such as `/dev/null`, FIFO, socket, or a
//!   symlink to one) is opened for writing and written in place: never renamed over,
//!   never read to check who wrote it. A block device and a directory are refused.
//! - A regular file (or a path that does not exist yet, whose missing directories
//!   are created) is written to a temporary file beside it and renamed into place,
//!   so a crash never leaves half a file; a symlink to a regular file stays a
//!   symlink and its target is replaced. An existing non-empty file is replaced only
//!   when it starts the way faultline's own file of that kind starts (checked on its
//!   first bytes only), or with `--force`.
//! - Every error names the path as the user gave it, never the temporary file, and
//!   says what went wrong (no such directory, not a directory, permission denied,
//!   disk full, ...); it ends the command with exit 3. A closed pipe (a FIFO or
//!   stdout whose reader went away) ends it quietly with 141, as `output.rs` does.
//! - Files are written before anything is printed to stdout, so a reader that
//!   closes the pipe early never costs the user a result file. `shrink -o FILE`
//!   (a regular file) writes the trace's whole failing scenario there before its
//!   first line of progress, and replaces it with the minimal one when the search
//!   ends; it removes it again if the run turns out to pass.
//!
//! Inputs: `replay -` and `shrink -` read the trace from stdin; other inputs read a
//! file named `-`. A trace given where a scenario belongs (or the reverse) is named
//! as such, with the command that reads it; a trace that ends before its summary
//! line is reported as truncated at its last line.

mod describe;
mod destination;
mod read;
mod report;
mod write;

pub use describe::describe;
pub use destination::{is_stdout, Destination};
pub use read::{check_replaceable, read_input, read_text};
pub use report::print_report;
pub use write::{refuse_shared_outputs, same_path, write_atomically, write_output, write_outputs};
