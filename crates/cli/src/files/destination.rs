//! What kind of place an output path names, which decides how it is written: one of
//! the process's streams, a special file written in place, or a regular file
//! replaced through a temporary file (see the module header of `files`).

use anyhow::{bail, Result};
use std::fs;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

/// Paths that name the process's own stdout and stderr.
const STDOUT_ALIASES: [&str; 3] = ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"];
const STDERR_ALIASES: [&str; 3] = ["/dev/stderr", "/dev/fd/2", "/proc/self/fd/2"];

/// How an output path is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    /// The process's stdout.
    Stdout,
    /// The process's stderr.
    Stderr,
    /// A character device, FIFO or socket: opened and written in place.
    Special,
    /// A regular file, existing or not: `real` is the file to replace (the target
    /// of a symlink, so the symlink survives).
    Regular { real: PathBuf },
}

impl Destination {
    /// Where `path` leads; `-` is stdout when `dash_is_stdout`.
    pub fn of(path: &Path, dash_is_stdout: bool) -> Result<Self> {
        if (dash_is_stdout && path.as_os_str() == "-") || is_alias(path, &STDOUT_ALIASES) {
            return Ok(Destination::Stdout);
        }
        if is_alias(path, &STDERR_ALIASES) {
            return Ok(Destination::Stderr);
        }
        // Symlinks followed; a path that cannot be looked at yet (missing, or under
        // a file) is a regular file to create, and creating it says what is wrong.
        let Ok(metadata) = fs::metadata(path) else {
            return Ok(Destination::Regular {
                real: path.to_path_buf(),
            });
        };
        let kind = metadata.file_type();
        if kind.is_dir() {
            bail!("{}: is a directory; expected a file name", path.display());
        }
        if kind.is_block_device() {
            bail!(
                "{}: is a block device; refusing to write to it",
                path.display()
            );
        }
        if !kind.is_file() {
            return Ok(Destination::Special);
        }
        let real = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        Ok(Destination::Regular { real })
    }

    /// True for stdout and stderr, which are written after every file.
    pub fn is_stream(&self) -> bool {
        matches!(self, Destination::Stdout | Destination::Stderr)
    }
}

/// True when an output given as `path` goes to stdout (`-` included).
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-" || is_alias(path, &STDOUT_ALIASES)
}

fn is_alias(path: &Path, aliases: &[&str]) -> bool {
    aliases.iter().any(|alias| path.as_os_str() == *alias)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_the_streams_and_devices_are_recognised() {
        let of = |p: &str| Destination::of(Path::new(p), true).unwrap();
        assert_eq!(of("-"), Destination::Stdout);
        assert_eq!(of("/dev/stdout"), Destination::Stdout);
        assert_eq!(of("/dev/fd/2"), Destination::Stderr);
        assert_eq!(of("/dev/null"), Destination::Special);
        let literal = Destination::of(Path::new("-"), false).unwrap();
        assert!(matches!(literal, Destination::Regular { .. }));
        assert!(Destination::of(Path::new("/"), true).is_err());
    }
}
