//! What every command of one build of the command line shares: the protocols it
//! knows and the name it is invoked by, so the commands it prints for a person to
//! run next (`replay`, `shrink`, a reproducing `run`) name the same program.

use faultline_harness::Registry;
use std::ffi::{OsStr, OsString};
use std::path::Path;

/// One build of the command line: its registry and its program name.
pub struct App {
    pub registry: Registry,
    /// The name commands are printed with (`faultline`, or a user's binary).
    pub program: String,
}

impl App {
    /// The app for `registry`, named after the executable `argv0` (`faultline` when
    /// there is none).
    /// A program started by a path (`./target/release/faultline`) is printed by that
    /// path, so the printed commands run from the same directory whether or not it is
    /// on the PATH; one started by name is printed by its name.
    pub fn new(registry: Registry, argv0: Option<OsString>) -> Self {
        let program = argv0
            .filter(|p| !p.is_empty())
            .map(|p| {
                let has_dir = Path::new(&p).components().count() > 1;
                if has_dir {
                    shell_word(&p)
                } else {
                    p.to_string_lossy().into_owned()
                }
            })
            .unwrap_or_else(|| "faultline".to_string());
        App { registry, program }
    }

    /// The app for `registry`, printing commands as `program` (a name on the PATH,
    /// or `cargo run --release --`).
    pub fn named(registry: Registry, program: &str) -> Self {
        App {
            registry,
            program: program.to_string(),
        }
    }

    /// `words` as a command line of this program, each quoted for a POSIX shell
    /// where it needs to be: `faultline replay 'my traces/t.jsonl'`.
    pub fn command<I, S>(&self, words: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut line = self.program.clone();
        for word in words {
            line.push(' ');
            line.push_str(&shell_word(word.as_ref()));
        }
        line
    }
}

/// `word` as one POSIX shell word: as is when it is plain, in single quotes when it
/// holds anything a shell would read, and as `$'...'` with `\xNN` escapes when it is
/// not UTF-8, so a path is printed as the bytes it is, never as `?`.
pub fn shell_word(word: &OsStr) -> String {
    let Some(text) = word.to_str() else {
        return ansi_c_quoted(word);
    };
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        return text.to_string();
    }
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// `$'...'` quoting of arbitrary bytes (bash, zsh, ksh and POSIX 2024 sh).
fn ansi_c_quoted(word: &OsStr) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut quoted = String::from("$'");
    for &byte in word.as_bytes() {
        match byte {
            b'\'' | b'\\' => quoted.push_str(&format!("\\{}", byte as char)),
            0x20..=0x7e => quoted.push(byte as char),
            _ => quoted.push_str(&format!("\\x{byte:02x}")),
        }
    }
    quoted.push('\'');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_only_when_a_shell_would_read_them() {
        let word = |s: &str| shell_word(OsStr::new(s));
        assert_eq!(word("traces/a-b_1.jsonl"), "traces/a-b_1.jsonl");
        assert_eq!(word("my traces/t.jsonl"), "'my traces/t.jsonl'");
        assert_eq!(word("it's"), r"'it'\''s'");
        assert_eq!(word(""), "''");
        assert_eq!(word("$HOME"), "'$HOME'");
    }

    #[test]
    fn non_utf8_words_keep_their_bytes() {
        use std::os::unix::ffi::OsStrExt;
        let word = OsStr::from_bytes(b"t\xff 'x'.json");
        assert_eq!(shell_word(word), r"$'t\xff \'x\'.json'");
    }
}
