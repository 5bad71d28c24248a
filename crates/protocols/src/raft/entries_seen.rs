//! What Raft's checker remembers of log entries, by index, for the whole run: every
//! committed entry (State Machine Safety, Leader Completeness) and every log tail
//! (Log Matching).
//!
//! Nothing here can be forgotten: a server that restarts replays its log from disk
//! and may commit, or hold as its tail, any index above its snapshot again. Log
//! indices are dense from 1, so both records are vectors indexed by log index rather
//! than ordered maps: about 40 bytes an index where the maps took about four times
//! that (an hour of the Raft nemesis commits about 40,000 entries). An index far
//! past the others (a corrupt snapshot's) is kept in a map instead, so no mutant's
//! index makes the checker allocate the gap.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

/// How far past the highest index held densely an index may be and still be held
/// densely: a log index far beyond every other (a corrupt snapshot's, say) goes to a
/// map instead of allocating the gap.
const DENSE_GAP_MAX: usize = 4096;

/// Values by log index: in a vector while indices stay close together, in a map
/// past that. `unseen` fills the vector's holes.
#[derive(Debug)]
struct ByIndex<T> {
    dense: Vec<T>,
    sparse: BTreeMap<u64, T>,
    unseen: T,
}

impl<T: Copy + PartialEq> ByIndex<T> {
    fn new(unseen: T) -> Self {
        ByIndex {
            dense: Vec::new(),
            sparse: BTreeMap::new(),
            unseen,
        }
    }

    fn get(&self, index: u64) -> Option<&T> {
        let dense = usize::try_from(index)
            .ok()
            .and_then(|at| self.dense.get(at));
        let dense = dense.filter(|value| **value != self.unseen);
        dense.or_else(|| self.sparse.get(&index))
    }

    fn set(&mut self, index: u64, value: T) {
        let at = usize::try_from(index).unwrap_or(usize::MAX);
        let near = at < self.dense.len().saturating_add(DENSE_GAP_MAX);
        if self.sparse.contains_key(&index) || !near {
            self.sparse.insert(index, value);
            return;
        }
        if self.dense.len() <= at {
            self.dense.resize(at + 1, self.unseen);
        }
        self.dense[at] = value;
    }

    /// The values from `index` up, in index order.
    fn from(&self, index: u64) -> impl Iterator<Item = (u64, &T)> {
        let start = usize::try_from(index).unwrap_or(usize::MAX);
        let dense = self.dense.iter().enumerate().skip(start);
        let dense = dense.filter(|(_, value)| **value != self.unseen);
        let mut dense = dense.map(|(i, value)| (i as u64, value)).peekable();
        let mut sparse = self.sparse.range(index..).map(|(&i, v)| (i, v)).peekable();
        std::iter::from_fn(move || match (dense.peek(), sparse.peek()) {
            (Some(d), Some(s)) if s.0 < d.0 => sparse.next(),
            (Some(_), _) => dense.next(),
            (None, _) => sparse.next(),
        })
    }
}

/// An entry seen committed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Committed {
    pub term: u64,
    /// The hash of its command.
    pub hash: u64,
    /// The lowest server term in which it was seen committed.
    pub in_term: u64,
}

/// Every committed entry seen, by index.
#[derive(Debug)]
pub struct CommittedEntries {
    by_index: ByIndex<Committed>,
    newest_index: u64,
}

impl Default for CommittedEntries {
    fn default() -> Self {
        // Term 0 marks an index not seen: Raft's terms start at 1.
        let unseen = Committed {
            term: 0,
            hash: 0,
            in_term: 0,
        };
        CommittedEntries {
            by_index: ByIndex::new(unseen),
            newest_index: 0,
        }
    }
}

impl CommittedEntries {
    pub fn get(&self, index: u64) -> Option<&Committed> {
        self.by_index.get(index)
    }

    /// Records the entry first seen committed at `index`.
    pub fn insert(&mut self, index: u64, entry: Committed) {
        assert!(entry.term > 0, "Raft terms start at 1");
        self.by_index.set(index, entry);
        self.newest_index = self.newest_index.max(index);
    }

    /// The committed entry at the highest index.
    pub fn newest(&self) -> Option<(u64, &Committed)> {
        let newest = self.get(self.newest_index)?;
        Some((self.newest_index, newest))
    }

