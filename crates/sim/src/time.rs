//! Virtual time: unsigned nanoseconds since the start of a run.
//!
//! The World keeps true time; each node sees its own (possibly skewed) reading of it
//! through [`crate::clock::NodeClock`]. Plain `u64` keeps the event queue cheap.

/// Nanoseconds of virtual time (true time in the World, local time in a node's clock).
pub type Nanos = u64;

pub const MICROSECOND: Nanos = 1_000;
pub const MILLISECOND: Nanos = 1_000_000;
pub const SECOND: Nanos = 1_000_000_000;

/// Formats a time for people: `1.250s`, `12.5ms`, `700µs`, `42ns`.
pub fn format_nanos(t: Nanos) -> String {
    if t >= SECOND {
        format!("{:.3}s", t as f64 / SECOND as f64)
    } else if t >= MILLISECOND {
        format!("{:.3}ms", t as f64 / MILLISECOND as f64)
    } else if t >= MICROSECOND {
        format!("{:.3}µs", t as f64 / MICROSECOND as f64)
    } else {
        format!("{t}ns")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_each_unit() {
        assert_eq!(format_nanos(42), "42ns");
        assert_eq!(format_nanos(1_500), "1.500µs");
        assert_eq!(format_nanos(12_500_000), "12.500ms");
        assert_eq!(format_nanos(1_250_000_000), "1.250s");
    }
}
