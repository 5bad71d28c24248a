//! The replicated log, 1-based, possibly starting after a snapshot.
//!
//! Entries up to `snapshot_index` live only in the snapshot; `snapshot_term` is the
//! term of the last of them, so consistency checks at the boundary still work.

use crate::kv::KvStore;
use crate::raft::machine::Machine;
use crate::raft::messages::Entry;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Log<M: Machine = KvStore> {
    pub snapshot_index: u64,
    pub snapshot_term: u64,
    entries: Vec<Entry<M>>,
}

impl<M: Machine> Default for Log<M> {
    fn default() -> Self {
        Log {
            snapshot_index: 0,
            snapshot_term: 0,
            entries: Vec::new(),
        }
    }
}

impl<M: Machine> Log<M> {
    pub fn last_index(&self) -> u64 {
        self.snapshot_index + self.entries.len() as u64
    }

    pub fn last_term(&self) -> u64 {
        self.entries.last().map_or(self.snapshot_term, |e| e.term)
    }

    /// The term of the entry at `index`; `None` if it is not in the log (or compacted
    /// away, except the snapshot's last index).
    pub fn term_at(&self, index: u64) -> Option<u64> {
        if index == self.snapshot_index {
            return Some(self.snapshot_term);
        }
        self.entry(index).map(|e| e.term)
    }

    pub fn entry(&self, index: u64) -> Option<&Entry<M>> {
        if index <= self.snapshot_index {
            return None;
        }
        self.entries.get((index - self.snapshot_index - 1) as usize)
    }

    /// Entries from `from` to the end, at most `count_max` of them.
    pub fn entries_from(&self, from: u64, count_max: usize) -> Vec<Entry<M>> {
        let start = (from.max(self.snapshot_index + 1) - self.snapshot_index - 1) as usize;
        self.entries
            .iter()
            .skip(start)
            .take(count_max)
            .cloned()
            .collect()
    }

    pub fn append(&mut self, entry: Entry<M>) {
        self.entries.push(entry);
    }

    /// Removes the entry at `index` and everything after it.
    pub fn truncate_from(&mut self, index: u64) {
        assert!(
            index > self.snapshot_index,
            "never truncate into the snapshot"
        );
        self.entries
            .truncate((index - self.snapshot_index - 1) as usize);
    }

    /// The first index holding `term` (for fast backup), searching back from `index`.
    pub fn first_index_of_term(&self, term: u64, index: u64) -> u64 {
        let mut first = index;
        while first > self.snapshot_index + 1 && self.term_at(first - 1) == Some(term) {
            first -= 1;
        }
        first
    }

    /// The last index holding `term`, if the log has any.
    pub fn last_index_of_term(&self, term: u64) -> Option<u64> {
        (self.snapshot_index + 1..=self.last_index())
            .rev()
            .find(|&i| self.term_at(i) == Some(term))
    }

    /// Drops entries up to `index` into a snapshot whose last term is `term`.
    pub fn compact_to(&mut self, index: u64, term: u64) {
        let drop = (index.min(self.last_index()) - self.snapshot_index) as usize;
        self.entries.drain(..drop);
        self.snapshot_index = index;
        self.snapshot_term = term;
    }

    /// Replaces everything with an empty log after a snapshot.
    pub fn reset_to_snapshot(&mut self, index: u64, term: u64) {
        self.entries.clear();
        self.snapshot_index = index;
        self.snapshot_term = term;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::messages::Payload;

    fn entry(term: u64) -> Entry {
        Entry {
            term,
            payload: Payload::Noop,
        }
    }

    #[test]
    fn indexes_terms_and_compaction() {
        let mut log = Log::default();
        for term in [1, 1, 2, 3, 3] {
            log.append(entry(term));
        }
        assert_eq!((log.last_index(), log.last_term()), (5, 3));
        assert_eq!(log.first_index_of_term(3, 5), 4);
        assert_eq!(log.last_index_of_term(1), Some(2));
        log.compact_to(3, 2);
        assert_eq!(log.term_at(3), Some(2));
        assert_eq!(log.term_at(2), None);
        assert_eq!(log.entries_from(1, 10).len(), 2);
        log.truncate_from(5);
        assert_eq!(log.last_index(), 4);
    }
}
