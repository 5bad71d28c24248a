//! Checking a campaign's outputs before any seed runs, so a bad path costs seconds,
//! not the hours of a campaign whose report cannot be written at the end.
//!
//! The rule is the one every faultline output follows: an existing file is replaced
//! only if faultline wrote it (its JUnit starts with [`junit::HEADER`]) or with
//! `--force`. Directories must exist or be creatable, and writable: checked by
//! creating and removing a probe file in the nearest directory that exists, so a
//! check leaves nothing behind, not even the `--out` directory.

use super::{junit, FuzzArgs};
use crate::files::{check_replaceable, same_path};
use anyhow::{bail, Context as _, Result};
use std::fs;
use std::path::Path;

/// Fails with a message naming the flag and the path if an output cannot be written.
pub fn check_outputs(args: &FuzzArgs) -> Result<()> {
    if let Some(junit) = &args.junit {
        if same_path(junit, &args.out) {
            bail!(
                "--junit {}: is the --out directory; expected a file name",
                junit.display()
            );
        }
        check_file(junit, "--junit")?;
        check_replaceable(junit, args.force, junit::HEADER)?;
    }
    check_directory(&args.out, "--out")
}

/// `path` can be written as a file: not a directory, in a writable directory.
fn check_file(path: &Path, flag: &str) -> Result<()> {
    if path.is_dir() {
        bail!("{flag} {}: is a directory", path.display());
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    check_directory(parent.unwrap_or(Path::new(".")), flag)
}

/// `dir` is a writable directory, or can be created as one.
fn check_directory(dir: &Path, flag: &str) -> Result<()> {
    let existing = dir
        .ancestors()
        .map(|a| {
            if a.as_os_str().is_empty() {
                Path::new(".")
            } else {
                a
            }
        })
        .find(|a| a.exists())
        .unwrap_or(Path::new("."));
    if !existing.is_dir() {
        bail!(
            "{flag} {}: {} is not a directory",
            dir.display(),
            existing.display()
        );
    }
    probe_writable(existing)
        .with_context(|| format!("{flag} {}: cannot write there", dir.display()))
}

/// Creates and removes a file in `dir`.
fn probe_writable(dir: &Path) -> Result<()> {
    let probe = dir.join(format!(".faultline-probe-{}", std::process::id()));
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .with_context(|| format!("{}: cannot create a file", dir.display()))?;
    fs::remove_file(&probe).with_context(|| format!("{}: cannot remove", probe.display()))
}
