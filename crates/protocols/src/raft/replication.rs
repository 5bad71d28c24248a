//! Log replication: the leader appends commands (what a machine's `on_request` or
//! leader tick proposes) and sends AppendEntries;
//! followers check consistency at prevLogIndex, repair conflicts and acknowledge only
//! durable entries; a rejected append carries the conflict term and its first index so
//! the leader backs up a whole term per round trip, not one entry.

use crate::raft::bugs::RaftBugs;
use crate::raft::machine::Machine;
use crate::raft::messages::{Entry, Msg, Payload, Timer};
use crate::raft::server::{Ctx, Role, Server};
use crate::raft::situations as s;
use faultline_sim::NodeId;

impl<M: Machine> Server<M> {
    /// Appends to the leader's own log, durably.
    pub fn append_local(&mut self, ctx: &mut Ctx<'_, M>, entry: Entry<M>) {
        let index = self.log.last_index() + 1;
        self.log.append(entry.clone());
        self.write_entry(ctx, index, entry);
        self.sync_log(ctx);
        self.set_match(self.id as usize, self.durable_index);
        self.advance_commit(ctx);
    }

    /// The leader appends `command` to its log, in its term, and replicates it now.
    pub fn propose(&mut self, ctx: &mut Ctx<'_, M>, command: M::Command) {
        let entry = Entry {
            term: self.term,
            payload: Payload::Command(command),
        };
        self.append_local(ctx, entry);
        self.broadcast_append(ctx);
    }

    /// `propose`, remembering to answer request `seq` of `client` once it applies
    /// (`pending_replies`, which `Machine::apply` takes from).
    pub fn propose_for(
        &mut self,
        ctx: &mut Ctx<'_, M>,
        client: NodeId,
        seq: u64,
        command: M::Command,
    ) {
        let index = self.log.last_index() + 1;
        self.pending_replies.insert(index, (client.0, seq));
        self.propose(ctx, command);
    }

    /// The leader a client that asked this follower should try: the one it knows of.
    pub fn leader_hint_for_client(&self) -> Option<u32> {
        self.leader_hint.filter(|&l| l != self.id)
    }

    pub fn on_heartbeat(&mut self, ctx: &mut Ctx<'_, M>) {
        if self.role != Role::Leader {
            return;
        }
        if std::mem::take(&mut self.noop_pending) {
            let noop = Entry {
                term: self.term,
                payload: Payload::Noop,
            };
            self.append_local(ctx, noop);
            self.broadcast_append(ctx);
        } else {
            self.broadcast_heartbeat(ctx);
        }
        M::on_leader_tick(self, ctx);
        ctx.set_timer(self.config.heartbeat_ns, Timer::Heartbeat);
    }

    pub fn broadcast_append(&mut self, ctx: &mut Ctx<'_, M>) {
        for peer in self.peers().collect::<Vec<_>>() {
            self.send_append(ctx, peer);
            ctx.crash_point(crate::raft::crash_points::BETWEEN_APPEND_SENDS);
        }
    }

    /// Empty AppendEntries at each peer's next index: asserts leadership and carries the
    /// commit index; a peer that lacks entries answers, and the answer brings them.
    fn broadcast_heartbeat(&mut self, ctx: &mut Ctx<'_, M>) {
        for peer in self.peers().collect::<Vec<_>>() {
            let next = self.next_index[peer as usize].max(1);
            if next <= self.log.snapshot_index {
                self.send_snapshot(ctx, peer);
                continue;
            }
            let prev_index = next - 1;
            let prev_term = self
                .log
                .term_at(prev_index)
                .expect("prev index is in the log");
            let msg = Msg::AppendEntries {
                term: self.term,
                prev_index,
                prev_term,
                entries: Vec::new(),
                leader_commit: self.commit_index,
            };
            ctx.send(NodeId(peer), msg);
            ctx.crash_point(crate::raft::crash_points::BETWEEN_APPEND_SENDS);
        }
    }

    /// Sends `peer` what it lacks: entries from its next index, or the snapshot.
    pub fn send_append(&mut self, ctx: &mut Ctx<'_, M>, peer: u32) {
        let next = self.next_index[peer as usize].max(1);
        if next <= self.log.snapshot_index {
            self.send_snapshot(ctx, peer);
            return;
        }
        let prev_index = next - 1;
        let prev_term = self
            .log
            .term_at(prev_index)
            .expect("prev index is in the log");
        let entries = self
            .log
            .entries_from(next, self.config.entries_per_message_max);
        let msg = Msg::AppendEntries {
            term: self.term,
            prev_index,
            prev_term,
            entries,
            leader_commit: self.commit_index,
        };
        ctx.send(NodeId(peer), msg);
    }

    pub fn on_append_entries(
        &mut self,
        ctx: &mut Ctx<'_, M>,
        leader: u32,
        term: u64,
        (prev_index, prev_term): (u64, u64),
        entries: Vec<Entry<M>>,
        leader_commit: u64,
    ) {
        if self.fsync_pending {
            self.sync_log(ctx); // the bug's deferred fsync catches up
        }
        self.observe_term(ctx, term);
        let heartbeat = entries.is_empty();
        if term < self.term {
            ctx.sometimes(s::REJECTED_STALE_LEADER);
            self.reply_append(ctx, leader, (false, heartbeat), 0, (None, 0));
            return;
        }
        if self.role != Role::Follower {
            self.become_follower(ctx);
        }
        self.leader_hint = Some(leader);
        self.leader_heard_at = Some(ctx.now());
        self.reset_election_timer(ctx);
        if let Some(conflict) = self.consistency_conflict(prev_index, prev_term) {
            ctx.sometimes(s::REJECTED_MISMATCHED_APPEND);
            self.reply_append(ctx, leader, (false, heartbeat), 0, conflict);
            return;
        }
        let last_new = self.store_entries(ctx, prev_index, entries);
        self.acknowledge(ctx, leader, last_new, heartbeat);
        let commit_limit = if self.config.bugs.commit_index_unbounded {
            self.log.last_index()
        } else {
            last_new
        };
        let new_commit = leader_commit.min(commit_limit);
        if new_commit > self.commit_index {
            self.commit_index = new_commit;
            self.apply_committed(ctx);
        }
    }

