//! The acceptor's durable state: its promise and its votes, written as records and
//! fsynced before the reply that depends on them; replayed on restart. Learner state
//! is volatile: a restarted server re-learns decisions from the leader.
//! A disk that fails stops the server (fail-stop): an fsync that fails halts it
//! before the promise or the vote leaves, and a corrupt record keeps it down (an
//! acceptor that forgot a promise or a vote could let two values be chosen).

use crate::paxos::messages::{Ballot, Record, Vote};
use crate::paxos::server::{Ctx, Server};
use crate::paxos::situations as s;

impl Server {
    pub fn persist_promise(&mut self, ctx: &mut Ctx<'_>, sync: bool) {
        ctx.disk().append(Record::Promised(self.promised));
        if sync {
            ctx.fsync_or_halt();
        }
    }

    pub fn persist_vote(&mut self, ctx: &mut Ctx<'_>, vote: Vote) {
        ctx.disk().append(Record::Promised(self.promised));
        ctx.disk().append(Record::Accepted(vote));
        ctx.fsync_or_halt();
    }

    /// Writes the store as of the last executed slot, with the promise and the votes
    /// still kept, as the whole disk (write, fsync, rename). Only slots in a durable
    /// snapshot on every server are ever garbage-collected, so a restarted server never
    /// needs a vote that was dropped.
    pub fn write_snapshot(&mut self, ctx: &mut Ctx<'_>) {
        let through = self.next_exec - 1;
        let mut records = vec![
            Record::Promised(self.promised),
            Record::Executed {
                through,
                store: self.store.clone(),
            },
        ];
        records.extend(self.accepted.values().cloned().map(Record::Accepted));
        match ctx.disk().rewrite(records) {
            Ok(()) => self.durable_executed = through,
            Err(error) => ctx.halt(error),
        }
    }

    /// Drops the votes of slots below `gc_below` (every server has them in a snapshot).
    pub fn collect_garbage(&mut self, ctx: &mut Ctx<'_>, gc_below: u64) {
        if gc_below <= self.gc_below || gc_below > self.durable_executed + 1 {
            return;
        }
        self.gc_below = gc_below;
        ctx.sometimes(s::COLLECTED_GARBAGE);
        self.accepted = self.accepted.split_off(&gc_below);
        self.write_snapshot(ctx);
    }

    /// The leader learns how far a server has executed (from its Accepted replies).
    pub fn note_executed(&mut self, server: u32, executed: u64) {
        let known = &mut self.executed_by[server as usize];
        *known = (*known).max(executed);
    }

    pub fn recover(&mut self, ctx: &mut Ctx<'_>) {
        let records = match ctx.disk().records() {
            Ok(records) => records.to_vec(),
            Err(corrupt) => return ctx.halt(corrupt), // refuse to start: stay down
        };
        for record in records {
            match record {
                Record::Promised(ballot) => self.promised = self.promised.max(ballot),
                Record::Accepted(vote) => {
                    self.accepted.insert(vote.slot, vote);
                }
                Record::Executed { through, store } => {
                    ctx.sometimes(s::RECOVERED_SNAPSHOT);
                    self.store = store;
                    self.next_exec = through + 1;
                    self.durable_executed = through;
                }
            }
        }
        debug_assert!(
            self.accepted.values().all(|v| v.ballot <= self.promised),
            "recovered votes lie within the recovered promise"
        );
        self.ballot = self.promised;
        if self.promised != Ballot::default() {
            ctx.sometimes(s::RECOVERED_FROM_DISK);
        }
    }
}
