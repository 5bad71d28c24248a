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
//!
//! A disk may fail ([`Disk::set_errors`]): an fsync returns [`FsyncError`], as
//! Linux's does after a writeback error (PostgreSQL's "fsyncgate"). The model, exactly:
//! the records pending at the failed fsync were written back and lost; they stay
//! readable (the page cache still holds them) and no later fsync writes them again,
//! so a later fsync that succeeds does not make them durable. The log's durable image
//! ends before the first record so lost: a log reader stops at the first record that
//! is not there (its checksum fails), so the records after it, though synced, are
//! unreadable after a crash too. A crash then keeps only that prefix. A failed
//! `rewrite` renames nothing: the old contents stay, durable as they were.
//!
//! A record may be found corrupt when its node restarts ([`Disk::corrupt`]). Records
//! are typed, so the checksum that finds it is modelled as perfect: [`Disk::records`]
//! returns [`Corrupt`] instead of the records while one is, so a protocol cannot use
//! a corrupt record as if it were intact. Corruption stays until the contents are
//! replaced (`rewrite`, `wipe`) or a crash drops the record.

use crate::rng::SimRng;
use crate::time::Nanos;
use std::fmt;

#[derive(Clone, Debug)]
pub struct Disk<R> {
    records: Vec<R>,
    /// Records written back: fsynced, or lost by a failed fsync (`lost_from`).
    synced_len: usize,
    /// The first record a failed fsync lost: the durable image ends before it.
    lost_from: Option<usize>,
    /// The first record found corrupt, if one is.
    corrupt: Option<usize>,
    /// The node halted: what its handler writes from now on never reaches the disk.
    frozen: bool,
    writes: u64,
    fsyncs: u64,
    slow_fsync: Option<SlowFsync>,
    errors: Option<DiskErrors>,
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

/// How often fsyncs fail and restarts find a record corrupt, and the stream both
/// are drawn from (the disk's own, so runs without them draw nothing).
#[derive(Clone, Debug)]
struct DiskErrors {
    fsync_error_probability: f64,
    corrupt_probability: f64,
    rng: SimRng,
}

/// An fsync that failed: the records it was to make durable are lost at the next
/// crash, and no later fsync saves them. The node must not act on them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FsyncError;

impl fmt::Display for FsyncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fsync failed")
    }
}

impl std::error::Error for FsyncError {}

/// A read that met a record whose checksum fails: `index` is the first such record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Corrupt {
    pub index: usize,
}

impl fmt::Display for Corrupt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "record {} on disk is corrupt", self.index)
    }
}

impl std::error::Error for Corrupt {}

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
            lost_from: None,
            corrupt: None,
            frozen: false,
            writes: 0,
            fsyncs: 0,
            slow_fsync: None,
            errors: None,
            stall_ns: 0,
        }
    }
}

impl<R> Disk<R> {
    /// Appends a record; readable now, durable only after [`Disk::fsync`].
    pub fn append(&mut self, record: R) {
        if self.frozen {
            return;
        }
        self.records.push(record);
        self.writes += 1;
    }

    /// Makes every record written so far durable, or fails: then they are lost at
    /// the next crash, whatever later fsyncs return (see the module docs).
    pub fn fsync(&mut self) -> Result<(), FsyncError> {
        if self.frozen {
            return Err(FsyncError);
        }
        self.fsyncs += 1;
        self.stall();
        let failed = self.fsync_fails();
        if failed && self.synced_len < self.records.len() {
            self.lost_from.get_or_insert(self.synced_len);
        }
        self.synced_len = self.records.len();
        match failed {
            true => Err(FsyncError),
            false => Ok(()),
        }
    }

    fn fsync_fails(&mut self) -> bool {
        let Some(errors) = &mut self.errors else {
            return false;
        };
        errors.rng.chance(errors.fsync_error_probability)
    }

