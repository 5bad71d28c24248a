//! Seed ranges and shards: which seeds a fuzz campaign (or one machine of it) runs.
//!
//! `--seeds A..B` is half-open, like Rust ranges. `--shard K/N` keeps every N-th seed
//! starting at the K-th, so each shard gets an even mix of the range and the N shards
//! of a range are disjoint and cover it exactly, whatever runs them.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeedRange {
    pub start: u64,
    pub end: u64,
}

/// Shard `index` of `count` (0-based index).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl SeedRange {
    /// Parses `A..B` (B exclusive) or a single seed `A`.
    pub fn parse(text: &str) -> Result<SeedRange, String> {
        let number = |s: &str| {
            s.trim()
                .parse::<u64>()
                .map_err(|_| format!("`{s}` is not a seed; expected a range like 0..1000"))
        };
        let range = match text.split_once("..") {
            Some((a, b)) => SeedRange {
                start: number(a)?,
                end: number(b)?,
            },
            None => {
                let seed = number(text)?;
                SeedRange {
                    start: seed,
                    end: seed.saturating_add(1),
                }
            }
        };
        if range.start >= range.end {
            return Err(format!("`{text}` is empty; expected A..B with A < B"));
        }
        Ok(range)
    }

    pub fn len(&self) -> u64 {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start >= self.end
    }

    /// The seeds of `shard`, in increasing order.
    pub fn seeds(&self, shard: Shard) -> Vec<u64> {
        let first = self.start + shard.index;
        (first..self.end).step_by(shard.count as usize).collect()
    }
}

impl fmt::Display for SeedRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl Shard {
    /// The whole range.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Parses `K/N` with 0 <= K < N.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}`: expected K/N, e.g. 0/4"))?;
        let parse = |s: &str| {
            s.trim()
                .parse::<u64>()
                .map_err(|_| format!("`{text}`: expected K/N, e.g. 0/4"))
        };
        let shard = Shard {
            index: parse(k)?,
            count: parse(n)?,
        };
        if shard.count == 0 || shard.index >= shard.count {
            return Err(format!("`{text}`: expected 0 <= K < N"));
        }
        Ok(shard)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ranges_and_single_seeds() {
        assert_eq!(
            SeedRange::parse("0..1000"),
            Ok(SeedRange {
                start: 0,
                end: 1000
            })
        );
        assert_eq!(SeedRange::parse("7"), Ok(SeedRange { start: 7, end: 8 }));
        assert!(SeedRange::parse("5..5").is_err());
        assert!(SeedRange::parse("a..b").is_err());
    }

    #[test]
    fn shards_are_disjoint_and_cover_the_range_exactly() {
        let range = SeedRange {
            start: 13,
            end: 1_013,
        };
        for count in [1, 2, 3, 7, 64] {
            let mut all: Vec<u64> = (0..count)
                .flat_map(|index| range.seeds(Shard { index, count }))
                .collect();
            let total = all.len();
            all.sort_unstable();
            all.dedup();
            assert_eq!(all.len(), total, "disjoint for {count} shards");
            assert_eq!(
                all,
                (13..1_013).collect::<Vec<_>>(),
                "covers for {count} shards"
            );
        }
    }

    #[test]
    fn bad_shards_are_rejected() {
        assert_eq!(Shard::parse("1/4"), Ok(Shard { index: 1, count: 4 }));
        assert!(Shard::parse("4/4").is_err());
        assert!(Shard::parse("0/0").is_err());
        assert!(Shard::parse("x").is_err());
    }
}
