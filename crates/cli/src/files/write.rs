//! Writing an output where its [`Destination`] says: a stream, a special file in
//! place, or a regular file through a temporary file renamed into place. Errors name
//! the path the user gave.

use super::describe;
use super::destination::{is_stdout, Destination};
use crate::output::EXIT_CLOSED_PIPE;
use anyhow::{anyhow, bail, Result};
use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `contents` to `path`: a regular file atomically (temp file + rename), a
/// special file or stream in place. `-` is a file named `-` here.
pub fn write_atomically(path: &Path, contents: &str) -> Result<()> {
    write_to(path, &Destination::of(path, false)?, contents)
}

/// Writes `contents` to `path` as [`write_atomically`] does, with `-` meaning stdout.
pub fn write_output(path: &Path, contents: &str) -> Result<()> {
    write_to(path, &Destination::of(path, true)?, contents)
}

/// Writes several outputs (`-` is stdout): files first, then the streams, so a
/// reader closing stdout early never costs a file. Refuses, before writing any,
/// to send two of them to the same stream.
pub fn write_outputs(outputs: &[(&Path, String)]) -> Result<()> {
    let mut planned = Vec::new();
    for (path, contents) in outputs {
        planned.push((*path, Destination::of(path, true)?, contents));
    }
    refuse_shared_streams(&planned)?;
    planned.sort_by_key(|(_, destination, _)| destination.is_stream());
    for (path, destination, contents) in planned {
        write_to(path, &destination, contents)?;
    }
    Ok(())
}

fn refuse_shared_streams(planned: &[(&Path, Destination, &String)]) -> Result<()> {
    for (i, (first, destination, _)) in planned.iter().enumerate() {
        let same = planned[i + 1..]
            .iter()
            .find(|(_, other, _)| other == destination);
        if let (true, Some((second, _, _))) = (destination.is_stream(), same) {
            bail!(
                "{} and {} are the same stream; only one output can go there",
                first.display(),
                second.display()
            );
        }
    }
    Ok(())
}

/// Refuses, before any work, to send more than one of the `options` (an option
/// name and its path, if given) to stdout, or two of them to the same file (the
/// second written would replace the first).
pub fn refuse_shared_outputs(options: &[(&str, Option<&Path>)]) -> Result<()> {
    let on_stdout: Vec<&str> = options
        .iter()
        .filter(|(_, path)| path.is_some_and(is_stdout))
        .map(|(option, _)| *option)
        .collect();
    if on_stdout.len() > 1 {
        bail!(
            "{} go to stdout; only one output can go there (give the others a file)",
            on_stdout.join(" and ")
        );
    }
    let files: Vec<(&str, &Path)> = options
        .iter()
        .filter_map(|(option, path)| Some((*option, (*path)?)))
        .filter(|(_, path)| !is_stdout(path))
        .collect();
    for (i, (first, first_path)) in files.iter().enumerate() {
        if let Some((second, _)) = files[i + 1..]
            .iter()
            .find(|(_, p)| same_path(first_path, p))
        {
            bail!(
                "{first} and {second} both name {}; each output needs a file of its own",
                first_path.display()
            );
        }
    }
    Ok(())
}

/// Whether `a` and `b` name the same regular file, whether or not it exists yet:
/// their directories resolved (links, `..`), their file names compared. A device
/// (`/dev/null`) takes any number of outputs.
pub fn same_path(a: &Path, b: &Path) -> bool {
    let special = |p: &Path| fs::metadata(p).is_ok_and(|m| !m.is_file() && !m.is_dir());
    !special(a) && resolved(a) == resolved(b)
}

fn resolved(path: &Path) -> Option<std::path::PathBuf> {
    if let Ok(real) = fs::canonicalize(path) {
        return Some(real);
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    let parent = fs::canonicalize(parent.unwrap_or(Path::new("."))).ok()?;
    Some(parent.join(path.file_name()?))
}

fn write_to(path: &Path, destination: &Destination, contents: &str) -> Result<()> {
    match destination {
        Destination::Stdout => write_stream(path, &mut io::stdout().lock(), contents),
        Destination::Stderr => write_stream(path, &mut io::stderr().lock(), contents),
        Destination::Special => write_in_place(path, contents),
        Destination::Regular { real } => replace_file(path, real, contents),
    }
}

/// Writes to one of the process's streams, through the handle the rest of the
/// command prints with, so nothing is torn or written over.
fn write_stream(path: &Path, stream: &mut dyn Write, contents: &str) -> Result<()> {
    stream
        .write_all(contents.as_bytes())
        .and_then(|_| stream.flush())
        .map_err(|e| write_error(path, &e))
}

/// Opens a device, FIFO or socket for writing and writes to it as it is.
fn write_in_place(path: &Path, contents: &str) -> Result<()> {
    let mut file = fs::OpenOptions::new().write(true).open(path).map_err(|e| {
        anyhow!(
            "{}: cannot open for writing: {}",
            path.display(),
            describe(&e)
        )
    })?;
    file.write_all(contents.as_bytes())
        .and_then(|_| file.flush())
        .map_err(|e| write_error(path, &e))
}

/// A failed write: a closed pipe ends the command quietly, as on stdout; any other
/// failure is an error naming `path`.
fn write_error(path: &Path, error: &io::Error) -> anyhow::Error {
    if error.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(EXIT_CLOSED_PIPE);
    }
    let shown = if path.as_os_str() == "-" {
        "stdout".to_string()
    } else {
        path.display().to_string()
    };
    anyhow!("{shown}: cannot write: {}", describe(error))
}

/// Writes a temporary file beside `real` and renames it over `real`; the temporary
/// file is removed if anything fails. Errors name `shown`, the user's path.
fn replace_file(shown: &Path, real: &Path, contents: &str) -> Result<()> {
    let dir = real.parent().filter(|d| !d.as_os_str().is_empty());
    if let Some(dir) = dir {
        fs::create_dir_all(dir).map_err(|e| {
            anyhow!(
                "{}: cannot create its directory {}: {}",
                shown.display(),
                dir.display(),
                describe(&e)
            )
        })?;
    }
    let Some(file_name) = real.file_name() else {
        bail!("{}: expected a file name", shown.display());
    };
    // Unique per call, not only per process: two threads (two `cargo test` tests)
    // may write the same trace at once, and each must rename its own temp file.
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let write = WRITES.fetch_add(1, Ordering::Relaxed);
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(file_name);
    temp_name.push(format!(".tmp-{}-{write}", std::process::id()));
    let temp = real.with_file_name(temp_name);
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .map_err(|e| {
            let place = dir.map_or(".".into(), |d| d.display().to_string());
            anyhow!(
                "{}: cannot create a file in {place}: {}",
                shown.display(),
                describe(&e)
            )
        })?;
    let written = file
        .write_all(contents.as_bytes())
        .and_then(|_| file.sync_all())
        .map_err(|e| write_error(shown, &e))
        .and_then(|_| {
            fs::rename(&temp, real).map_err(|e| {
                anyhow!(
                    "{}: cannot move the new file into place: {}",
                    shown.display(),
                    describe(&e)
                )
            })
        });
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written
}