    /// The committed entries from `index` up, in index order.
    pub fn from(&self, index: u64) -> impl Iterator<Item = (u64, &Committed)> {
        self.by_index.from(index)
    }
}

/// The command hash of every (index, term) seen as some server's log tail: the
/// first term seen at an index by index, any others in a map.
#[derive(Debug)]
pub struct TailsSeen {
    /// Index → (term, hash); term 0 where none was seen.
    first: ByIndex<(u64, u64)>,
    others: BTreeMap<(u64, u64), u64>,
}

impl Default for TailsSeen {
    fn default() -> Self {
        TailsSeen {
            first: ByIndex::new((0, 0)),
            others: BTreeMap::new(),
        }
    }
}

impl TailsSeen {
    /// Records the tail (`index`, `term`) holding a command of hash `hash`, unless
    /// one was recorded before for the same index and term: then that one's hash.
    pub fn insert(&mut self, index: u64, term: u64, hash: u64) -> Option<u64> {
        assert!(term > 0, "Raft terms start at 1");
        match self.first.get(index).copied() {
            None => {
                self.first.set(index, (term, hash));
                None
            }
            Some((seen, before)) if seen == term => Some(before),
            Some(_) => match self.others.entry((index, term)) {
                Entry::Occupied(before) => Some(*before.get()),
                Entry::Vacant(new) => {
                    new.insert(hash);
                    None
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn committed(term: u64) -> Committed {
        Committed {
            term,
            hash: term * 10,
            in_term: term + 1,
        }
    }

    #[test]
    fn committed_entries_are_found_by_index_with_gaps_unseen() {
        let mut entries = CommittedEntries::default();
        assert_eq!(entries.newest(), None);
        entries.insert(1, committed(1));
        entries.insert(4, committed(2));
        entries.insert(3, committed(2));
        assert_eq!(entries.get(1), Some(&committed(1)));
        assert_eq!(entries.get(2), None);
        assert_eq!(entries.get(0), None);
        assert_eq!(entries.get(9), None);
        assert_eq!(entries.newest(), Some((4, &committed(2))));
        let from: Vec<u64> = entries.from(2).map(|(i, _)| i).collect();
        assert_eq!(from, vec![3, 4]);
    }

    #[test]
    fn an_index_far_past_the_others_is_held_without_allocating_the_gap() {
        let mut entries = CommittedEntries::default();
        entries.insert(2, committed(1));
        entries.insert(u64::MAX - 1, committed(3));
        entries.insert(1 << 40, committed(2));
        entries.insert(3, committed(1));
        assert!(
            entries.by_index.dense.len() < 10,
            "the gap was not allocated"
        );
        assert_eq!(entries.get(1 << 40), Some(&committed(2)));
        assert_eq!(entries.newest(), Some((u64::MAX - 1, &committed(3))));
        let from: Vec<u64> = entries.from(0).map(|(i, _)| i).collect();
        assert_eq!(from, vec![2, 3, 1 << 40, u64::MAX - 1], "in index order");
        let mut tails = TailsSeen::default();
        assert_eq!(tails.insert(u64::MAX, 4, 1), None);
        assert_eq!(tails.insert(u64::MAX, 4, 2), Some(1));
    }

    #[test]
    fn sparse_and_dense_indices_merge_in_order() {
        let mut by_index = ByIndex::new(0u64);
        by_index.set(5000, 1); // far: into the map
        for index in 1..=4999 {
            by_index.set(index, 2); // the vector grows up to it
        }
        by_index.set(5001, 3);
        assert_eq!(by_index.get(5000), Some(&1));
        let from: Vec<u64> = by_index.from(4998).map(|(i, _)| i).collect();
        assert_eq!(from, vec![4998, 4999, 5000, 5001]);
    }

    #[test]
    fn a_tail_reports_the_hash_seen_before_at_its_index_and_term() {
        let mut tails = TailsSeen::default();
        assert_eq!(tails.insert(5, 2, 7), None);
        assert_eq!(tails.insert(5, 2, 8), Some(7), "same index and term");
        assert_eq!(tails.insert(5, 3, 9), None, "another term at the index");
        assert_eq!(tails.insert(5, 3, 9), Some(9));
        assert_eq!(
            tails.insert(5, 2, 7),
            Some(7),
            "the first term kept its hash"
        );
        assert_eq!(tails.insert(2, 1, 1), None);
    }
}
