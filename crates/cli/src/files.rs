//! Reading the user's files and writing ours without ever destroying theirs.
//!
//! Outputs are written to a temporary file beside the target and renamed into place,
//! so a crash never leaves half a file. An existing file is only replaced when it is
//! one faultline wrote itself (a trace), or when the user passed `--force`.

use anyhow::{bail, Context as _, Result};
use std::fs;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Reads a whole text file, naming it in the error.
pub fn read_text(path: &Path) -> Result<String> {
    fs::read_to_string(path).with_context(|| format!("{}: cannot read", path.display()))
}

/// Writes `contents` to `path` atomically (temp file + rename).
pub fn write_atomically(path: &Path, contents: &str) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    }
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Unique per call, not only per process: two threads (two `cargo test` tests)
    // may write the same trace at once, and each must rename its own temp file.
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let write = WRITES.fetch_add(1, Ordering::Relaxed);
    let temp = path.with_file_name(format!(".{file_name}.tmp-{}-{write}", std::process::id()));
    let mut file =
        fs::File::create(&temp).with_context(|| format!("{}: cannot create", temp.display()))?;
    file.write_all(contents.as_bytes())
        .and_then(|_| file.sync_all())
        .with_context(|| format!("{}: cannot write", temp.display()))?;
    fs::rename(&temp, path)
        .with_context(|| format!("{}: cannot rename into place", path.display()))?;
    Ok(())
}

/// Refuses to replace a file faultline did not write, unless forced.
pub fn check_replaceable(path: &Path, force: bool, ours_if_starts_with: &str) -> Result<()> {
    if force || !path.exists() {
        return Ok(());
    }
    let head = fs::read(path).unwrap_or_default();
    let head = String::from_utf8_lossy(&head[..head.len().min(256)]).into_owned();
    if !head.starts_with(ours_if_starts_with) {
        bail!(
            "{}: exists and was not written by faultline; refusing to overwrite it (pass --force to replace it)",
            path.display()
        );
    }
    Ok(())
}
