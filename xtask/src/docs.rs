//! `cargo xtask docs`: regenerates the documents derived from the code, today the
//! named-bug catalogue `docs/bugs.md` (see `bugs_doc`).

use crate::bugs_doc::{render, BUGS_DOC_PATH};
use crate::cmd;
use anyhow::{anyhow, Context, Result};

pub fn run() -> Result<()> {
    let listing = cmd::output(
        "cargo",
        &[
            "run",
            "--quiet",
            "-p",
            "faultline-cli",
            "--",
            "list",
            "bugs",
            "--json",
        ],
    )?;
    let listing: serde_json::Value =
        serde_json::from_str(&listing).context("`faultline list bugs --json`")?;
    let doc = render(&listing, &regression_files()?).map_err(|e| anyhow!(e))?;
    let path = cmd::root().join(BUGS_DOC_PATH);
    std::fs::write(&path, doc).with_context(|| format!("{}: cannot write", path.display()))?;
    eprintln!("wrote {BUGS_DOC_PATH}");
    Ok(())
}

/// The file names in `traces/regressions/`, sorted.
fn regression_files() -> Result<Vec<String>> {
    let dir = cmd::root().join("traces/regressions");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&dir).with_context(|| format!("{}", dir.display()))? {
        names.push(entry?.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}
