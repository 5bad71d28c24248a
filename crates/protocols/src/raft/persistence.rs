//! Persistence: term, vote and log entries go to the disk as records, and are fsynced
//! before any message that depends on them; on restart the records are replayed.
//! A disk that fails stops the server (fail-stop): an fsync that fails halts it
//! before it acknowledges, votes or replies on what is not durable, and a corrupt
//! record keeps it down, since a server that forgot a vote or an acknowledged entry
//! could help elect a leader without a committed entry.

use crate::kv::KvStore;
use crate::raft::log::Log;
use crate::raft::machine::Machine;
use crate::raft::messages::{Entry, Record};
use crate::raft::server::{Ctx, Server};
use crate::raft::situations as s;
use faultline_sim::disk::FsyncError;

impl<M: Machine> Server<M> {
    pub fn save_hard_state(&mut self, ctx: &mut Ctx<'_, M>, sync: bool) {
        let record = Record::HardState {
            term: self.term,
            voted_for: self.voted_for,
        };
        ctx.disk().append(record);
        if sync {
            self.sync_log(ctx);
        }
    }

    /// Writes (without syncing) an entry at `index`.
    pub fn write_entry(&mut self, ctx: &mut Ctx<'_, M>, index: u64, entry: Entry<M>) {
        ctx.disk().append(Record::Append { index, entry });
    }

    pub fn write_truncate(&mut self, ctx: &mut Ctx<'_, M>, index: u64) {
        ctx.disk().append(Record::TruncateFrom(index));
        self.durable_index = self.durable_index.min(index - 1);
    }

    /// Makes everything written durable.
    pub fn sync_log(&mut self, ctx: &mut Ctx<'_, M>) {
        if let Err(error) = ctx.disk().fsync() {
            self.on_fsync_error(ctx, error);
        }
        self.durable_index = self.log.last_index();
        self.fsync_pending = false;
        ctx.crash_point(crate::raft::crash_points::AFTER_FSYNC_BEFORE_SEND);
    }

    /// Every handler ends with everything it wrote fsynced (only the durability bugs
    /// leave writes pending), so a crash between events never loses what a reply
    /// promised, and a crashed server's disk is its last live log.
    pub fn debug_assert_all_durable(&self, ctx: &mut Ctx<'_, M>) {
        let bugs = &self.config.bugs;
        let durability_bug =
            bugs.vote_not_persisted || bugs.ack_before_fsync || bugs.ignore_fsync_error;
        debug_assert!(
            durability_bug || ctx.is_halted() || ctx.disk().unsynced_len() == 0,
            "n{} ends a handler with unsynced writes",
            self.id
        );
    }

    /// Rebuilds persistent state from the disk (a fresh start reads nothing).
    pub fn recover(&mut self, ctx: &mut Ctx<'_, M>) {
        let recovered = match ctx.disk().records() {
            Ok(records) => replay(records),
            Err(corrupt) => return ctx.halt(corrupt), // refuse to start: stay down
        };
        // A term is fsynced before any entry of it is written, and a snapshot's
        // store travels in the same record as its index.
        debug_assert!(
            recovered.log.last_term() <= recovered.term,
            "n{} recovered entries of term {} beyond its term {}",
            self.id,
            recovered.log.last_term(),
            recovered.term
        );
        debug_assert_eq!(
            recovered.log.snapshot_index > 0,
            recovered.store.is_some(),
            "a recovered snapshot point comes with its store"
        );
        self.term = recovered.term;
        self.voted_for = recovered.voted_for;
        self.log = recovered.log;
        if let Some(store) = recovered.store {
            ctx.sometimes(s::RECOVERED_SNAPSHOT);
            self.snapshot_copy = Some(store.clone());
            self.store = store;
        }
        self.commit_index = self.log.snapshot_index;
        self.last_applied = self.log.snapshot_index;
        self.durable_index = self.log.last_index();
        if self.term > 0 {
            ctx.sometimes(s::RECOVERED_FROM_DISK);
        }
    }
}

impl<M: Machine> Server<M> {
    /// An fsync (or a snapshot's rewrite) failed: what it was to make durable never
    /// will be, so the server halts before anything acts on it (the bug carries on).
    pub fn on_fsync_error(&mut self, ctx: &mut Ctx<'_, M>, error: FsyncError) {
        if !self.config.bugs.ignore_fsync_error {
            ctx.halt(error);
        }
    }
}

/// What a server's disk holds: the state a restarted server starts from.
#[derive(Debug)]
pub struct Recovered<M: Machine = KvStore> {
    pub term: u64,
    pub voted_for: Option<u32>,
    pub log: Log<M>,
    /// The store as of the snapshot, if there is one.
    pub store: Option<M>,
}

impl<M: Machine> Default for Recovered<M> {
    fn default() -> Self {
        Recovered {
            term: 0,
            voted_for: None,
            log: Log::default(),
            store: None,
        }
    }
}

/// Replays disk records in write order (also used by the checker to see the log a
/// crashed server will come back with).
pub fn replay<M: Machine>(records: &[Record<M>]) -> Recovered<M> {
    let mut recovered = Recovered::default();
    for record in records {
        match record {
            Record::HardState { term, voted_for } => {
                debug_assert!(*term >= recovered.term, "terms on disk never go back");
                recovered.term = *term;
                recovered.voted_for = *voted_for;
            }
            Record::Append { index, entry } => replay_append(&mut recovered.log, *index, entry),
            Record::TruncateFrom(index) => {
                let log = &mut recovered.log;
                if *index > log.snapshot_index && *index <= log.last_index() {
                    log.truncate_from(*index);
                }
            }
            Record::Snapshot { index, term, store } => {
                recovered.log.reset_to_snapshot(*index, *term);
                recovered.store = Some(store.clone());
            }
            Record::Host(_) => {} // the hosting node's own, not Raft's
        }
    }
    recovered
}

fn replay_append<M: Machine>(log: &mut Log<M>, index: u64, entry: &Entry<M>) {
    if index <= log.snapshot_index {
        return;
    }
    if index <= log.last_index() {
        log.truncate_from(index);
    }
    debug_assert_eq!(index, log.last_index() + 1, "appends are contiguous");
    log.append(entry.clone());
}
