//! Durations as people write them in scenario files: `"150ms"`, `"2s"`, `"1m"`.
//!
//! Parsed once, at load time, into nanoseconds; rendered back in the largest unit that
//! divides the value exactly, so a scenario written by the shrinker reads naturally.
//! Units: `ns`, `us` (or `µs`), `ms`, `s`, `m`. Fractions are allowed (`"1.5s"`).

use faultline_sim::Nanos;
use schemars::JsonSchema;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

const UNITS: &[(&str, u64)] = &[
    ("ns", 1),
    ("us", 1_000),
    ("µs", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("m", 60_000_000_000),
];

/// A non-negative duration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default, JsonSchema)]
#[schemars(
    with = "String",
    description = "a duration like \"150ms\", \"2s\", \"1.5s\""
)]
pub struct Duration(pub Nanos);

/// A duration that may be negative (a clock jumping backwards).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default, JsonSchema)]
#[schemars(with = "String", description = "a signed duration like \"-200ms\"")]
pub struct SignedDuration(pub i64);

/// Parses `"150ms"` into nanoseconds (negative allowed); the error says what was expected.
pub fn parse_signed(text: &str) -> Result<i64, String> {
    let trimmed = text.trim();
    let (negative, body) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let split = body
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(|| {
            format!("`{text}` has no unit; expected a duration like \"150ms\" or \"2s\"")
        })?;
    let (number, unit) = body.split_at(split);
    let scale = UNITS
        .iter()
        .find(|(name, _)| *name == unit)
        .map(|(_, scale)| *scale)
        .ok_or_else(|| format!("`{text}`: unknown unit `{unit}`; expected ns, us, ms, s or m"))?;
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}`: `{number}` is not a number"))?;
    let nanos = value * scale as f64;
    if !nanos.is_finite() || nanos > i64::MAX as f64 {
        return Err(format!("`{text}` is too long"));
    }
    let nanos = nanos.round() as i64;
    Ok(if negative { -nanos } else { nanos })
}

/// Renders nanoseconds in the largest unit that divides them exactly; a value of a
/// millisecond or more that only nanoseconds divide reads as fractional milliseconds
/// (`"5462.317038ms"`, not `"5462317038ns"`).
pub fn render(nanos: i64) -> String {
    let magnitude = nanos.unsigned_abs();
    let sign = if nanos < 0 { "-" } else { "" };
    let ms = 1_000_000;
    if magnitude >= ms && !magnitude.is_multiple_of(1_000) {
        return format!("{sign}{}.{:06}ms", magnitude / ms, magnitude % ms);
    }
    let (name, scale) = UNITS
        .iter()
        .rev()
        .filter(|(name, _)| *name != "µs")
        .find(|(_, scale)| magnitude.is_multiple_of(*scale) && magnitude >= *scale)
        .copied()
        .unwrap_or(("ns", 1));
    format!("{sign}{}{name}", magnitude / scale)
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let nanos = parse_signed(&text).map_err(de::Error::custom)?;
        if nanos < 0 {
            return Err(de::Error::custom(format!(
                "`{text}` is negative; expected a duration of zero or more"
            )));
        }
        Ok(Duration(nanos as Nanos))
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&render(self.0 as i64))
    }
}

impl<'de> Deserialize<'de> for SignedDuration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse_signed(&text)
            .map(SignedDuration)
            .map_err(de::Error::custom)
    }
}

impl Serialize for SignedDuration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&render(self.0))
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render(self.0 as i64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_unit() {
        assert_eq!(parse_signed("150ms"), Ok(150_000_000));
        assert_eq!(parse_signed("2s"), Ok(2_000_000_000));
        assert_eq!(parse_signed("1.5s"), Ok(1_500_000_000));
        assert_eq!(parse_signed("10us"), Ok(10_000));
        assert_eq!(parse_signed("1m"), Ok(60_000_000_000));
        assert_eq!(parse_signed("-200ms"), Ok(-200_000_000));
    }

    #[test]
    fn rejects_bad_text_with_a_reason() {
        assert!(parse_signed("150").unwrap_err().contains("no unit"));
        assert!(parse_signed("3h").unwrap_err().contains("unknown unit"));
        assert!(parse_signed("1.2.3s").unwrap_err().contains("not a number"));
    }

    #[test]
    fn renders_in_the_largest_exact_unit() {
        assert_eq!(render(1_500_000_000), "1500ms");
        assert_eq!(render(2_000_000_000), "2s");
        assert_eq!(render(-200_000_000), "-200ms");
        assert_eq!(render(0), "0ns");
        assert_eq!(render(1_500), "1500ns");
        assert_eq!(render(1_500_000), "1500us");
        assert_eq!(render(5_462_317_038), "5462.317038ms");
        assert_eq!(render(-2_000_001), "-2.000001ms");
    }

    #[test]
    fn every_rendering_parses_back_to_the_same_value() {
        for nanos in [
            0,
            1,
            999,
            1_000_001,
            5_462_317_038,
            86_399_999_999_999,
            -7_000_123,
        ] {
            assert_eq!(parse_signed(&render(nanos)), Ok(nanos), "{}", render(nanos));
        }
    }

    #[test]
    fn negative_duration_is_an_error_where_not_allowed() {
        let err = serde_json::from_str::<Duration>("\"-1s\"").unwrap_err();
        assert!(err.to_string().contains("negative"));
    }
}
