//! A Raft server's state and how events reach the right handler.
//!
//! Persistent state (term, vote, log) is written and fsynced before any reply that
//! depends on it (see `persistence`); everything else is rebuilt after a restart.

use crate::kv::KvStore;
use crate::raft::bugs::RaftBugs;
use crate::raft::log::Log;
use crate::raft::machine::Machine;
use crate::raft::messages::{Msg, Timer};
use crate::raft::situations as s;
use faultline_sim::context::TimerId;
use faultline_sim::{Context, Nanos, NodeId, MILLISECOND};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// Settings shared by every server of a run.
#[derive(Clone, Debug)]
pub struct RaftConfig {
    pub servers: u32,
    pub election_timeout_ns_min: Nanos,
    pub election_timeout_ns_max: Nanos,
    pub heartbeat_ns: Nanos,
    pub pre_vote: bool,
    pub check_quorum: bool,
    /// Applied entries between snapshots; 0 disables compaction.
    pub snapshot_every: u64,
    pub entries_per_message_max: usize,
    /// A new leader appends a no-op with its first heartbeat (commits earlier terms'
    /// entries promptly); without it they commit with the first client command.
    pub leader_noop: bool,
    pub bugs: RaftBugs,
}

impl RaftConfig {
    /// `servers` servers timed in whole milliseconds: election timeouts between
    /// `election_ms` and twice it, a heartbeat every `heartbeat_ms` (each at least 1 ms,
    /// saturating: an absurd value means "never"), with PreVote, CheckQuorum, the
    /// leader's no-op, a snapshot every 64 applied entries, at most 4 entries per
    /// message, and no bugs.
    pub fn timed(servers: u32, election_ms: u64, heartbeat_ms: u64) -> Self {
        let election_ms = election_ms.max(1);
        RaftConfig {
            servers,
            election_timeout_ns_min: election_ms.saturating_mul(MILLISECOND),
            election_timeout_ns_max: election_ms.saturating_mul(2 * MILLISECOND),
            heartbeat_ns: heartbeat_ms.max(1).saturating_mul(MILLISECOND),
            pre_vote: true,
            check_quorum: true,
            snapshot_every: 64,
            entries_per_message_max: 4,
            leader_noop: true,
            bugs: RaftBugs::default(),
        }
    }

    pub fn majority(&self) -> usize {
        self.servers as usize / 2 + 1
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Follower,
    /// Asking whether peers would vote, before disturbing anyone's term.
    PreCandidate,
    Candidate,
    Leader,
}

/// The context of a server of machine `M` (the key-value store unless named).
pub type Ctx<'a, M = KvStore> = Context<'a, <M as Machine>::Node>;

#[derive(Clone, Debug)]
pub struct Server<M: Machine = KvStore> {
    pub id: u32,
    pub config: Rc<RaftConfig>,
    // Persistent.
    pub term: u64,
    pub voted_for: Option<u32>,
    pub log: Log<M>,
    // Volatile.
    pub role: Role,
    pub commit_index: u64,
    pub last_applied: u64,
    pub store: M,
    /// The store as of `log.snapshot_index`, sent to followers that fell behind.
    pub snapshot_copy: Option<M>,
    /// The machine's own volatile state on this server.
    pub local: M::Local,
    pub leader_hint: Option<u32>,
    pub votes: BTreeSet<u32>,
    pub election_timer: Option<TimerId>,
    /// When (by this node's clock) a leader was last heard from.
    pub leader_heard_at: Option<Nanos>,
    // Leader only: sized to the cluster when it is elected, empty on a server that
    // never led (a thousand followers do not each hold a thousand of them).
    pub next_index: Vec<u64>,
    /// Written through `set_match`, which keeps `match_past_commit` true.
    pub match_index: Vec<u64>,
    /// How many servers' match indexes are past `commit_index`: the commit can only
    /// advance once a majority is, so most answers cost no scan of `match_index`.
    pub match_past_commit: usize,
    pub acked_since_check: BTreeSet<u32>,
    /// Log index → (client node, sequence number) to answer once applied.
    pub pending_replies: BTreeMap<u64, (u32, u64)>,
    /// A new leader's no-op, appended with its first heartbeat.
    pub noop_pending: bool,
    // Durability.
    /// Log entries up to here are fsynced.
    pub durable_index: u64,
    pub fsync_pending: bool,
}

impl<M: Machine> Server<M> {
    pub fn new(id: u32, config: Rc<RaftConfig>) -> Self {
        Server {
            id,
            config,
            term: 0,
            voted_for: None,
            log: Log::default(),
            role: Role::Follower,
            commit_index: 0,
            last_applied: 0,
            store: M::default(),
            snapshot_copy: None,
            local: M::Local::default(),
            leader_hint: None,
            votes: BTreeSet::new(),
            election_timer: None,
            leader_heard_at: None,
            next_index: Vec::new(),
            match_index: Vec::new(),
            match_past_commit: 0,
            acked_since_check: BTreeSet::new(),
            pending_replies: BTreeMap::new(),
            noop_pending: false,
            durable_index: 0,
            fsync_pending: false,
        }
    }

