//! Determinism tidy check: simulated code (the kernel and the protocols) must not use
//! hash-order iteration, the wall clock, threads, or ambient randomness. A hit here is
//! a nondeterminism bug waiting to happen; fix the code, don't widen the list.

use std::fs;
use std::path::{Path, PathBuf};

const FORBIDDEN: &[&str] = &[
    "HashMap",
    "HashSet",
    "Instant::now",
    "SystemTime",
    "thread_rng",
    "std::thread",
    "tokio",
    "rand::random",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("readable source dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn simulated_code_has_no_determinism_hazards() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in ["sim/src", "protocols/src"] {
        rust_files(&crates.join(dir), &mut files);
    }
    assert!(files.len() > 10, "found the sources");
    let mut hits = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for pattern in FORBIDDEN {
                if code.contains(pattern) {
                    hits.push(format!(
                        "{}:{}: {}",
                        file.display(),
                        number + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(hits.is_empty(), "determinism hazards:\n{}", hits.join("\n"));
}
