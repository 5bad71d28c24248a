//! What the Raft checker knows of all servers at once, kept sorted so that the checks
//! across servers cost, per event, what the event changed and not the cluster's size.
//!
//! Two cross-server invariants ask questions about every server after every event:
//! "could a server lacking the newest committed entry collect a majority of votes?"
//! and "does each leader's commit index sit on a majority of disks?". Scanning all
//! servers for each made a 1,000-server run spend most of its time there. Here each
//! server's log summary and durable index live in counted sorted maps, and the servers
//! lacking the newest committed entry in a sorted set, all updated only for servers
//! that changed. A lacking server that could win is found by looking at the one most
//! up to date (the vote count only grows with the summary); a leader's durable majority
//! by counting disks at or past its commit index. Either answer says only whether
//! something is wrong; the checker then finds and words the violation as it always did.

use std::collections::{BTreeMap, BTreeSet};

/// A log's (last term, last index): one log is at least as up to date as another,
/// by the §5.4.1 comparison, when its summary is not smaller.
pub type Summary = (u64, u64);

#[derive(Debug, Default)]
pub struct ClusterView {
    summary: Vec<Summary>,
    /// How many servers have each summary.
    summary_counts: BTreeMap<Summary, u32>,
    durable: Vec<u64>,
    /// How many servers have each durable index.
    durable_counts: BTreeMap<u64, u32>,
    /// Servers whose log (live, or on disk if crashed) lacks the newest committed
    /// entry, by their summary.
    lacking: BTreeSet<(Summary, u32)>,
    lacks: Vec<bool>,
    /// The (index, term) `lacking` is about.
    newest_committed: Option<(u64, u64)>,
}

impl ClusterView {
    pub fn new(servers: usize) -> Self {
        ClusterView {
            summary: vec![(0, 0); servers],
            summary_counts: BTreeMap::from([((0, 0), servers as u32)]),
            durable: vec![0; servers],
            durable_counts: BTreeMap::from([(0, servers as u32)]),
            lacks: vec![false; servers],
            ..ClusterView::default()
        }
    }

    pub fn summary(&self, i: usize) -> Summary {
        self.summary[i]
    }

    pub fn summaries(&self) -> &[Summary] {
        &self.summary
    }

    pub fn durable(&self, i: usize) -> u64 {
        self.durable[i]
    }

    pub fn durables(&self) -> &[u64] {
        &self.durable
    }

    pub fn newest_committed(&self) -> Option<(u64, u64)> {
        self.newest_committed
    }

    pub fn set_summary(&mut self, i: usize, summary: Summary) {
        let old = std::mem::replace(&mut self.summary[i], summary);
        if old == summary {
            return;
        }
        uncount(&mut self.summary_counts, old);
        *self.summary_counts.entry(summary).or_default() += 1;
        if self.lacks[i] {
            self.lacking.remove(&(old, i as u32));
            self.lacking.insert((summary, i as u32));
        }
    }

    pub fn set_durable(&mut self, i: usize, durable: u64) {
        let old = std::mem::replace(&mut self.durable[i], durable);
        if old != durable {
            uncount(&mut self.durable_counts, old);
            *self.durable_counts.entry(durable).or_default() += 1;
        }
    }

    /// Whether server `i` lacks the newest committed entry (call after its summary).
    pub fn set_lacks(&mut self, i: usize, lacks: bool) {
        if std::mem::replace(&mut self.lacks[i], lacks) == lacks {
            return;
        }
        let key = (self.summary[i], i as u32);
        match lacks {
            true => self.lacking.insert(key),
            false => self.lacking.remove(&key),
        };
    }

    /// A newer entry was committed: every server's `set_lacks` must follow.
    pub fn set_newest_committed(&mut self, index: u64, term: u64) {
        self.newest_committed = Some((index, term));
    }

    /// Whether some server lacking the newest committed entry has a log at least as
    /// up to date as a majority's (itself included): it could win an election.
    pub fn lacking_could_win(&self) -> bool {
        let Some(&(own, _)) = self.lacking.last() else {
            return false;
        };
        let voters: u32 = self.summary_counts.range(..=own).map(|(_, n)| n).sum();
        voters as usize > self.summary.len() / 2
    }

    /// How many servers hold at least `index` on disk.
    pub fn durable_at_least(&self, index: u64) -> usize {
        let count: u32 = self.durable_counts.range(index..).map(|(_, n)| n).sum();
        count as usize
    }
}

fn uncount<K: Ord>(counts: &mut BTreeMap<K, u32>, key: K) {
    let count = counts.get_mut(&key).expect("every server is counted once");
    *count -= 1;
    if *count == 0 {
        counts.remove(&key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lacking_server_could_win_only_with_a_majority_no_more_up_to_date() {
        let mut view = ClusterView::new(5);
        for (i, summary) in [(2, 7), (2, 7), (2, 7), (1, 5), (1, 4)]
            .into_iter()
            .enumerate()
        {
            view.set_summary(i, summary);
        }
        view.set_newest_committed(7, 2);
        view.set_lacks(3, true);
        view.set_lacks(4, true);
        assert!(
            !view.lacking_could_win(),
            "only n3, n4 are no more up to date"
        );
        view.set_summary(3, (3, 6));
        assert!(view.lacking_could_win(), "a later term beats all five");
        view.set_lacks(3, false);
        assert!(!view.lacking_could_win());
    }

    #[test]
    fn durable_counts_follow_each_server() {
        let mut view = ClusterView::new(3);
        view.set_durable(0, 5);
        view.set_durable(1, 3);
        assert_eq!(view.durable_at_least(3), 2);
        view.set_durable(1, 2);
        assert_eq!(view.durable_at_least(3), 1);
        assert_eq!(view.durable_at_least(0), 3);
    }
}
