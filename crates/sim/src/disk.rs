//! A node's virtual disk: an append-only log of typed records with an fsync barrier.
//!
//! Writes land in the "page cache" at once and are readable; only `fsync` makes them
//! durable. A crash drops every record after the last fsync, or, when the scenario
//! asks for torn writes, keeps a random prefix of them (a write that partly reached
//! the platter). Records are typed (the actor's own `Record`) rather than bytes, so
//! protocols persist state without a codec and tearing happens at record boundaries.
//! `rewrite` replaces the whole contents durably, modelling write-temp + fsync + rename
//! (how a snapshot or compaction is installed).

use crate::rng::SimRng;

#[derive(Clone, Debug)]
pub struct Disk<R> {
    records: Vec<R>,
    synced_len: usize,
    writes: u64,
    fsyncs: u64,
}

/// What a crash does to writes that were never synced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum UnsyncedOnCrash {
    /// Every unsynced record is gone.
    #[default]
    Lost,
    /// A random prefix of the unsynced records survives.
    Torn,
}

impl<R> Default for Disk<R> {
    fn default() -> Self {
        Disk {
            records: Vec::new(),
            synced_len: 0,
            writes: 0,
            fsyncs: 0,
        }
    }
}

impl<R> Disk<R> {
    /// Appends a record; readable now, durable only after [`Disk::fsync`].
    pub fn append(&mut self, record: R) {
        self.records.push(record);
        self.writes += 1;
    }

    /// Makes every record written so far durable.
    pub fn fsync(&mut self) {
        self.synced_len = self.records.len();
        self.fsyncs += 1;
    }

    /// Replaces the whole contents, durably (write a new file, fsync, rename).
    pub fn rewrite(&mut self, records: Vec<R>) {
        self.records = records;
        self.synced_len = self.records.len();
        self.writes += 1;
        self.fsyncs += 1;
    }

    /// Everything written, synced or not, in write order.
    pub fn records(&self) -> &[R] {
        &self.records
    }

    /// How many records would survive a crash right now.
    pub fn synced_len(&self) -> usize {
        self.synced_len
    }

    pub fn unsynced_len(&self) -> usize {
        self.records.len() - self.synced_len
    }

    pub fn write_count(&self) -> u64 {
        self.writes
    }

    pub fn fsync_count(&self) -> u64 {
        self.fsyncs
    }

    /// Applies a crash; returns how many records were lost.
    pub fn crash(&mut self, mode: UnsyncedOnCrash, rng: &mut SimRng) -> usize {
        let unsynced = self.unsynced_len();
        let kept = match mode {
            UnsyncedOnCrash::Lost => 0,
            UnsyncedOnCrash::Torn if unsynced > 0 => rng.below(unsynced as u64 + 1) as usize,
            UnsyncedOnCrash::Torn => 0,
        };
        self.records.truncate(self.synced_len + kept);
        self.synced_len = self.records.len();
        unsynced - kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Stream;

    #[test]
    fn unsynced_writes_are_lost_on_crash() {
        let mut disk = Disk::default();
        let mut rng = SimRng::new(1, Stream::Faults);
        disk.append("a");
        disk.fsync();
        disk.append("b");
        assert_eq!(disk.records(), &["a", "b"]);
        assert_eq!(disk.crash(UnsyncedOnCrash::Lost, &mut rng), 1);
        assert_eq!(disk.records(), &["a"]);
    }

    #[test]
    fn torn_crash_keeps_a_prefix_of_unsynced_writes() {
        let mut survivors = std::collections::BTreeSet::new();
        for seed in 0..50 {
            let mut disk = Disk::default();
            let mut rng = SimRng::new(seed, Stream::Faults);
            disk.append(0);
            disk.fsync();
            for i in 1..=4 {
                disk.append(i);
            }
            disk.crash(UnsyncedOnCrash::Torn, &mut rng);
            let kept = disk.records().to_vec();
            assert_eq!(kept, (0..kept.len() as i32).collect::<Vec<_>>(), "a prefix");
            survivors.insert(kept.len());
        }
        assert!(survivors.len() > 2, "torn crashes keep varying prefixes");
    }

    #[test]
    fn rewrite_is_durable() {
        let mut disk = Disk::default();
        let mut rng = SimRng::new(1, Stream::Faults);
        disk.append(1);
        disk.rewrite(vec![7, 8]);
        disk.crash(UnsyncedOnCrash::Lost, &mut rng);
        assert_eq!(disk.records(), &[7, 8]);
    }
}