    /// Makes every fsync take from `ns_min` to `ns_max`, drawn from `rng`.
    pub fn set_slow_fsync(&mut self, ns_min: Nanos, ns_max: Nanos, rng: SimRng) {
        self.slow_fsync = Some(SlowFsync {
            ns_min,
            ns_max,
            rng,
        });
    }

    /// Makes each fsync (and `rewrite`) fail with probability `fsync`, and each
    /// [`Disk::corrupt_on_restart`] find a record corrupt with probability
    /// `corrupt`; `None` keeps that setting as it was (0 at first). Both draw from
    /// `rng`, taken at the first call.
    pub fn set_errors(&mut self, fsync: Option<f64>, corrupt: Option<f64>, rng: SimRng) {
        let errors = self.errors.get_or_insert(DiskErrors {
            fsync_error_probability: 0.0,
            corrupt_probability: 0.0,
            rng,
        });
        if let Some(p) = fsync {
            errors.fsync_error_probability = p;
        }
        if let Some(p) = corrupt {
            errors.corrupt_probability = p;
        }
    }

    /// No more fsync errors or corruption from now on (the fault period is over);
    /// what they did stays done.
    pub fn end_errors(&mut self) {
        self.errors = None;
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
        self.lost_from = None;
        self.corrupt = None;
        self.stall_ns = 0;
        lost
    }

    /// Replaces the whole contents, durably (write a new file, fsync, rename); if
    /// that fsync fails nothing is renamed and the old contents stay as they were.
    pub fn rewrite(&mut self, records: Vec<R>) -> Result<(), FsyncError> {
        if self.frozen {
            return Err(FsyncError);
        }
        self.writes += 1;
        self.fsyncs += 1;
        self.stall();
        if self.fsync_fails() {
            return Err(FsyncError);
        }
        self.records = records;
        self.synced_len = self.records.len();
        self.lost_from = None;
        self.corrupt = None;
        Ok(())
    }

    /// Everything written, synced or not, in write order; or the first record
    /// whose checksum fails, if one does.
    pub fn records(&self) -> Result<&[R], Corrupt> {
        match self.corrupt {
            Some(index) => Err(Corrupt { index }),
            None => Ok(&self.records),
        }
    }

    /// Every record as it was written, a corrupt one included: the omniscient view
    /// for checkers and tests. A protocol reads [`Disk::records`].
    pub fn records_unchecked(&self) -> &[R] {
        &self.records
    }

    /// How many records were written (synced or not), readable or not.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// How many records would survive a crash right now: those synced before the
    /// first record a failed fsync lost.
    pub fn synced_len(&self) -> usize {
        self.lost_from
            .map_or(self.synced_len, |lost| lost.min(self.synced_len))
    }

    /// How many records a crash right now would lose.
    pub fn unsynced_len(&self) -> usize {
        self.records.len() - self.synced_len()
    }

    /// The first record a failed fsync lost, if one did since the last crash.
    pub fn lost_from(&self) -> Option<usize> {
        self.lost_from
    }

    /// The first corrupt record, if one is.
    pub fn corrupt_index(&self) -> Option<usize> {
        self.corrupt
    }

    pub fn write_count(&self) -> u64 {
        self.writes
    }

    pub fn fsync_count(&self) -> u64 {
        self.fsyncs
    }

    /// Marks record `index` corrupt (a no-op past the end); the lowest such stays
    /// the one reads report.
    pub fn corrupt(&mut self, index: usize) {
        if index < self.records.len() {
            self.corrupt = Some(self.corrupt.map_or(index, |first| first.min(index)));
        }
    }

    /// At a restart: with the configured probability, one durable record, drawn
    /// from the disk's error stream, is found corrupt. Returns its index.
    pub fn corrupt_on_restart(&mut self) -> Option<usize> {
        let errors = self.errors.as_mut()?;
        if self.records.is_empty() || !errors.rng.chance(errors.corrupt_probability) {
            return None;
        }
        let index = errors.rng.below(self.records.len() as u64) as usize;
        self.corrupt(index);
        Some(index)
    }

