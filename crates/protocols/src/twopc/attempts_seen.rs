//! Where two-phase commit's checker keeps its record of every attempt
//! ([`AttemptRecord`]) for the whole run, laid out by how attempts are numbered.
//!
//! A client process numbers its transactions 1, 2, 3, ... and retries one under
//! attempt numbers 2, 3, ... So each transaction's attempts sit in a per-process
//! array indexed by the transaction's number, in chunks allocated whole (no array
//! grown by doubling holds twice what it needs at a long run's end): the first
//! attempt in the slot, its retries in a boxed slice sized exactly beside it. Any
//! other attempt (a number past 16, a transaction number far past the others, as a
//! corrupt or mutated message may carry) goes to an ordered map. An hour of the 2PC
//! nemesis remembers about 37,000 attempts: in an ordered map keyed by attempt they
//! took 5.4 MB.

use crate::twopc::attempt_record::AttemptRecord;
use crate::twopc::messages::{Attempt, TxId};
use std::collections::BTreeMap;

/// Transactions a chunk holds: allocated together.
const CHUNK: usize = 256;
/// How far past a process's last chunk a transaction number may lie and still be
/// laid out in chunks (the chunks in between allocated); farther goes to the map.
const DENSE_GAP_MAX: u64 = 4096;
/// The highest attempt number kept beside its transaction; later ones go to the map.
const DENSE_NUMBER_MAX: u32 = 16;

#[derive(Debug, Default)]
pub struct AttemptsSeen {
    /// Per client process, transactions by number, in chunks.
    by_process: BTreeMap<u32, Vec<Box<[TxAttempts]>>>,
    /// Every attempt outside that layout.
    others: BTreeMap<Attempt, AttemptRecord>,
}

/// One transaction's attempts: the first, and its retries sized exactly (a few
/// transactions have one or two; most none).
#[derive(Debug, Default)]
struct TxAttempts {
    first: AttemptRecord,
    retries: Option<Box<[AttemptRecord]>>,
}

impl TxAttempts {
    fn get(&self, number: u32) -> Option<&AttemptRecord> {
        match number {
            1 => Some(&self.first),
            _ => self.retries.as_ref()?.get(number as usize - 2),
        }
    }

    /// The record of attempt `number`, making room for it.
    fn entry(&mut self, number: u32) -> &mut AttemptRecord {
        if number == 1 {
            return &mut self.first;
        }
        let at = number as usize - 2;
        let retries = self.retries.get_or_insert_with(Box::default);
        if retries.len() <= at {
            let mut grown = std::mem::take(retries).into_vec();
            grown.resize_with(at + 1, AttemptRecord::default);
            *retries = grown.into_boxed_slice();
        }
        &mut retries[at]
    }
}

impl AttemptsSeen {
    /// The record of `attempt`, if one was kept (one never touched may read as an
    /// empty record: nothing seen).
    pub fn get(&self, attempt: &Attempt) -> Option<&AttemptRecord> {
        // An attempt too far out for the chunks when first seen stays in the map,
        // even once chunks reach it: the map is asked first.
        if let Some(record) = self.others.get(attempt) {
            return Some(record);
        }
        let (client, seq, number) = dense_slot(attempt)?;
        let chunks = self.by_process.get(&client)?;
        chunks.get(seq / CHUNK)?[seq % CHUNK].get(number)
    }

    /// The record of `attempt`, empty if none was kept.
    pub fn entry(&mut self, attempt: Attempt) -> &mut AttemptRecord {
        let dense = dense_slot(&attempt).filter(|_| !self.others.contains_key(&attempt));
        let Some((client, seq, number)) = dense else {
            return self.others.entry(attempt).or_default();
        };
        let chunks = self.by_process.entry(client).or_default();
        let past_last = (seq / CHUNK).saturating_sub(chunks.len()) as u64 * CHUNK as u64;
        if past_last > DENSE_GAP_MAX {
            return self.others.entry(attempt).or_default();
        }
        while chunks.len() <= seq / CHUNK {
            let chunk = std::iter::repeat_with(TxAttempts::default).take(CHUNK);
            chunks.push(chunk.collect());
        }
        chunks[seq / CHUNK][seq % CHUNK].entry(number)
    }
}

/// Where an attempt sits in the chunks: its client process, transaction number and
/// attempt number. `None` for an attempt number outside `1..=DENSE_NUMBER_MAX`.
fn dense_slot(attempt: &Attempt) -> Option<(u32, usize, u32)> {
    let Attempt {
        tx: TxId { client, seq },
        number,
    } = *attempt;
    let dense = (1..=DENSE_NUMBER_MAX).contains(&number) && seq <= usize::MAX as u64;
    dense.then_some((client, seq as usize, number))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(client: u32, seq: u64, number: u32) -> Attempt {
        Attempt {
            tx: TxId { client, seq },
            number,
        }
    }

    #[test]
    fn a_record_and_a_transactions_slot_stay_small() {
        assert_eq!(std::mem::size_of::<AttemptRecord>(), 48);
        assert_eq!(std::mem::size_of::<TxAttempts>(), 64);
    }

    #[test]
    fn records_are_kept_apart_by_attempt() {
        let mut seen = AttemptsSeen::default();
        let attempts = [
            attempt(4, 1, 1),
            attempt(4, 1, 2),
            attempt(4, 2, 3),  // a retry whose predecessor was never seen
            attempt(4, 2, 17), // past the retries kept beside it: in the map
            attempt(4, 3, 0),
            attempt(4, 300, 1),
            attempt(5, 1, 1),
            attempt(5, u64::MAX, 1), // far past the others: kept in the map
        ];
        for (i, a) in attempts.iter().enumerate() {
            assert_eq!(seen.get(a).and_then(|r| r.first_outcome), None);
            seen.entry(*a).first_outcome = Some((true, i as u32));
        }
        for (i, a) in attempts.iter().enumerate() {
            let kept = seen.get(a).and_then(|r| r.first_outcome);
            assert_eq!(kept, Some((true, i as u32)), "{a:?}");
        }
        assert_eq!(
            seen.get(&attempt(4, 2, 1)).and_then(|r| r.first_outcome),
            None
        );
        assert!(seen.get(&attempt(6, 1, 1)).is_none());
        let chunks: usize = seen.by_process.values().map(Vec::len).sum();
        assert_eq!(chunks, 3, "two chunks for client 4, one for client 5");
        // Chunks that later reach a first attempt kept in the map leave it there.
        let far = attempt(7, 5_000, 1);
        seen.entry(far).first_outcome = Some((false, 9));
        seen.entry(attempt(7, 4_000, 1));
        seen.entry(attempt(7, 5_100, 1));
        assert!(seen.by_process[&7].len() > 5_000 / CHUNK, "chunks reach it");
        assert_eq!(
            seen.get(&far).and_then(|r| r.first_outcome),
            Some((false, 9))
        );
        seen.entry(far).reached.insert(9);
        assert_eq!(seen.get(&far).map(|r| r.outcome_of(9)), Some(Some(false)));
    }
}
