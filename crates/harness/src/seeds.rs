//! Seed ranges and shards: which seeds a fuzz campaign (or one machine of it) runs.
//!
//! `--seeds A..B` is half-open, like Rust ranges. A bare number is refused: `--seeds
//! 10000` could mean ten thousand seeds or seed 10000 alone, so the error names both
//! spellings (`0..10000`, `10000..10001`). `--shard K/N` keeps every N-th seed
//! starting at the K-th, so each shard gets an even mix of the range and the N shards
//! of a range are disjoint and cover it exactly, whatever runs them.
//!
//! A shard's seeds are produced lazily, in increasing order: a range of 2^64 seeds
//! costs no more memory than one of ten. Because a campaign runs them in order, the
//! seeds it ran before stopping are a prefix of its shard, and [`SeedRange::resume_from`]
//! gives the range whose same shard is exactly the rest.

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

/// The seeds of one shard of a range, in increasing order, computed as they are drawn.
#[derive(Clone, Debug)]
pub struct ShardSeeds {
    /// The next seed to yield, if any is left.
    next: Option<u64>,
    end: u64,
    step: u64,
}

impl SeedRange {
    /// Parses `A..B` (B exclusive, A < B).
    pub fn parse(text: &str) -> Result<SeedRange, String> {
        let number = |s: &str| {
            s.trim()
                .parse::<u64>()
                .map_err(|_| format!("`{s}` is not a seed; expected a range like 0..1000"))
        };
        let Some((a, b)) = text.split_once("..") else {
            return Err(bare_number_error(text, number(text)?));
        };
        let range = SeedRange {
            start: number(a)?,
            end: number(b)?,
        };
        if range.start >= range.end {
            return Err(format!("`{text}` is empty; expected A..B with A < B"));
        }
        Ok(range)
    }

    pub fn len(&self) -> u64 {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(&self) -> bool {
        self.start >= self.end
    }

    /// The seeds of `shard`, in increasing order, drawn lazily.
    pub fn seeds(&self, shard: Shard) -> ShardSeeds {
        let first = self
            .start
            .checked_add(shard.index)
            .filter(|&s| s < self.end);
        ShardSeeds {
            next: first,
            end: self.end,
            step: shard.count.max(1),
        }
    }

    /// The range whose seeds for `shard` are exactly this range's seeds for `shard`
    /// from `next_seed` on, where `next_seed` is one of them: what a campaign that
    /// stopped before `next_seed` runs to finish its shard.
    pub fn resume_from(&self, shard: Shard, next_seed: u64) -> SeedRange {
        SeedRange {
            start: next_seed.saturating_sub(shard.index).max(self.start),
            end: self.end,
        }
    }
}

/// The error for a bare number `N`: which of the two ranges did the user mean?
fn bare_number_error(text: &str, seed: u64) -> String {
    match seed.checked_add(1) {
        Some(next) => format!(
            "`{text}` is ambiguous; write 0..{seed} for {seed} seeds, or {seed}..{next} for seed \
                {seed} alone"
        ),
        None => format!("`{text}` is ambiguous; write 0..{seed} for {seed} seeds"),
    }
}

impl ShardSeeds {
    /// How many seeds are left to draw.
    pub fn remaining(&self) -> u64 {
        self.next
            .map_or(0, |next| (self.end - 1 - next) / self.step + 1)
    }
}

impl Iterator for ShardSeeds {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        let seed = self.next?;
        self.next = seed.checked_add(self.step).filter(|&s| s < self.end);
        Some(seed)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = usize::try_from(self.remaining()).ok();
        (left.unwrap_or(usize::MAX), left)
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

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(start: u64, end: u64) -> SeedRange {
        SeedRange { start, end }
    }

    #[test]
    fn parses_ranges() {
        assert_eq!(SeedRange::parse("0..1000"), Ok(range(0, 1000)));
        assert!(SeedRange::parse("5..5").is_err());
        assert!(SeedRange::parse("a..b").is_err());
    }

    #[test]
    fn a_bare_number_is_refused_with_both_meanings_spelled_out() {
        let message = SeedRange::parse("10000").unwrap_err();
        assert!(message.contains("0..10000"), "{message}");
        assert!(message.contains("10000..10001"), "{message}");
        let message = SeedRange::parse("18446744073709551615").unwrap_err();
        assert!(message.contains("0..18446744073709551615"), "{message}");
    }

    #[test]
    fn shards_are_disjoint_and_cover_the_range_exactly() {
        let range = range(13, 1_013);
        for count in [1, 2, 3, 7, 64, 2_000] {
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
    fn remaining_counts_what_the_iterator_yields() {
        for (r, shard) in [
            (range(0, 10), Shard::ALL),
            (range(3, 17), Shard { index: 2, count: 5 }),
            (range(3, 5), Shard { index: 4, count: 5 }),
            (range(u64::MAX - 9, u64::MAX), Shard { index: 1, count: 3 }),
        ] {
            let mut seeds = r.seeds(shard);
            let expected = seeds.clone().count() as u64;
            assert_eq!(seeds.remaining(), expected, "{r} shard {shard}");
            seeds.next();
            assert_eq!(seeds.remaining(), expected.saturating_sub(1));
        }
    }

    #[test]
    fn the_whole_u64_range_is_drawn_lazily() {
        let all = range(0, u64::MAX);
        assert_eq!(all.seeds(Shard::ALL).remaining(), u64::MAX);
        let last = Shard { index: 6, count: 7 };
        let mut tail = all.seeds(last);
        assert_eq!(tail.next(), Some(6));
        let resumed = all.resume_from(last, u64::MAX - 2);
        assert_eq!(resumed.seeds(last).collect::<Vec<_>>(), [u64::MAX - 2]);
    }

    #[test]
    fn resuming_a_shard_runs_exactly_the_seeds_not_yet_run() {
        let r = range(5, 300);
        for shard in [
            Shard::ALL,
            Shard { index: 2, count: 3 },
            Shard { index: 0, count: 7 },
        ] {
            let seeds: Vec<u64> = r.seeds(shard).collect();
            for done in 0..seeds.len() {
                let rest: Vec<u64> = r.resume_from(shard, seeds[done]).seeds(shard).collect();
                assert_eq!(rest, seeds[done..], "{r} shard {shard} after {done}");
            }
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
