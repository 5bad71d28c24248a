//! What every command of one build of the command line shares: the protocols it
//! knows and the name it is invoked by, so the commands it prints for a person to
//! run next (`replay`, `shrink`, a reproducing `run`) name the same program.

use faultline_harness::Registry;
use std::ffi::OsString;
use std::path::Path;

/// One build of the command line: its registry and its program name.
pub struct App {
    pub registry: Registry,
    /// The name commands are printed with (`faultline`, or a user's binary).
    pub program: String,
}

impl App {
    /// The app for `registry`, named after the executable `argv0` (`faultline` when
    /// there is none).
    pub fn new(registry: Registry, argv0: Option<OsString>) -> Self {
        let program = argv0
            .as_deref()
            .and_then(|p| Path::new(p).file_stem())
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "faultline".to_string());
        App { registry, program }
    }

    /// The app for `registry`, printing commands as `program` (a name on the PATH,
    /// or `cargo run --release --`).
    pub fn named(registry: Registry, program: &str) -> Self {
        App {
            registry,
            program: program.to_string(),
        }
    }

    /// `rest` as a command line of this program: `faultline replay t.jsonl`.
    pub fn command(&self, rest: impl AsRef<str>) -> String {
        format!("{} {}", self.program, rest.as_ref())
    }
}
