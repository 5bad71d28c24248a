//! Durations in the schema: regular expressions that match exactly the text
//! `crate::duration::parse_signed` reads as a number and a unit (`"150ms"`, `"1.5s"`,
//! `".5s"`, `" 2s "`), so an editor flags `"5 seconds"` or `"150"` as the run would.
//!
//! What no pattern says: a number too large for nanoseconds, and validation's limit of
//! a day. A non-negative duration's pattern refuses every `-`, where the parser lets
//! through the negative zero `"-0s"` (it reads as zero).

use serde_json::{json, Value};

/// Whitespace as `str::trim` strips it (`char::is_whitespace`), which the parser does
/// first; spelled out, because a regular expression's `\s` is not quite the same set.
const SPACE: &str =
    r"[\t\n\x0B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*";

/// Digits with at most one point and at least one digit: what `f64::from_str` takes
/// from the digits-and-points prefix the parser splits off.
const NUMBER: &str = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)";

/// A number that is zero.
const ZERO: &str = r"(?:0+(?:\.0*)?|\.0+)";

/// The units the parser knows.
const UNIT: &str = "(?:ns|us|µs|ms|s|m)";

/// A duration of zero or more (`"150ms"`).
pub fn duration_pattern() -> String {
    format!("^{SPACE}{NUMBER}{UNIT}{SPACE}$")
}

/// A duration that may be negative (`"-200ms"`, a clock jumping back).
pub fn signed_duration_pattern() -> String {
    format!("^{SPACE}-?{NUMBER}{UNIT}{SPACE}$")
}

/// A duration that is zero (`"0s"`, `"0.0ms"`).
fn zero_pattern() -> String {
    format!("^{SPACE}{ZERO}{UNIT}{SPACE}$")
}

/// A duration that must be more than zero (the random nemesis's `*_every`).
pub(super) fn positive() -> Value {
    json!({ "not": { "type": "string", "pattern": zero_pattern() } })
}

/// Puts the patterns on the `Duration` and `SignedDuration` definitions.
pub(super) fn refine(schema: &mut Value) {
    *super::definition(schema, "Duration") = json!({
        "type": "string",
        "pattern": duration_pattern(),
        "description": "A duration: a number and a unit (ns, us, ms, s, m), like \"150ms\", \"2s\" \
            or \"1.5s\".",
        "examples": ["150ms", "2s", "1.5s"],
    });
    *super::definition(schema, "SignedDuration") = json!({
        "type": "string",
        "pattern": signed_duration_pattern(),
        "description": "A duration that may be negative, like \"-200ms\" or \"50ms\".",
        "examples": ["-200ms", "50ms"],
    });
}
