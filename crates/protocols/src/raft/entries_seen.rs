//! What Raft's checker remembers of log entries, by index, for the whole run: every
//! committed entry (State Machine Safety, Leader Completeness) and every log tail
//! (Log Matching).
//!
//! Nothing here can be forgotten: a server that restarts replays its log from disk
//! and may commit, or hold as its tail, any index above its snapshot again. Log
//! indices are dense from 1, so both records are vectors indexed by log index rather
//! than ordered maps: about 40 bytes an index where the maps took about four times
//! that (an hour of the Raft nemesis commits about 40,000 entries).

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

/// An entry seen committed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Committed {
    pub term: u64,
    /// The hash of its command.
    pub hash: u64,
    /// The lowest server term in which it was seen committed.
    pub in_term: u64,
}

/// Term 0 marks an index not seen: Raft's terms start at 1.
const UNSEEN: Committed = Committed {
    term: 0,
    hash: 0,
    in_term: 0,
};

/// Every committed entry seen, by index.
#[derive(Debug, Default)]
pub struct CommittedEntries {
    by_index: Vec<Committed>,
    newest_index: u64,
}

impl CommittedEntries {
    pub fn get(&self, index: u64) -> Option<&Committed> {
        let entry = self.by_index.get(usize::try_from(index).ok()?)?;
        (entry.term != 0).then_some(entry)
    }

    /// Records the entry first seen committed at `index`.
    pub fn insert(&mut self, index: u64, entry: Committed) {
        assert!(entry.term > 0, "Raft terms start at 1");
        let at = usize::try_from(index).expect("a log index fits memory");
        if self.by_index.len() <= at {
            self.by_index.resize(at + 1, UNSEEN);
        }
        self.by_index[at] = entry;
        self.newest_index = self.newest_index.max(index);
    }

    /// The committed entry at the highest index.
    pub fn newest(&self) -> Option<(u64, &Committed)> {
        let newest = self.get(self.newest_index)?;
        Some((self.newest_index, newest))
    }

    /// The committed entries from `index` up, in index order.
    pub fn from(&self, index: u64) -> impl Iterator<Item = (u64, &Committed)> {
        let start = usize::try_from(index).unwrap_or(usize::MAX);
        let entries = self.by_index.iter().enumerate().skip(start);
        entries.filter_map(|(i, e)| (e.term != 0).then_some((i as u64, e)))
    }
}

/// The command hash of every (index, term) seen as some server's log tail: the
/// first term seen at an index beside the index, any others in a map.
#[derive(Debug, Default)]
pub struct TailsSeen {
    /// Index → (term, hash); term 0 where none was seen.
    first: Vec<(u64, u64)>,
    others: BTreeMap<(u64, u64), u64>,
}

impl TailsSeen {
    /// Records the tail (`index`, `term`) holding a command of hash `hash`, unless
    /// one was recorded before for the same index and term: then that one's hash.
    pub fn insert(&mut self, index: u64, term: u64, hash: u64) -> Option<u64> {
        assert!(term > 0, "Raft terms start at 1");
        let at = usize::try_from(index).expect("a log index fits memory");
        if self.first.len() <= at {
            self.first.resize(at + 1, (0, 0));
        }
        match self.first[at] {
            (0, _) => {
                self.first[at] = (term, hash);
                None
            }
            (seen, before) if seen == term => Some(before),
            _ => match self.others.entry((index, term)) {
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
