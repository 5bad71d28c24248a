//! Log compaction and InstallSnapshot: every `snapshot_every` applied entries a server
//! replaces the applied prefix of its log with a snapshot of its store (written
//! durably, as write-temp + fsync + rename); a follower that fell behind the leader's
//! snapshot receives the snapshot instead of entries.

use crate::raft::machine::Machine;
use crate::raft::messages::{Msg, Record};
use crate::raft::server::{Ctx, Role, Server};
use crate::raft::situations as s;
use faultline_sim::NodeId;

impl<M: Machine> Server<M> {
    pub fn maybe_compact(&mut self, ctx: &mut Ctx<'_, M>) {
        let every = self.config.snapshot_every;
        if every == 0 || self.last_applied < self.log.snapshot_index + every {
            return;
        }
        let index = self.last_applied;
        let term = self
            .log
            .term_at(index)
            .expect("applied entries are in the log");
        self.log.compact_to(index, term);
        ctx.sometimes(s::COMPACTED_LOG);
        self.snapshot_copy = Some(self.store.clone());
        self.rewrite_disk(ctx);
    }

    /// Writes snapshot, hard state and the remaining entries as the whole disk.
    fn rewrite_disk(&mut self, ctx: &mut Ctx<'_, M>) {
        let mut records = vec![
            Record::Snapshot {
                index: self.log.snapshot_index,
                term: self.log.snapshot_term,
                store: self.store.clone(),
            },
            Record::HardState {
                term: self.term,
                voted_for: self.voted_for,
            },
        ];
        let first = self.log.snapshot_index + 1;
        for (offset, entry) in self
            .log
            .entries_from(first, usize::MAX)
            .into_iter()
            .enumerate()
        {
            records.push(Record::Append {
                index: first + offset as u64,
                entry,
            });
        }
        if let Err(error) = ctx.disk().rewrite(records) {
            self.on_fsync_error(ctx, error);
        }
        self.durable_index = self.log.last_index();
        self.fsync_pending = false;
        ctx.crash_point(crate::raft::crash_points::AFTER_SNAPSHOT_WRITE);
    }

    pub fn send_snapshot(&mut self, ctx: &mut Ctx<'_, M>, peer: u32) {
        ctx.sometimes(s::SENT_SNAPSHOT);
        let msg = Msg::InstallSnapshot {
            term: self.term,
            index: self.log.snapshot_index,
            snapshot_term: self.log.snapshot_term,
            store: Box::new(self.snapshot_store()),
        };
        ctx.send(NodeId(peer), msg);
    }

    /// The store as of the snapshot index (the live store may be ahead).
    fn snapshot_store(&self) -> M {
        self.snapshot_copy
            .clone()
            .unwrap_or_else(|| self.store.clone())
    }

    pub fn on_install_snapshot(
        &mut self,
        ctx: &mut Ctx<'_, M>,
        leader: u32,
        term: u64,
        index: u64,
        snapshot_term: u64,
        store: M,
    ) {
        self.observe_term(ctx, term);
        if term < self.term {
            // Answered with our term, as a stale AppendEntries is: a deposed leader
            // whose only traffic to us is snapshots learns the newer term and steps
            // down (silence here left it leading a majority that refuses our pre-votes,
            // with us behind its snapshot for good).
            ctx.sometimes(s::REJECTED_STALE_LEADER);
            let reply = Msg::SnapshotReply {
                term: self.term,
                index: self.commit_index,
            };
            ctx.send(NodeId(leader), reply);
            return;
        }
        self.leader_hint = Some(leader);
        self.leader_heard_at = Some(ctx.now());
        self.reset_election_timer(ctx);
        if index > self.commit_index {
            ctx.sometimes(s::INSTALLED_SNAPSHOT);
            if self.log.term_at(index) == Some(snapshot_term) {
                self.log.compact_to(index, snapshot_term);
            } else {
                self.log.reset_to_snapshot(index, snapshot_term);
            }
            self.snapshot_copy = Some(store.clone());
            self.store = store;
            self.commit_index = index;
            self.last_applied = index;
            self.rewrite_disk(ctx);
        }
        ctx.send(
            NodeId(leader),
            Msg::SnapshotReply {
                term: self.term,
                index: self.commit_index,
            },
        );
    }

    pub fn on_snapshot_reply(&mut self, ctx: &mut Ctx<'_, M>, peer: u32, term: u64, index: u64) {
        self.observe_term(ctx, term);
        if self.role != Role::Leader || term != self.term {
            return;
        }
        self.acked_since_check.insert(peer);
        let p = peer as usize;
        // The follower reports its commit index. In a correct run that is within our
        // log; a bug (say, a leader elected without committed entries) can break that,
        // and the probe must still point into our log.
        let index = index.min(self.log.last_index());
        let progressed = index > self.match_index[p];
        self.set_match(p, self.match_index[p].max(index));
        self.next_index[p] = self.match_index[p] + 1;
        self.advance_commit(ctx);
        if progressed && self.match_index[p] < self.log.last_index() {
            self.send_append(ctx, peer);
        }
    }
}