    pub fn on_start(&mut self, ctx: &mut Ctx<'_, M>) {
        self.recover(ctx);
        self.reset_election_timer(ctx);
        if self.config.check_quorum {
            ctx.set_timer(self.config.election_timeout_ns_max, Timer::CheckQuorum);
        }
    }

    pub fn on_message(&mut self, ctx: &mut Ctx<'_, M>, from: NodeId, msg: Msg<M>) {
        match msg {
            Msg::Request(request) => M::on_request(self, ctx, from, request),
            Msg::RequestVote {
                term,
                last_log_index,
                last_log_term,
                pre_vote,
            } => self.on_request_vote(ctx, from.0, term, (last_log_index, last_log_term), pre_vote),
            Msg::Vote {
                term,
                granted,
                pre_vote,
            } => self.on_vote(ctx, from.0, term, granted, pre_vote),
            Msg::AppendEntries {
                term,
                prev_index,
                prev_term,
                entries,
                leader_commit,
            } => self.on_append_entries(
                ctx,
                from.0,
                term,
                (prev_index, prev_term),
                entries,
                leader_commit,
            ),
            Msg::AppendReply {
                term,
                success,
                heartbeat,
                match_index,
                conflict_term,
                conflict_index,
            } => self.on_append_reply(
                ctx,
                from.0,
                term,
                (success, heartbeat),
                match_index,
                (conflict_term, conflict_index),
            ),
            Msg::InstallSnapshot {
                term,
                index,
                snapshot_term,
                store,
            } => self.on_install_snapshot(ctx, from.0, term, index, snapshot_term, *store),
            Msg::SnapshotReply { term, index } => self.on_snapshot_reply(ctx, from.0, term, index),
            Msg::Response(_) => {} // servers do not get responses
        }
    }

    pub fn on_timer(&mut self, ctx: &mut Ctx<'_, M>, timer: Timer<M>) {
        match timer {
            Timer::Election => self.on_election_timeout(ctx),
            Timer::Heartbeat => self.on_heartbeat(ctx),
            Timer::CheckQuorum => self.on_check_quorum(ctx),
            Timer::LazyFsync => self.sync_log(ctx),
            Timer::Client(_) => {}
        }
    }

    /// Adopts a newer term seen in any message: back to follower, no vote yet.
    pub fn observe_term(&mut self, ctx: &mut Ctx<'_, M>, term: u64) {
        if term > self.term {
            self.term = term;
            self.voted_for = None;
            self.save_hard_state(ctx, true);
            self.become_follower(ctx);
        }
    }

    pub fn become_follower(&mut self, ctx: &mut Ctx<'_, M>) {
        if self.role == Role::Leader {
            ctx.sometimes(s::LEADER_STEPPED_DOWN);
            self.pending_replies.clear();
        }
        self.role = Role::Follower;
        self.votes.clear();
        self.reset_election_timer(ctx);
    }

    pub fn peers(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.config.servers).filter(move |&p| p != self.id)
    }
}
