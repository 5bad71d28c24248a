//! What went wrong with a file, in words a user can act on: "permission denied",
//! "no space left on device (disk full)", without the `(os error 13)` tail.

use std::io::{self, ErrorKind};

/// `error` as a short phrase for a message that already names the path.
pub fn describe(error: &io::Error) -> String {
    let phrase = match error.kind() {
        ErrorKind::NotFound => "no such file or directory",
        ErrorKind::PermissionDenied => "permission denied",
        ErrorKind::StorageFull => "no space left on device (disk full)",
        ErrorKind::QuotaExceeded => "disk quota exceeded",
        ErrorKind::ReadOnlyFilesystem => "read-only file system",
        ErrorKind::NotADirectory => "a part of the path is a file, not a directory",
        ErrorKind::IsADirectory => "it is a directory",
        ErrorKind::InvalidData => "it is not UTF-8 text",
        _ => return without_os_error_code(&error.to_string()),
    };
    phrase.to_string()
}

/// `"Broken pipe (os error 32)"` as `"broken pipe"`.
fn without_os_error_code(text: &str) -> String {
    let text = text.split(" (os error").next().unwrap_or(text);
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_problem_without_the_os_code() {
        let full = io::Error::from_raw_os_error(28);
        assert_eq!(describe(&full), "no space left on device (disk full)");
        let unusual = io::Error::from_raw_os_error(6);
        assert_eq!(describe(&unusual), "no such device or address");
    }
}
