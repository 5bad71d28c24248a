//! Reading the user's files: whole inputs (a scenario, a trace; `-` is stdin where a
//! command allows it), and a bounded look at the start of an existing output to tell
//! whether faultline wrote it.

use super::describe;
use super::destination::Destination;
use anyhow::{anyhow, bail, Result};
use std::fs;
use std::io::{self, Read};
use std::path::Path;

/// Reads a whole text file, naming it in the error.
pub fn read_text(path: &Path) -> Result<String> {
    fs::read_to_string(path)
        .map_err(|e| anyhow!("{}: cannot read: {}", path.display(), describe(&e)))
}

/// Reads a whole text input: stdin for `-`, otherwise the file.
pub fn read_input(path: &Path) -> Result<String> {
    if path.as_os_str() != "-" {
        return read_text(path);
    }
    let mut text = String::new();
    io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| anyhow!("stdin: cannot read: {}", describe(&e)))?;
    Ok(text)
}

/// Refuses to replace a file faultline did not write, unless forced.
///
/// Only a regular file is checked, and only its first bytes are read (a device such
/// as `/dev/zero` or a FIFO is never read). An empty file holds nothing to lose.
pub fn check_replaceable(path: &Path, force: bool, ours_if_starts_with: &str) -> Result<()> {
    let Destination::Regular { real } = Destination::of(path, true)? else {
        return Ok(());
    };
    if force || !real.exists() {
        return Ok(());
    }
    let head = read_head(&real, ours_if_starts_with.len()).map_err(|e| {
        anyhow!(
            "{}: exists and cannot be read to check that faultline wrote it: {}",
            path.display(),
            describe(&e)
        )
    })?;
    if !head.is_empty() && !head.starts_with(ours_if_starts_with.as_bytes()) {
        bail!(
            "{}: exists and was not written by faultline; refusing to overwrite it (pass --force \
                to replace it)",
            path.display()
        );
    }
    Ok(())
}

/// At most the first `limit` bytes of the file at `path`.
fn read_head(path: &Path, limit: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(limit);
    fs::File::open(path)?
        .take(limit as u64)
        .read_to_end(&mut head)?;
    Ok(head)
}
