//! Tidy checks over the whole workspace, run by `cargo test`.
//!
//! Determinism: simulated code (the kernel and the protocols) must not use hash-order
//! iteration, the wall clock, threads, or ambient randomness. A hit there is a
//! nondeterminism bug waiting to happen; fix the code, don't widen the list.
//!
//! House style, for every `.rs` file of the repository (crates, xtask, examples): a
//! `//!` header first, functions of at most 70 lines (the few longer ones are listed in
//! `LONG_FUNCTIONS`, each with its reason), lines of at most 100 columns. Code and docs
//! cite no file outside the repository, and ARCHITECTURE.md names no file that does not
//! exist.

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

/// Files allowed a hash map, and why no order can leak from them.
const HASH_MAPS_ALLOWED: &[(&str, &str)] = &[(
    "crates/sim/src/lookup_map.rs",
    "wraps a seedless hash map behind lookups only: nothing can iterate it",
)];

const FUNCTION_LINES_MAX: usize = 70;
const LINE_COLUMNS_MAX: usize = 100;

/// Functions allowed over `FUNCTION_LINES_MAX`: (file, function name, reason).
const LONG_FUNCTIONS: &[(&str, &str, &str)] = &[];

/// Files allowed over `LINE_COLUMNS_MAX` on some line: (file, reason).
const LONG_LINES: &[(&str, &str)] = &[];

