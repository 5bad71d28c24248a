//! Persistence: term, vote and log entries go to the disk as records, and are fsynced
//! before any message that depends on them; on restart the records are replayed.

use crate::raft::messages::{Entry, Record};
use crate::raft::server::{Ctx, Server};

impl Server {
    pub fn save_hard_state(&mut self, ctx: &mut Ctx<'_>, sync: bool) {
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
    pub fn write_entry(&mut self, ctx: &mut Ctx<'_>, index: u64, entry: Entry) {
        ctx.disk().append(Record::Append { index, entry });
    }

    pub fn write_truncate(&mut self, ctx: &mut Ctx<'_>, index: u64) {
        ctx.disk().append(Record::TruncateFrom(index));
        self.durable_index = self.durable_index.min(index - 1);
    }

    /// Makes everything written durable.
    pub fn sync_log(&mut self, ctx: &mut Ctx<'_>) {
        ctx.disk().fsync();
        self.durable_index = self.log.last_index();
        self.fsync_pending = false;
    }

    /// Rebuilds persistent state from the disk (a fresh start reads nothing).
    pub fn recover(&mut self, ctx: &mut Ctx<'_>) {
        let records = ctx.disk().records().to_vec();
        for record in records {
            match record {
                Record::HardState { term, voted_for } => {
                    self.term = term;
                    self.voted_for = voted_for;
                }
                Record::Append { index, entry } => {
                    if index <= self.log.snapshot_index {
                        continue;
                    }
                    if index <= self.log.last_index() {
                        self.log.truncate_from(index);
                    }
                    debug_assert_eq!(index, self.log.last_index() + 1, "appends are contiguous");
                    self.log.append(entry);
                }
                Record::TruncateFrom(index) => {
                    if index > self.log.snapshot_index && index <= self.log.last_index() {
                        self.log.truncate_from(index);
                    }
                }
                Record::Snapshot { index, term, store } => {
                    self.log.reset_to_snapshot(index, term);
                    self.snapshot_copy = Some(store.clone());
                    self.store = store;
                }
            }
        }
        self.commit_index = self.log.snapshot_index;
        self.last_applied = self.log.snapshot_index;
        self.durable_index = self.log.last_index();
    }
}