    /// Where our log disagrees with the leader's at `prev_index`, if it does.
    fn consistency_conflict(&self, prev_index: u64, prev_term: u64) -> Option<(Option<u64>, u64)> {
        if prev_index > self.log.last_index() {
            return Some((None, self.log.last_index() + 1));
        }
        if prev_index < self.log.snapshot_index {
            return None; // covered by our snapshot, hence committed and matching
        }
        match self.log.term_at(prev_index) {
            Some(t) if t != prev_term && !self.config.bugs.no_prev_term_check => {
                Some((Some(t), self.log.first_index_of_term(t, prev_index)))
            }
            _ => None,
        }
    }

    /// Stores the leader's entries after `prev_index`, truncating only on conflict.
    /// Returns the index of the last entry the message carried.
    fn store_entries(
        &mut self,
        ctx: &mut Ctx<'_, M>,
        prev_index: u64,
        entries: Vec<Entry<M>>,
    ) -> u64 {
        let last_new = prev_index + entries.len() as u64;
        let truncatable =
            prev_index >= self.log.snapshot_index && prev_index < self.log.last_index();
        if self.config.bugs.truncate_on_every_append && truncatable {
            // The bug: throw away everything after prevLogIndex, conflict or not.
            self.log.truncate_from(prev_index + 1);
            self.write_truncate(ctx, prev_index + 1);
        }
        for (offset, entry) in entries.into_iter().enumerate() {
            let index = prev_index + 1 + offset as u64;
            if index <= self.log.snapshot_index {
                continue;
            }
            match self.log.term_at(index) {
                Some(term) if term == entry.term => continue,
                Some(term) => {
                    if term > entry.term {
                        ctx.sometimes(s::OVERWROTE_LATER_TERM);
                    }
                    debug_assert!(
                        index > self.commit_index || self.config.bugs != RaftBugs::default(),
                        "a correct Raft never truncates a committed entry"
                    );
                    ctx.sometimes(s::TRUNCATED_CONFLICTING_SUFFIX);
                    self.log.truncate_from(index);
                    self.write_truncate(ctx, index);
                }
                None => {}
            }
            self.log.append(entry.clone());
            self.write_entry(ctx, index, entry);
        }
        last_new
    }

    /// Acknowledges up to `last_new`, after making it durable (unless the bug defers it).
    fn acknowledge(&mut self, ctx: &mut Ctx<'_, M>, leader: u32, last_new: u64, heartbeat: bool) {
        if self.config.bugs.ack_before_fsync {
            if !self.fsync_pending && ctx.disk().unsynced_len() > 0 {
                self.fsync_pending = true;
                ctx.set_timer(self.config.heartbeat_ns * 4, Timer::LazyFsync);
            }
        } else {
            self.sync_log(ctx);
        }
        self.reply_append(ctx, leader, (true, heartbeat), last_new, (None, 0));
    }

    fn reply_append(
        &mut self,
        ctx: &mut Ctx<'_, M>,
        leader: u32,
        (success, heartbeat): (bool, bool),
        match_index: u64,
        conflict: (Option<u64>, u64),
    ) {
        let msg = Msg::AppendReply {
            term: self.term,
            success,
            heartbeat,
            match_index,
            conflict_term: conflict.0,
            conflict_index: conflict.1,
        };
        ctx.send(NodeId(leader), msg);
    }

    pub fn on_append_reply(
        &mut self,
        ctx: &mut Ctx<'_, M>,
        peer: u32,
        term: u64,
        (success, heartbeat): (bool, bool),
        match_index: u64,
        (conflict_term, conflict_index): (Option<u64>, u64),
    ) {
        self.observe_term(ctx, term);
        if self.role != Role::Leader || term != self.term {
            return;
        }
        self.acked_since_check.insert(peer);
        let p = peer as usize;
        if success {
            let progressed = match_index > self.match_index[p];
            if progressed {
                self.set_match(p, match_index);
            }
            self.next_index[p] = self.next_index[p].max(self.match_index[p] + 1);
            self.advance_commit(ctx);
            // Progress pulls the next batch, and so does a heartbeat's answer (which
            // resends a lost batch). A duplicated or stale answer to a batch does not,
            // so duplication cannot multiply the chains of batches in flight.
            if (progressed || heartbeat) && self.match_index[p] < self.log.last_index() {
                self.send_append(ctx, peer);
            }
            return;
        }
        let next = match conflict_term.and_then(|t| self.log.last_index_of_term(t)) {
            Some(last_of_term) => {
                ctx.sometimes(s::BACKED_UP_A_TERM);
                last_of_term + 1
            }
            None => conflict_index.max(1),
        };
        let next = next
            .min(self.log.last_index() + 1)
            .max(self.match_index[p] + 1);
        // Only a rejection that moves the probe sends again (a duplicate does not).
        if next != self.next_index[p] {
            self.next_index[p] = next;
            self.send_append(ctx, peer);
        }
    }
}

/// The command an entry carries, if any.
pub fn command_of<M: Machine>(entry: &Entry<M>) -> Option<&M::Command> {
    match &entry.payload {
        Payload::Command(c) => Some(c),
        Payload::Noop => None,
    }
}
