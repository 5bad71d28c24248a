//! Where two-phase commit's checker keeps its record of every attempt
//! ([`AttemptRecord`]) for the whole run, laid out by how attempts are numbered.
//!
//! A client process numbers its transactions 1, 2, 3, ... and almost every
//! transaction is decided at its first attempt. So each first attempt's record sits
//! in a per-process array indexed by the transaction's number, in chunks allocated
//! whole (no array grown by doubling holds twice what it needs at a long run's
//! end), and every other attempt (a retry, or a transaction number far past the
//! others, as a corrupt or mutated message may carry) in an ordered map. An hour of
//! the 2PC nemesis remembers about 37,000 attempts: in an ordered map keyed by
//! attempt they took 5.4 MB.

use crate::twopc::attempt_record::AttemptRecord;
use crate::twopc::messages::{Attempt, TxId};
use std::collections::BTreeMap;

/// Records a chunk holds: allocated together.
const CHUNK: usize = 256;
/// How far past a process's last chunk a transaction number may lie and still be
/// laid out in chunks (the chunks in between allocated); farther goes to the map.
const DENSE_GAP_MAX: u64 = 4096;

#[derive(Debug, Default)]
pub struct AttemptsSeen {
    /// Per client process, first attempts by transaction number.
    first_attempts: BTreeMap<u32, Vec<Box<[AttemptRecord]>>>,
    /// Every other attempt.
    others: BTreeMap<Attempt, AttemptRecord>,
}

impl AttemptsSeen {
    /// The record of `attempt`, if one was kept (one never touched may read as an
    /// empty record: nothing seen).
    pub fn get(&self, attempt: &Attempt) -> Option<&AttemptRecord> {
        // A first attempt too far out for the chunks when first seen stays in the
        // map, even once chunks reach it: the map is asked first.
        if let Some(record) = self.others.get(attempt) {
            return Some(record);
        }
        let (client, seq) = dense_slot(attempt)?;
        let chunks = self.first_attempts.get(&client)?;
        chunks.get(seq / CHUNK).map(|chunk| &chunk[seq % CHUNK])
    }

    /// The record of `attempt`, empty if none was kept.
    pub fn entry(&mut self, attempt: Attempt) -> &mut AttemptRecord {
        let dense = dense_slot(&attempt).filter(|_| !self.others.contains_key(&attempt));
        let Some((client, seq)) = dense else {
            return self.others.entry(attempt).or_default();
        };
        let chunks = self.first_attempts.entry(client).or_default();
        let past_last = (seq / CHUNK).saturating_sub(chunks.len()) as u64 * CHUNK as u64;
        if past_last > DENSE_GAP_MAX {
            return self.others.entry(attempt).or_default();
        }
        while chunks.len() <= seq / CHUNK {
            let chunk = std::iter::repeat_with(AttemptRecord::default).take(CHUNK);
            chunks.push(chunk.collect());
        }
        &mut chunks[seq / CHUNK][seq % CHUNK]
    }
}

/// Where a first attempt sits: its client process and transaction number. `None`
/// for any other attempt.
fn dense_slot(attempt: &Attempt) -> Option<(u32, usize)> {
    let Attempt {
        tx: TxId { client, seq },
        number,
    } = *attempt;
    (number == 1 && seq <= usize::MAX as u64).then_some((client, seq as usize))
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
    fn records_are_kept_apart_by_attempt() {
        let mut seen = AttemptsSeen::default();
        let attempts = [
            attempt(4, 1, 1),
            attempt(4, 1, 2),
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
        let chunks: usize = seen.first_attempts.values().map(Vec::len).sum();
        assert_eq!(chunks, 3, "two chunks for client 4, one for client 5");
        // Chunks that later reach a first attempt kept in the map leave it there.
        let far = attempt(7, 5_000, 1);
        seen.entry(far).first_outcome = Some((false, 9));
        seen.entry(attempt(7, 4_000, 1));
        seen.entry(attempt(7, 5_100, 1));
        assert!(
            seen.first_attempts[&7].len() > 5_000 / CHUNK,
            "chunks reach it"
        );
        assert_eq!(
            seen.get(&far).and_then(|r| r.first_outcome),
            Some((false, 9))
        );
        seen.entry(far).reached.insert(9);
        assert_eq!(seen.get(&far).map(|r| r.outcome_of(9)), Some(Some(false)));
    }
}
