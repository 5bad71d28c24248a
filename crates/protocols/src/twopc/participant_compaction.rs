//! A participant's log, kept to what a restart needs.
//!
//! A participant writes a `Prepared` and an `Outcome` record per attempt it takes
//! part in, and a restart replays them all: over an hour of the nemesis, each
//! restart replayed hundreds of thousands of records and the run slowed as it went.
//! Once the log is long it is rewritten (`Disk::rewrite`: a new file, fsynced,
//! renamed) to a `Checkpoint` (the balances and lists, which already hold every
//! settled attempt's changes) followed by the `Prepared` record of each attempt
//! still in doubt, and the settled transactions are forgotten in memory too.
//!
//! What a forgotten transaction was needed for is answered by a watermark: per
//! client, the latest attempt forgotten. A client begins an attempt only after its
//! previous one was decided, so a PREPARE or decision for an attempt no later than
//! the watermark, of a transaction no longer known, is a late copy of a settled
//! one: the PREPARE is dropped (the coordinator decided long ago), the decision
//! acknowledged again.

use crate::twopc::messages::{Attempt, Record};
use crate::twopc::node::TwoPcNode;
use crate::twopc::participant::{Participant, Status};
use crate::twopc::situations;
use faultline_sim::Context;

/// Below this many records the log is left alone. A restart replays at most about
/// twice this plus what is live, however long the run (so events/s stays flat over an
/// hour), and the default nemesis's ten seconds pass it, so fuzzing exercises
/// compaction and the recovery from a compacted log.
pub const RECORDS_BEFORE_COMPACTION: usize = 256;

/// Rewrites the log if it is past the participant's threshold and at least twice
/// what it would be compacted; otherwise raises the threshold, so the transactions
/// are not scanned again until the log has doubled.
pub fn compact_if_long(participant: &mut Participant, ctx: &mut Context<'_, TwoPcNode>) {
    let length = ctx.disk().len();
    if length < participant.log_compact_at || ctx.disk().unsynced_len() > 0 {
        return;
    }
    let in_doubt = participant.prepared().count();
    if (in_doubt + 1) * 2 > length {
        participant.log_compact_at = length * 2;
        return;
    }
    let mut forgotten = participant.forgotten.clone();
    for (tx, state) in &participant.txs {
        if state.status != Status::Prepared {
            let attempt = Attempt {
                tx: *tx,
                number: state.attempt,
            };
            let latest = forgotten.entry(tx.client).or_insert(attempt);
            *latest = (*latest).max(attempt);
        }
    }
    let mut records = vec![Record::Checkpoint {
        balances: participant.balances.clone(),
        lists: participant.lists.clone(),
        forgotten: forgotten.clone(),
    }];
    for attempt in participant.prepared() {
        let state = &participant.txs[&attempt.tx];
        records.push(Record::Prepared {
            attempt,
            changes: state.changes.clone(),
            reads: state.reads.clone(),
        });
    }
    if ctx.disk().rewrite(records).is_err() {
        return; // nothing renamed: the old log stands, and is tried again later
    }
    participant
        .txs
        .retain(|_, state| state.status == Status::Prepared);
    participant.forgotten = forgotten;
    ctx.sometimes(situations::PARTICIPANT_COMPACTED);
    participant.log_compact_at = RECORDS_BEFORE_COMPACTION.max(ctx.disk().len() * 2);
}