/// Names that cite a file outside the repository (design notes, a bug catalogue and a
/// corpus's expectations kept beside the checkout, not in it).
/// This file is the one place that spells them out.
const OUTSIDE_REFERENCES: &[&str] = &["DESIGN.md", "BUGS.md", "EXPECTED.md", "../shared", "/work/"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file under `dir` whose name ends with one of `exts`, skipping build output
/// and hidden directories.
fn files_with(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .expect("readable source dir")
        .map(|entry| entry.expect("dir entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" {
                files_with(&path, exts, out);
            }
        } else if exts.iter().any(|ext| name.ends_with(ext)) {
            out.push(path);
        }
    }
}

fn workspace_files(exts: &[&str]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    files_with(&root(), exts, &mut files);
    files
}

fn relative(path: &Path) -> String {
    let root = root().canonicalize().unwrap();
    let path = path.canonicalize().unwrap();
    path.strip_prefix(&root)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

fn rust_files() -> Vec<PathBuf> {
    let files = workspace_files(&[".rs"]);
    assert!(files.len() > 100, "found the sources");
    files
}

#[test]
fn simulated_code_has_no_determinism_hazards() {
    let crates = root().join("crates");
    let mut files = Vec::new();
    for dir in ["sim/src", "protocols/src"] {
        files_with(&crates.join(dir), &[".rs"], &mut files);
    }
    assert!(files.len() > 10, "found the sources");
    let mut hits = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for pattern in FORBIDDEN {
                let allowed = || {
                    pattern.starts_with("Hash")
                        && HASH_MAPS_ALLOWED.iter().any(|(f, _)| *f == relative(file))
                };
                if code.contains(pattern) && !allowed() {
                    hits.push(format!(
                        "{}:{}: {}",
                        relative(file),
                        number + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(hits.is_empty(), "determinism hazards:\n{}", hits.join("\n"));
}

#[test]
fn every_rust_file_starts_with_a_module_header() {
    let missing: Vec<String> = rust_files()
        .iter()
        .filter(|file| {
            let text = fs::read_to_string(file).unwrap();
            !text.trim_start().starts_with("//!")
        })
        .map(|file| relative(file))
        .collect();
    assert!(
        missing.is_empty(),
        "files without a `//!` header:\n{}",
        missing.join("\n")
    );
}

#[test]
fn lines_fit_in_100_columns() {
    let mut hits = Vec::new();
    for file in rust_files() {
        let name = relative(&file);
        if LONG_LINES.iter().any(|(allowed, _)| *allowed == name) {
            continue;
        }
        let text = fs::read_to_string(&file).unwrap();
        for (number, line) in text.lines().enumerate() {
            let columns = line.chars().count();
            if columns > LINE_COLUMNS_MAX {
                hits.push(format!("{name}:{}: {columns} columns", number + 1));
            }
        }
    }
    assert!(
        hits.is_empty(),
        "lines over {LINE_COLUMNS_MAX} columns:\n{}",
        hits.join("\n")
    );
}

#[test]
fn functions_are_short() {
    let mut hits = Vec::new();
    let mut allowed_seen = Vec::new();
    for file in rust_files() {
        let name = relative(&file);
        let text = fs::read_to_string(&file).unwrap();
        for function in functions(&text) {
            let lines = function.end_line - function.start_line + 1;
            if lines <= FUNCTION_LINES_MAX {
                continue;
            }
            let allowed = LONG_FUNCTIONS
                .iter()
                .any(|(f, n, _)| *f == name && *n == function.name);
            if allowed {
                allowed_seen.push((name.clone(), function.name.clone()));
            } else {
                hits.push(format!(
                    "{name}:{}: fn {} is {lines} lines",
                    function.start_line, function.name
                ));
            }
        }
    }
    assert!(
        hits.is_empty(),
        "functions over {FUNCTION_LINES_MAX} lines (split them, or list them in \
         LONG_FUNCTIONS with a reason):\n{}",
        hits.join("\n")
    );
    for (file, name, reason) in LONG_FUNCTIONS {
        assert!(
            !reason.is_empty(),
            "{file}: {name} is allowed without a reason"
        );
        assert!(
            allowed_seen.iter().any(|(f, n)| f == file && n == name),
            "{file}: fn {name} is on the allow-list but is no longer long; remove it"
        );
    }
}

#[test]
fn nothing_cites_a_file_outside_the_repository() {
    let exts = [
        ".rs",
        ".md",
        ".toml",
        ".json",
        ".sh",
        ".yml",
        ".yaml",
        "Dockerfile",
    ];
    let mut hits = Vec::new();
    for file in workspace_files(&exts) {
        if file.ends_with("crates/sim/tests/tidy.rs") {
            continue;
        }
        let text = fs::read_to_string(&file).unwrap();
        for (number, line) in text.lines().enumerate() {
            for pattern in OUTSIDE_REFERENCES {
                if line.contains(pattern) {
                    hits.push(format!(
                        "{}:{}: cites {pattern}",
                        relative(&file),
                        number + 1
                    ));
                }
            }
        }
    }
    assert!(
        hits.is_empty(),
        "references to files outside the repository (state the fact in our own words):\n{}",
        hits.join("\n")
    );
}

#[test]
fn architecture_names_only_files_that_exist() {
    let every_path: Vec<String> = workspace_files(&[""]).iter().map(|f| relative(f)).collect();
    let text = fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let mut missing = Vec::new();
    let names: Vec<String> = code_spans(&text)
        .into_iter()
        .filter(|s| looks_like_a_path(s))
        .collect();
    assert!(names.len() > 40, "found the file names: {names:?}");
    for name in names {
        if !names_an_existing_path(&name, &every_path) {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names files that do not exist:\n{}",
        missing.join("\n")
    );
}

/// The checks themselves can fail: hand-made violations are found, and braces in
/// strings, chars and comments do not confuse the function finder.
#[test]
fn the_checks_catch_hand_made_violations() {
    let body = "    let x = 1;\n".repeat(FUNCTION_LINES_MAX);
    let text = format!(
        "//! x\nfn short() {{ let s = \"{{\"; let c = '{{'; }}\n// }} {{\n\
         pub(crate) fn long<'a>(v: &'a [u8]) -> Option<&'a u8> {{\n{body}}}\n\
         trait T {{ fn declared(&self); }}\nconst R: &str = r#\"fn fake() {{\"#;\n"
    );
    let found: Vec<(String, usize)> = functions(&text)
        .into_iter()
        .map(|f| (f.name, f.end_line - f.start_line + 1))
        .collect();
    let expected = [
        ("short".to_string(), 1),
        ("long".to_string(), FUNCTION_LINES_MAX + 2),
    ];
    assert_eq!(found, expected);

    let every_path = vec!["crates/sim/src/world.rs".to_string()];
    assert!(names_an_existing_path("world.rs", &every_path));
    assert!(names_an_existing_path("sim/src/", &every_path));
    assert!(!names_an_existing_path("orld.rs", &every_path));
    assert!(!names_an_existing_path(
        "crates/sim/src/nowhere.rs",
        &every_path
    ));
    let spans = code_spans("see `a/b.rs` and `World`\n```\n`c.rs`\n```\n`docs/`");
    let paths: Vec<&String> = spans.iter().filter(|s| looks_like_a_path(s)).collect();
    assert_eq!(paths, ["a/b.rs", "docs/"]);
}

/// The text of each `code span` in a markdown document.
fn code_spans(text: &str) -> Vec<String> {
    let mut spans = Vec::new();
    let mut in_fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let pieces: Vec<&str> = line.split('`').collect();
        spans.extend(pieces.iter().skip(1).step_by(2).map(|s| s.to_string()));
    }
    spans
}

/// A span that names a file or directory: a path with a known extension, or a
/// directory written with its trailing slash. Placeholders (`<name>`) are skipped.
fn looks_like_a_path(span: &str) -> bool {
    const EXTS: &[&str] = &[".rs", ".md", ".json", ".sh", ".toml", ".html", ".yml"];
    let plain = !span.contains(|c: char| c.is_whitespace() || "<>*()".contains(c));
    plain && (EXTS.iter().any(|ext| span.ends_with(ext)) || span.ends_with('/'))
}

/// A name exists when some repository path is it, ends with it, or (a directory)
/// contains it as a whole component sequence.
fn names_an_existing_path(name: &str, every_path: &[String]) -> bool {
    let name = name.trim_start_matches("./");
    every_path.iter().any(|path| {
        let path = format!("/{path}");
        if let Some(dir) = name.strip_suffix('/') {
            path.contains(&format!("/{dir}/"))
        } else {
            path.ends_with(&format!("/{name}"))
        }
    })
}

/// One function found in a source file: its name and the lines of its `fn` keyword
/// and its closing brace (1-based).
struct Function {
    name: String,
    start_line: usize,
    end_line: usize,
}

/// The functions with bodies in `text`, nested ones included.
fn functions(text: &str) -> Vec<Function> {
    let code = code_only(text);
    let chars: Vec<char> = code.chars().collect();
    let line_of = line_starts(&chars);
    let mut found = Vec::new();
    let mut i = 0;
    while i + 2 < chars.len() {
        if let Some((name, body_start)) = function_at(&chars, i) {
            if let Some(body_end) = matching_brace(&chars, body_start) {
                found.push(Function {
                    name,
                    start_line: line_of(i),
                    end_line: line_of(body_end),
                });
            }
        }
        i += 1;
    }
    found
}

/// A map from a char index to its 1-based line number.
fn line_starts(chars: &[char]) -> impl Fn(usize) -> usize {
    let newlines: Vec<usize> = (0..chars.len()).filter(|&i| chars[i] == '\n').collect();
    move |index| newlines.partition_point(|&n| n < index) + 1
}

/// When a `fn name` starts at `i` and has a body, its name and the index of the `{`.
fn function_at(chars: &[char], i: usize) -> Option<(String, usize)> {
    let before_ok = i == 0 || !is_ident(chars[i - 1]);
    if !before_ok || chars[i] != 'f' || chars[i + 1] != 'n' || !chars[i + 2].is_whitespace() {
        return None;
    }
    let mut j = i + 2;
    while j < chars.len() && chars[j].is_whitespace() {
        j += 1;
    }
    let name_start = j;
    while j < chars.len() && is_ident(chars[j]) {
        j += 1;
    }
    if j == name_start {
        return None;
    }
    let name: String = chars[name_start..j].iter().collect();
    let mut depth = 0i32;
    while j < chars.len() {
        match chars[j] {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            '{' if depth == 0 => return Some((name, j)),
            ';' if depth == 0 => return None,
            _ => {}
        }
        j += 1;
    }
    None
}

fn matching_brace(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (offset, c) in chars[open..].iter().enumerate() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + offset);
                }
            }
            _ => {}
        }
    }
    None
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `text` with comments, string and char literals blanked out (newlines kept), so
/// braces and keywords inside them are not mistaken for code.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let skipped_to = literal_or_comment_end(&chars, i);
        if skipped_to > i {
            out.extend(
                chars[i..skipped_to]
                    .iter()
                    .map(|&c| if c == '\n' { '\n' } else { ' ' }),
            );
            i = skipped_to;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// When a comment or a literal starts at `i`, the index just past it; otherwise `i`.
fn literal_or_comment_end(chars: &[char], i: usize) -> usize {
    let at = |k: usize| chars.get(k).copied().unwrap_or('\0');
    let prev_ident = i > 0 && is_ident(chars[i - 1]);
    match (at(i), at(i + 1)) {
        ('/', '/') => (i..chars.len())
            .find(|&k| chars[k] == '\n')
            .unwrap_or(chars.len()),
        ('/', '*') => block_comment_end(chars, i),
        ('"', _) => quoted_end(chars, i + 1, '"'),
        ('b', '"') if !prev_ident => quoted_end(chars, i + 2, '"'),
        ('r', '"') | ('r', '#') if !prev_ident => raw_string_end(chars, i + 1).unwrap_or(i),
        ('b', 'r') if !prev_ident && matches!(at(i + 2), '"' | '#') => {
            raw_string_end(chars, i + 2).unwrap_or(i)
        }
        ('\'', '\\') => quoted_end(chars, i + 1, '\''),
        ('\'', _) if at(i + 2) == '\'' => i + 3,
        _ => i,
    }
}

fn block_comment_end(chars: &[char], start: usize) -> usize {
    let mut depth = 0usize;
    let mut k = start;
    while k + 1 < chars.len() {
        if chars[k] == '/' && chars[k + 1] == '*' {
            depth += 1;
            k += 2;
        } else if chars[k] == '*' && chars[k + 1] == '/' {
            depth -= 1;
            k += 2;
            if depth == 0 {
                return k;
            }
        } else {
            k += 1;
        }
    }
    chars.len()
}

/// The index past the closing `quote`, honouring backslash escapes, from `k` inside.
fn quoted_end(chars: &[char], mut k: usize, quote: char) -> usize {
    while k < chars.len() {
        match chars[k] {
            '\\' => k += 2,
            c if c == quote => return k + 1,
            _ => k += 1,
        }
    }
    chars.len()
}

/// A raw string whose `#`s (if any) start at `k`: the index past its end.
fn raw_string_end(chars: &[char], mut k: usize) -> Option<usize> {
    let hashes = chars[k..].iter().take_while(|&&c| c == '#').count();
    k += hashes;
    if chars.get(k) != Some(&'"') {
        return None;
    }
    k += 1;
    while k < chars.len() {
        if chars[k] == '"'
            && chars[k + 1..]
                .iter()
                .take(hashes)
                .filter(|&&c| c == '#')
                .count()
                == hashes
        {
            return Some(k + 1 + hashes);
        }
        k += 1;
    }
    Some(chars.len())
}
