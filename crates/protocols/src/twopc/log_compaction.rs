//! The coordinator's log, kept to what a restart needs.
//!
//! Every attempt leaves a `Begun`, a `Decided` and an `Ended` record, so an
//! uncompacted log grows with the run, and so does each restart's replay: an hour of
//! the nemesis replays hundreds of thousands of records per restart. Once the log is
//! long, it is rewritten (a new file, fsynced, renamed: `Disk::rewrite`) to the
//! records of the attempts still live, and the others are forgotten in memory too.
//!
//! An attempt may be forgotten once it is decided, every participant acknowledged
//! the decision (its `Ended` record), and its client has begun a later attempt, so
//! neither a retried begin nor a participant can ask about it for a reason the
//! coordinator must remember: a participant acknowledges only an outcome it has made
//! durable, and a late PREPARE of a forgotten attempt is an abort's. A query about a
//! forgotten attempt (a late one, or from a participant prepared on that late
//! PREPARE) is answered `Forgotten`, not "abort": the asker may have recorded a commit
//! since it asked, and an "abort" would contradict it. A client's latest attempt is
//! never forgotten, which keeps `Coordinator::superseded` right across a restart.

use crate::twopc::coordinator::{AttemptState, Coordinator};
use crate::twopc::messages::{Attempt, Record};
use crate::twopc::node::TwoPcNode;
use crate::twopc::situations;
use faultline_sim::Context;

/// Below this many records the log is left alone. A restart replays at most about
/// twice this plus what is live, however long the run (so events/s stays flat over an
/// hour), and the default nemesis's ten seconds pass it, so fuzzing exercises
/// compaction and the recovery from a compacted log.
pub const RECORDS_BEFORE_COMPACTION: usize = 256;

/// Rewrites the log if it is past the coordinator's threshold and at least twice
/// what its live attempts need; otherwise raises the threshold, so the attempts are
/// not scanned again until the log has doubled.
pub fn compact_if_long(coordinator: &mut Coordinator, ctx: &mut Context<'_, TwoPcNode>) {
    let length = ctx.disk().len();
    if length < coordinator.log_compact_at || ctx.disk().unsynced_len() > 0 {
        return;
    }
    let (live, forgotten): (Vec<_>, Vec<_>) = coordinator
        .attempts
        .iter()
        .partition(|(attempt, state)| !forgettable(coordinator, attempt, state));
    let records: Vec<Record> = live
        .iter()
        .flat_map(|(attempt, state)| live_records(coordinator, **attempt, state))
        .collect();
    if records.len() * 2 > length {
        coordinator.log_compact_at = length * 2;
        return;
    }
    let forgotten: Vec<Attempt> = forgotten.into_iter().map(|(attempt, _)| *attempt).collect();
    if ctx.disk().rewrite(records).is_err() {
        return; // nothing renamed: the old log stands, and is tried again next begin
    }
    for attempt in forgotten {
        coordinator.attempts.remove(&attempt);
    }
    ctx.sometimes(situations::COORDINATOR_COMPACTED);
    coordinator.log_compact_at = RECORDS_BEFORE_COMPACTION.max(ctx.disk().len() * 2);
}

/// Settled everywhere and moved past by its client.
fn forgettable(coordinator: &Coordinator, attempt: &Attempt, state: &AttemptState) -> bool {
    state.decision.is_some()
        && !coordinator.unacked.contains(attempt)
        && coordinator.superseded(attempt)
}

/// The records that rebuild a live attempt's state at restart, in the order they
/// were first written.
fn live_records(coordinator: &Coordinator, attempt: Attempt, state: &AttemptState) -> Vec<Record> {
    let mut records = vec![Record::Begun {
        attempt,
        transfer: state.transfer.clone(),
    }];
    if let Some(commit) = state.decision {
        records.push(Record::Decided {
            attempt,
            commit,
            reads: state.reads.clone(),
        });
        if !coordinator.unacked.contains(&attempt) {
            records.push(Record::Ended { attempt });
        }
    }
    records
}
