//! A node's virtual disk: an append-only log of typed records with an fsync barrier.
//!
//! Writes land in the "page cache" at once and are readable; only `fsync` makes them
//! durable. A crash drops every record after the last fsync, or, when the scenario
//! asks for torn writes, keeps a random prefix of them (a write that partly reached
//! the platter). Records are typed (the actor's own `Record`) rather than bytes, so
//! protocols persist state without a codec and tearing happens at record boundaries.
//! `rewrite` replaces the whole contents durably, modelling write-temp + fsync + rename
//! (how a snapshot or compaction is installed).
//!
//! A disk may be slow to sync ([`Disk::set_slow_fsync`]): each fsync then takes a
//! time drawn from the disk's own stream, and the handler that called it waits
//! (`stall_ns`, which the World turns into a later departure for what the handler
//! does next and a busy node). A disk may also be replaced (`wipe`): a new machine,
//! nothing on it.

use crate::rng::SimRng;
use crate::time::Nanos;

#[derive(Clone, Debug)]
pub struct Disk<R> {
    records: Vec<R>,
    synced_len: usize,
    writes: u64,
    fsyncs: u64,
    slow_fsync: Option<SlowFsync>,
    /// Time spent in fsyncs by the handler running now.
    stall_ns: Nanos,
}

/// How long fsyncs take, and the stream their durations are drawn from.
#[derive(Clone, Debug)]
struct SlowFsync {
    ns_min: Nanos,
    ns_max: Nanos,
    rng: SimRng,
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
            slow_fsync: None,
            stall_ns: 0,
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
        self.stall();
    }

    /// Makes every fsync take from `ns_min` to `ns_max`, drawn from `rng`.
    pub fn set_slow_fsync(&mut self, ns_min: Nanos, ns_max: Nanos, rng: SimRng) {
        self.slow_fsync = Some(SlowFsync {
            ns_min,
            ns_max,
            rng,
        });
    }

    /// The time the running handler spent in fsyncs so far.
    pub fn stall_ns(&self) -> Nanos {
        self.stall_ns
    }

    /// Ends the running handler's wait: returns how long it was.
    pub fn take_stall(&mut self) -> Nanos {
        std::mem::take(&mut self.stall_ns)
    }

    fn stall(&mut self) {
        if let Some(slow) = &mut self.slow_fsync {
            self.stall_ns += slow.rng.range_inclusive(slow.ns_min, slow.ns_max);
        }
    }

    /// Replaces the disk with an empty one (a new machine); returns how many
    /// records were on it.
    pub fn wipe(&mut self) -> usize {
        let lost = self.records.len();
        self.records.clear();
        self.synced_len = 0;
        self.stall_ns = 0;
        lost
    }

    /// Replaces the whole contents, durably (write a new file, fsync, rename).
    pub fn rewrite(&mut self, records: Vec<R>) {
        self.records = records;
        self.synced_len = self.records.len();
        self.writes += 1;
        self.fsyncs += 1;
        self.stall();
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
        self.stall_ns = 0;
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
    fn slow_fsyncs_add_up_until_taken_and_a_wipe_empties_the_disk() {
        let mut disk = Disk::default();
        disk.append(1);
        disk.fsync();
        assert_eq!(disk.take_stall(), 0, "fsyncs are instant by default");
        let rng = SimRng::new(1, Stream::Disk { node: 0 });
        disk.set_slow_fsync(5, 9, rng);
        disk.fsync();
        disk.rewrite(vec![2]);
        let stall = disk.take_stall();
        assert!((10..=18).contains(&stall), "{stall}");
        assert_eq!(disk.stall_ns(), 0);
        assert_eq!(disk.wipe(), 1);
        assert!(disk.records().is_empty() && disk.synced_len() == 0);
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
