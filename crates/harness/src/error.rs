//! Errors in what a user wrote: where (file, line, column, field path) and what was expected.
//!
//! Every problem with a scenario, trace or option surfaces as an [`InputError`], which
//! the CLI prints as `file:line:column: path: message` and turns into exit code 3.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct InputError {
    pub file: String,
    /// 1-based; 0 when the problem is not at one place in the file.
    pub line: usize,
    pub column: usize,
    /// The field path, e.g. `faults.schedule[1].at`; empty for the whole file.
    pub path: String,
    pub message: String,
}

impl InputError {
    pub fn whole_file(file: &str, message: impl Into<String>) -> Self {
        InputError {
            file: file.to_string(),
            line: 0,
            column: 0,
            path: String::new(),
            message: message.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        if !self.path.is_empty() {
            write!(f, ": {}", self.path)?;
        }
        write!(f, ": {}", self.message)
    }
}
