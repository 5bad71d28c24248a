//! Shared by the CLI's tests, which run the real binary: running it, a fresh
//! directory per test, its output as text, and the flaky ping-pong scenario several
//! files fuzz and shrink. Each test file uses some of these.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// Ping-pong under pauses with a quiet period too short for some seeds: a few seeds
/// in every hundred are stuck (exit 2), quickly; seed 5 is one, and shrinks in a
/// few runs.
pub const FLAKY_PINGPONG: &str = r#"{
  "name": "pingpong-tight",
  "description": "ping-pong under pauses with a quiet period too short for some seeds",
  "protocol": { "kind": "pingpong", "nodes": 2, "messages": 40 },
  "faults": { "random": { "pause_every": "30ms", "pause_for": "40ms" } },
  "duration": "150ms",
  "quiet": "120ms"
}"#;

/// Runs the binary with `args` and waits for it.
pub fn faultline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// A fresh directory for one test, named by the test and this process.
pub fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("faultline-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn stdout(output: &Output) -> String {
    text(&output.stdout)
}

pub fn stderr(output: &Output) -> String {
    text(&output.stderr)
}

/// A headless browser to open reports in. Under `CI=true` its absence fails the test
/// (`.ci/run` installs Chromium); elsewhere the test says loudly that it was skipped.
pub fn browser_or_skip(test: &str) -> Option<&'static str> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| {
            Command::new(name)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        });
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{test}: chromium is required under CI=true (.ci/run installs it; apt-get install \
                chromium)"
        );
        eprintln!(
            "\n!!!!!!!! SKIPPED {test}: chromium is not installed (apt-get install \
            chromium) !!!!!!!!\n"
        );
    }
    found
}

/// The DOM of `page` after its scripts ran, and the browser's log (script errors
/// show there as `Uncaught`).
pub fn rendered_dom(
    browser: &str,
    page: &std::path::Path,
    profile: &std::path::Path,
) -> (String, String) {
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("the browser runs");
    (stdout(&output), stderr(&output))
}