    /// The node halted: nothing its handler writes or syncs from now on takes
    /// effect, until the crash that ends the halt.
    pub fn freeze(&mut self) {
        self.frozen = true;
    }

    /// Applies a crash; returns how many records were lost.
    pub fn crash(&mut self, mode: UnsyncedOnCrash, rng: &mut SimRng) -> usize {
        let before = self.records.len();
        let kept = match (mode, self.lost_from) {
            (_, Some(_)) => 0,
            (UnsyncedOnCrash::Lost, None) => 0,
            (UnsyncedOnCrash::Torn, None) => {
                let unsynced = self.unsynced_len();
                match unsynced > 0 {
                    true => rng.below(unsynced as u64 + 1) as usize,
                    false => 0,
                }
            }
        };
        self.records.truncate(self.synced_len() + kept);
        self.synced_len = self.records.len();
        self.lost_from = None;
        self.corrupt = self.corrupt.filter(|&index| index < self.records.len());
        self.frozen = false;
        self.stall_ns = 0;
        before - self.records.len()
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
        disk.fsync().unwrap();
        disk.append("b");
        assert_eq!(disk.records(), Ok(&["a", "b"][..]));
        assert_eq!(disk.crash(UnsyncedOnCrash::Lost, &mut rng), 1);
        assert_eq!(disk.records(), Ok(&["a"][..]));
    }

    #[test]
    fn torn_crash_keeps_a_prefix_of_unsynced_writes() {
        let mut survivors = std::collections::BTreeSet::new();
        for seed in 0..50 {
            let mut disk = Disk::default();
            let mut rng = SimRng::new(seed, Stream::Faults);
            disk.append(0);
            disk.fsync().unwrap();
            for i in 1..=4 {
                disk.append(i);
            }
            disk.crash(UnsyncedOnCrash::Torn, &mut rng);
            let kept = disk.records().unwrap().to_vec();
            assert_eq!(kept, (0..kept.len() as i32).collect::<Vec<_>>(), "a prefix");
            survivors.insert(kept.len());
        }
        assert!(survivors.len() > 2, "torn crashes keep varying prefixes");
    }

    #[test]
    fn slow_fsyncs_add_up_until_taken_and_a_wipe_empties_the_disk() {
        let mut disk = Disk::default();
        disk.append(1);
        disk.fsync().unwrap();
        assert_eq!(disk.take_stall(), 0, "fsyncs are instant by default");
        let rng = SimRng::new(1, Stream::Disk { node: 0 });
        disk.set_slow_fsync(5, 9, rng);
        disk.fsync().unwrap();
        disk.rewrite(vec![2]).unwrap();
        let stall = disk.take_stall();
        assert!((10..=18).contains(&stall), "{stall}");
        assert_eq!(disk.stall_ns(), 0);
        assert_eq!(disk.wipe(), 1);
        assert!(disk.is_empty() && disk.synced_len() == 0);
    }

    #[test]
    fn rewrite_is_durable() {
        let mut disk = Disk::default();
        let mut rng = SimRng::new(1, Stream::Faults);
        disk.append(1);
        disk.rewrite(vec![7, 8]).unwrap();
        disk.crash(UnsyncedOnCrash::Lost, &mut rng);
        assert_eq!(disk.records(), Ok(&[7, 8][..]));
    }

    fn failing_disk(fsync_error_probability: f64, corrupt_probability: f64) -> Disk<u32> {
        let mut disk = Disk::default();
        let rng = SimRng::new(1, Stream::DiskErrors { node: 0 });
        disk.set_errors(
            Some(fsync_error_probability),
            Some(corrupt_probability),
            rng,
        );
        disk
    }

