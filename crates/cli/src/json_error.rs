//! Errors as JSON for a command run with `--json`: a program reading the command's
//! stdout as JSON gets `{"error": "...", "exit": 3}` there (one line, the last),
//! instead of plain text on stderr that it never sees.
//!
//! After parsing, whether the command asked for JSON is its own `--json` flag. When
//! the command line itself is bad, there is no parsed command to ask, so the words
//! are read: a `--json` before any `--` counts.

use crate::exit::EXIT_BAD_INPUT;
use crate::output::outln;
use std::ffi::OsString;

/// Whether the command-line `words` (program name first) ask for JSON output.
pub fn asks_for_json(words: &[OsString]) -> bool {
    words
        .iter()
        .skip(1)
        .take_while(|w| *w != "--")
        .any(|w| w == "--json")
}

/// Prints `message` as the JSON error line on stdout.
pub fn print(message: &str) {
    let line = serde_json::json!({ "error": message, "exit": EXIT_BAD_INPUT });
    outln!("{line}");
}

/// The message of a command-line parse error without clap's `error:` prefix and the
/// usage lines that follow it.
pub fn parse_error_message(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    let message = rendered.split("\n\nUsage:").next().unwrap_or(&rendered);
    let message = message
        .split("\n\nFor more information")
        .next()
        .unwrap_or(message);
    message
        .trim()
        .trim_start_matches("error:")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_asked_for_before_a_double_dash_only() {
        let words = |w: &[&str]| w.iter().map(OsString::from).collect::<Vec<_>>();
        assert!(asks_for_json(&words(&["faultline", "run", "--json"])));
        assert!(!asks_for_json(&words(&[
            "faultline",
            "run",
            "--",
            "--json"
        ])));
        assert!(!asks_for_json(&words(&["--json", "run"])));
    }
}
