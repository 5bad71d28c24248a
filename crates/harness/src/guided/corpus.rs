//! The corpus of a guided campaign: the runs worth mutating, in their explicit form,
//! and how often every feature has been reached so far.
//!
//! A run is kept when it reached a feature no earlier run had (a situation, a count
//! of it, or a pair of situations together: a new combination), or a rare one (one
//! that at most [`RARE_SHARE`] of the runs so far reached). Its energy, how often it
//! is picked to be mutated, grows with the rarity of what it reached and shrinks each
//! time it is picked, so a run that alone reaches a hard situation is mutated most,
//! but not for ever. The corpus is bounded: past [`CORPUS_ENTRIES_MAX`] the entry
//! with the least energy leaves (the oldest on a tie). Everything is decided from
//! runs merged in run order, so the corpus never depends on threads.

use super::features::Feature;
use crate::scenario::ScenarioFile;
use faultline_sim::rng::SimRng;
use std::collections::BTreeMap;

/// The most entries a corpus keeps.
pub const CORPUS_ENTRIES_MAX: usize = 64;

/// A feature at most this share of the runs reached is rare.
pub const RARE_SHARE: f64 = 0.1;

/// A kept run: its explicit scenario (seed included) and what it reached.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Its index in the campaign (0 is the first run).
    pub run: u64,
    /// The explicit form of the run: faults, script and network as they happened,
    /// with the run's seed.
    pub file: ScenarioFile,
    pub features: Vec<Feature>,
    /// Times it was picked as a parent.
    pub picked: u32,
    /// Features it had that no earlier run had, when it was kept.
    pub new_features: usize,
}

/// The kept runs and the reach of every feature.
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    entries: Vec<Entry>,
    /// Runs that reached each feature.
    runs_by_feature: BTreeMap<Feature, u64>,
    runs_seen: u64,
}

/// Why a run was (or was not) kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    New(usize),
    Rare,
    Ordinary,
}

impl Corpus {
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Runs seen so far.
    pub fn runs_seen(&self) -> u64 {
        self.runs_seen
    }

    /// Distinct features reached so far.
    pub fn features_seen(&self) -> usize {
        self.runs_by_feature.len()
    }

    /// Counts a run's features, and says whether it deserves a place.
    pub fn observe(&mut self, features: &[Feature]) -> Verdict {
        self.runs_seen += 1;
        let mut new = 0;
        for feature in features {
            let runs = self.runs_by_feature.entry(feature.clone()).or_default();
            new += usize::from(*runs == 0);
            *runs += 1;
        }
        if new > 0 {
            Verdict::New(new)
        } else if features.iter().any(|f| self.is_rare(f)) {
            Verdict::Rare
        } else {
            Verdict::Ordinary
        }
    }

    pub fn share(&self, feature: &Feature) -> f64 {
        let runs = self.runs_by_feature.get(feature).copied().unwrap_or(0);
        runs as f64 / self.runs_seen.max(1) as f64
    }

    fn is_rare(&self, feature: &Feature) -> bool {
        self.share(feature) <= RARE_SHARE
    }

    /// Keeps `entry`, evicting the entry with the least energy when full.
    pub fn admit(&mut self, entry: Entry) {
        self.entries.push(entry);
        if self.entries.len() <= CORPUS_ENTRIES_MAX {
            return;
        }
        let weakest = (0..self.entries.len())
            .min_by(|&a, &b| {
                self.energy(&self.entries[a])
                    .total_cmp(&self.energy(&self.entries[b]))
            })
            .unwrap_or(0);
        self.entries.remove(weakest);
    }

    /// How much an entry deserves mutating: none unless it reaches a rare feature (a
    /// mutant of an ordinary run does no better than a fresh seed); else the square
    /// of the rarity of its rarest feature (the inverse of the share of runs reaching
    /// it), so the few runs that reach something hard get most of the mutations;
    /// divided by the square root of one more than the times it was picked, so they
    /// do not get them all.
    pub fn energy(&self, entry: &Entry) -> f64 {
        let rarest = entry
            .features
            .iter()
            .map(|f| self.share(f))
            .fold(1.0_f64, f64::min);
        if rarest > RARE_SHARE {
            return 0.0;
        }
        let rarity = 1.0 / rarest.max(1.0 / self.runs_seen.max(1) as f64);
        rarity * rarity / (1.0 + f64::from(entry.picked)).sqrt()
    }

    /// Picks a parent with chance proportional to its energy; `None` if empty.
    pub fn pick(&mut self, rng: &mut SimRng) -> Option<&Entry> {
        let energies: Vec<f64> = self.entries.iter().map(|e| self.energy(e)).collect();
        let total: f64 = energies.iter().sum();
        if self.entries.is_empty() || total <= 0.0 {
            return None;
        }
        let mut point = rng.unit() * total;
        let mut chosen = energies.len() - 1;
        for (i, energy) in energies.iter().enumerate() {
            if point < *energy {
                chosen = i;
                break;
            }
            point -= energy;
        }
        self.entries[chosen].picked += 1;
        Some(&self.entries[chosen])
    }

    /// Features kept entries reach that at most [`RARE_SHARE`] of runs reached.
    pub fn rare_features(&self) -> Vec<(Feature, u64)> {
        let mut rare: Vec<(Feature, u64)> = self
            .runs_by_feature
            .iter()
            .filter(|(f, _)| self.is_rare(f))
            .filter(|(f, _)| self.entries.iter().any(|e| e.features.contains(f)))
            .map(|(f, &runs)| (f.clone(), runs))
            .collect();
        rare.sort_by_key(|(_, runs)| *runs);
        rare
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_sim::rng::Stream;

    const NEMESIS: &str = include_str!("../../../../scenarios/raft/nemesis.json");

    fn entry(run: u64, features: &[Feature]) -> Entry {
        Entry {
            run,
            file: serde_json::from_str(NEMESIS).expect("a scenario file"),
            features: features.to_vec(),
            picked: 0,
            new_features: 0,
        }
    }

    #[test]
    fn a_new_feature_is_kept_and_the_rarest_run_is_picked_most() {
        let common = Feature::Reached("common");
        let rare = Feature::Reached("rare");
        let mut corpus = Corpus::default();
        assert_eq!(
            corpus.observe(std::slice::from_ref(&common)),
            Verdict::New(1)
        );
        corpus.admit(entry(0, std::slice::from_ref(&common)));
        for _ in 0..20 {
            assert_eq!(
                corpus.observe(std::slice::from_ref(&common)),
                Verdict::Ordinary
            );
        }
        assert_eq!(corpus.observe(std::slice::from_ref(&rare)), Verdict::New(1));
        corpus.admit(entry(21, std::slice::from_ref(&rare)));
        let mut rng = SimRng::new(1, Stream::Guide);
        let picks: Vec<u64> = (0..10)
            .map(|_| corpus.pick(&mut rng).unwrap().run)
            .collect();
        let rare_picks = picks.iter().filter(|&&r| r == 21).count();
        assert!(rare_picks >= 7, "{picks:?}");
    }
}