    #[test]
    fn a_failed_fsync_loses_its_records_even_after_a_later_fsync_succeeds() {
        let mut disk = failing_disk(1.0, 0.0);
        let mut rng = SimRng::new(1, Stream::Faults);
        disk.append(1);
        assert_eq!(disk.fsync(), Err(FsyncError));
        assert_eq!(
            disk.records(),
            Ok(&[1][..]),
            "still readable from the page cache"
        );
        assert_eq!((disk.synced_len(), disk.unsynced_len()), (0, 1));
        disk.end_errors();
        disk.append(2);
        assert_eq!(disk.fsync(), Ok(()));
        assert_eq!(
            disk.synced_len(),
            0,
            "the later fsync does not save record 1"
        );
        assert_eq!(disk.crash(UnsyncedOnCrash::Torn, &mut rng), 2);
        assert!(disk.is_empty(), "a log is read up to its first lost record");
        disk.append(3);
        disk.fsync().unwrap();
        assert_eq!(disk.crash(UnsyncedOnCrash::Lost, &mut rng), 0);
        assert_eq!(disk.records(), Ok(&[3][..]));
    }

    #[test]
    fn a_failed_rewrite_keeps_the_old_contents() {
        let mut disk = failing_disk(1.0, 0.0);
        let mut rng = SimRng::new(1, Stream::Faults);
        disk.append(1);
        assert!(disk.fsync().is_err());
        assert_eq!(disk.rewrite(vec![7]), Err(FsyncError));
        assert_eq!(disk.records(), Ok(&[1][..]));
        disk.end_errors();
        disk.rewrite(vec![7]).unwrap();
        assert_eq!(
            disk.lost_from(),
            None,
            "a rewrite replaces the lost records"
        );
        disk.crash(UnsyncedOnCrash::Lost, &mut rng);
        assert_eq!(disk.records(), Ok(&[7][..]));
    }

    #[test]
    fn fsync_errors_follow_their_probability_and_their_stream() {
        let draws = |seed| {
            let mut disk: Disk<u32> = Disk::default();
            let rng = SimRng::new(seed, Stream::DiskErrors { node: 3 });
            disk.set_errors(Some(0.25), None, rng);
            (0..400).map(|_| disk.fsync().is_err()).collect::<Vec<_>>()
        };
        let failed = draws(5).iter().filter(|f| **f).count();
        assert!((60..140).contains(&failed), "{failed} of 400");
        assert_eq!(draws(5), draws(5));
        assert_ne!(draws(5), draws(6));
    }

    #[test]
    fn a_frozen_disk_takes_no_writes_until_the_crash() {
        let mut disk = Disk::default();
        let mut rng = SimRng::new(1, Stream::Faults);
        disk.append(1);
        disk.freeze();
        disk.append(2);
        assert_eq!(disk.fsync(), Err(FsyncError));
        assert_eq!(disk.rewrite(vec![9]), Err(FsyncError));
        assert_eq!(disk.records(), Ok(&[1][..]));
        disk.crash(UnsyncedOnCrash::Torn, &mut rng);
        disk.append(3);
        disk.fsync().unwrap();
        assert_eq!(disk.synced_len(), disk.len(), "a crash ends the freeze");
    }

    #[test]
    fn a_corrupt_record_fails_every_read_until_replaced() {
        let mut disk = failing_disk(0.0, 1.0);
        let mut rng = SimRng::new(1, Stream::Faults);
        assert_eq!(
            disk.corrupt_on_restart(),
            None,
            "nothing to corrupt on an empty disk"
        );
        for n in 0..4 {
            disk.append(n);
        }
        disk.fsync().unwrap();
        let index = disk.corrupt_on_restart().unwrap();
        assert!(index < 4);
        assert_eq!(disk.records(), Err(Corrupt { index }));
        assert_eq!(disk.records_unchecked(), &[0, 1, 2, 3]);
        disk.crash(UnsyncedOnCrash::Lost, &mut rng);
        assert_eq!(
            disk.records(),
            Err(Corrupt { index }),
            "corruption is on the platter"
        );
        disk.rewrite(vec![5]).unwrap();
        assert_eq!(disk.records(), Ok(&[5][..]));
        disk.corrupt(0);
        assert!(disk.records().is_err());
        disk.wipe();
        assert_eq!(disk.records(), Ok(&[][..]));
    }
}
