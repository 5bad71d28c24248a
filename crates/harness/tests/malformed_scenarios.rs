//! Bad input gets an error, never a panic: every scenario file in `scenarios/`,
//! mangled thousands of ways (bytes flipped or cut, numbers made huge, negative or
//! fractional, strings emptied), either validates or fails with a located error, and
//! one that validates also runs (cut down to a short, small run) without a panic.
//! Mutations are drawn from a seeded stream, so a failure here reproduces.

use faultline_harness::duration::Duration;
use faultline_harness::Registry;
use faultline_harness::{run, RunOptions, Scenario};
use faultline_protocols::BuiltinProtocols;
use faultline_sim::rng::{SimRng, Stream};
use faultline_sim::MILLISECOND;
use std::path::{Path, PathBuf};

fn scenario_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            scenario_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// Replacements for a number that tend to break arithmetic.
const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "1e308",
    "0.5",
    "-0",
];

/// Replacements for a string value.
const STRINGS: &[&str] = &[
    "\"\"",
    "\"0ns\"",
    "\"-5ms\"",
    "\"99999999999999999999s\"",
    "\"1.5.5s\"",
    "\"leader\"",
    "\"random\"",
    "\"ring\"",
    "\"get\"",
    "\"k0\"",
];

fn mutate(text: &str, rng: &mut SimRng) -> String {
    let bytes = text.as_bytes();
    let at = rng.below(bytes.len() as u64) as usize;
    match rng.below(4) {
        0 => {
            // Cut a piece out.
            let len = rng.below(8) as usize + 1;
            let end = (at + len).min(bytes.len());
            String::from_utf8_lossy(&[&bytes[..at], &bytes[end..]].concat()).into_owned()
        }
        1 => replace_token(
            text,
            at,
            |c| c.is_ascii_digit() || c == '-' || c == '.',
            NUMBERS,
            rng,
        ),
        2 => replace_quoted(text, at, rng),
        _ => {
            // Put a stray character in.
            let stray = [b'{', b'}', b'[', b']', b',', b':', b'"', b'0'][rng.below(8) as usize];
            String::from_utf8_lossy(&[&bytes[..at], &[stray], &bytes[at..]].concat()).into_owned()
        }
    }
}

/// Replaces the run of `is_token` characters at or after `at` with a pick of `choices`.
fn replace_token(
    text: &str,
    at: usize,
    is_token: impl Fn(char) -> bool,
    choices: &[&str],
    rng: &mut SimRng,
) -> String {
    let Some(start) = text[at..].find(&is_token).map(|i| at + i) else {
        return text.to_string();
    };
    let end = text[start..]
        .find(|c| !is_token(c))
        .map_or(text.len(), |i| start + i);
    let pick = choices[rng.below(choices.len() as u64) as usize];
    format!("{}{pick}{}", &text[..start], &text[end..])
}

/// Replaces the quoted string at or after `at` with a pick of [`STRINGS`].
fn replace_quoted(text: &str, at: usize, rng: &mut SimRng) -> String {
    let Some(start) = text[at..].find('"').map(|i| at + i) else {
        return text.to_string();
    };
    let Some(end) = text[start + 1..].find('"').map(|i| start + 2 + i) else {
        return text.to_string();
    };
    let pick = STRINGS[rng.below(STRINGS.len() as u64) as usize];
    format!("{}{pick}{}", &text[..start], &text[end..])
}

/// The same scenario, cut down so thousands of them run in a second or two (`None`
/// if the cut makes it invalid, say a fault names a node that is gone).
fn small(scenario: Scenario) -> Option<Scenario> {
    let mut file = scenario.file;
    file.duration = Duration(file.duration.0.min(300 * MILLISECOND));
    file.quiet = Duration(file.quiet.0.min(300 * MILLISECOND));
    file.faults.schedule.retain(|e| e.at < file.duration);
    file.protocol.nodes = file.protocol.nodes.min(7);
    if let Some(workload) = file.workload.as_mut() {
        workload.clients = workload.clients.map(|c| c.min(4));
        workload.ops = workload.ops.map(|o| o.min(40));
        workload.script.retain(|e| e.client < 4);
    }
    Scenario::from_file_named(file, "small.json", &Registry::builtin()).ok()
}

#[test]
fn mangled_scenario_files_give_errors_not_panics() {
    let mut files = Vec::new();
    scenario_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios"),
        &mut files,
    );
    files.sort();
    assert!(files.len() > 10, "found the scenario files");
    let mut rng = SimRng::new(2026, Stream::Workload);
    let (mut valid, mut rejected) = (0, 0);
    for path in &files {
        let original = std::fs::read_to_string(path).unwrap();
        for round in 0..300 {
            let mut text = original.clone();
            for _ in 0..=rng.below(3) {
                text = mutate(&text, &mut rng);
            }
            let parsed = std::panic::catch_unwind(|| {
                let scenario = Scenario::parse(&text, "mangled.json", &Registry::builtin())?;
                match small(scenario) {
                    Some(small) => run(&small, &RunOptions::default()).map(|_| ()),
                    None => Ok(()),
                }
            });
            match parsed {
                Ok(Ok(())) => valid += 1,
                Ok(Err(error)) => {
                    rejected += 1;
                    assert!(
                        !error.message.is_empty(),
                        "{}: an error says why",
                        path.display()
                    );
                }
                Err(_) => panic!(
                    "{} mutation {round} panicked; input:\n{text}",
                    path.display()
                ),
            }
        }
    }
    assert!(
        rejected > valid / 4,
        "most mutations are caught: {rejected} rejected, {valid} valid"
    );
}
