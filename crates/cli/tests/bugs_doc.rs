//! `docs/bugs.md` says what the code declares: rendered afresh from the binary's
//! `faultline list bugs --json` and the reproducers in `traces/regressions/` by the
//! same renderer `cargo xtask docs` uses, it must equal the committed file, so a bug
//! added, renamed or re-described without regenerating the document fails here.

#[path = "../../../xtask/src/bugs_doc.rs"]
mod bugs_doc;

use std::path::{Path, PathBuf};
use std::process::Command;

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn bug_listing() -> serde_json::Value {
    let output = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(["list", "bugs", "--json"])
        .output()
        .expect("the binary runs");
    assert!(output.status.success());
    serde_json::from_slice(&output.stdout).expect("a JSON listing")
}

fn regression_files() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repository().join("traces/regressions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_bug_catalogue_is_what_the_code_declares() {
    let fresh = bugs_doc::render(&bug_listing(), &regression_files()).unwrap();
    let committed = std::fs::read_to_string(repository().join(bugs_doc::BUGS_DOC_PATH))
        .expect("docs/bugs.md exists");
    assert!(
        committed == fresh,
        "docs/bugs.md is stale: run `cargo xtask docs` and commit the result"
    );
}

#[test]
fn every_named_bug_has_a_section() {
    let listing = bug_listing();
    let doc = bugs_doc::render(&listing, &regression_files()).unwrap();
    let names: Vec<&str> = listing
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert!(names.len() >= 20, "{names:?}");
    for name in names {
        assert!(doc.contains(&format!("\n### `{name}`\n")), "{name}");
    }
}

#[test]
fn a_malformed_listing_is_an_error_naming_the_field() {
    let listing = serde_json::json!([{ "name": "x.y", "protocol": "x", "violates": [] }]);
    let error = bugs_doc::render(&listing, &[]).unwrap_err();
    assert!(error.contains("entry 0: `mechanism`"), "{error}");
}
