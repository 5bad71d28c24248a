//! A Multi-Paxos server: acceptor, proposer and learner in one node, and how events
//! reach each role.

use crate::kv::{KvRequest, KvStore};
use crate::paxos::bugs::PaxosBugs;
use crate::paxos::messages::{Ballot, Msg, Timer, Value, Vote};
use crate::paxos::node::PaxosNode;
use faultline_sim::context::TimerId;
use faultline_sim::{Context, Nanos, NodeId};
use std::collections::BTreeMap;
use std::rc::Rc;

#[derive(Clone, Debug)]
pub struct PaxosConfig {
    pub servers: u32,
    pub election_timeout_ns_min: Nanos,
    pub election_timeout_ns_max: Nanos,
    pub heartbeat_ns: Nanos,
    /// A distinguished leader runs phase 1 once for all slots; without it every
    /// request makes its server a competing proposer (single-decree style).
    pub stable_leader: bool,
    /// Without a stable leader: the first backoff window after a lost ballot (0: none).
    pub backoff_ns: Nanos,
    /// The widest backoff window.
    pub backoff_max_ns: Nanos,
    pub bugs: PaxosBugs,
}

impl PaxosConfig {
    pub fn majority(&self) -> usize {
        self.servers as usize / 2 + 1
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Follower,
    /// Running phase 1 with `ballot`.
    Preparing,
    Leader,
}

pub type Ctx<'a> = Context<'a, PaxosNode>;

/// A value the leader proposed in a slot, and who accepted it.
#[derive(Clone, Debug)]
pub struct Proposal {
    pub value: Value,
    pub accepted_by: Vec<u32>,
    pub chosen: bool,
}

#[derive(Clone, Debug)]
pub struct Server {
    pub id: u32,
    pub config: Rc<PaxosConfig>,
    // Acceptor (persistent).
    pub promised: Ballot,
    pub accepted: BTreeMap<u64, Vote>,
    // Proposer.
    pub role: Role,
    pub ballot: Ballot,
    pub promised_by: Vec<u32>,
    pub promise_votes: Vec<Vote>,
    pub next_slot: u64,
    pub proposals: BTreeMap<u64, Proposal>,
    /// Slot → who waits for its answer: the client's node, and its command's session
    /// (client) and sequence number, which tell whether the slot's decided command
    /// is that client's.
    pub pending_replies: BTreeMap<u64, (u32, u64, u64)>,
    pub queued: Vec<(NodeId, KvRequest)>,
    pub leader_hint: Option<u32>,
    pub leader_heard_at: Option<Nanos>,
    pub election_timer: Option<TimerId>,
    /// Ballots lost in a row (competing proposers only): each widens the backoff.
    pub lost_ballots: u32,
    pub backoff_timer: Option<TimerId>,
    // Learner.
    pub decided: BTreeMap<u64, Value>,
    /// The first slot not yet executed.
    pub next_exec: u64,
    pub store: KvStore,
    // For the invariant checker (volatile, rebuilt empty after a restart).
    pub accept_log: Vec<Vote>,
    pub exec_log: Vec<(u64, Value)>,
    // Garbage collection.
    /// The leader's view of how far each server has executed.
    pub executed_by: Vec<u64>,
    /// Votes below this slot were dropped (every server had them in a snapshot).
    pub gc_below: u64,
    /// The last slot whose effect is in this server's durable snapshot.
    pub durable_executed: u64,
}

impl Server {
    pub fn new(id: u32, config: Rc<PaxosConfig>) -> Self {
        let config_servers = config.servers as usize;
        Server {
            id,
            config,
            promised: Ballot::default(),
            accepted: BTreeMap::new(),
            role: Role::Follower,
            ballot: Ballot::default(),
            promised_by: Vec::new(),
            promise_votes: Vec::new(),
            next_slot: 1,
            proposals: BTreeMap::new(),
            pending_replies: BTreeMap::new(),
            queued: Vec::new(),
            leader_hint: None,
            leader_heard_at: None,
            election_timer: None,
            lost_ballots: 0,
            backoff_timer: None,
            decided: BTreeMap::new(),
            next_exec: 1,
            store: KvStore::default(),
            accept_log: Vec::new(),
            exec_log: Vec::new(),
            executed_by: vec![0; config_servers],
            gc_below: 1,
            durable_executed: 0,
        }
    }

    pub fn on_start(&mut self, ctx: &mut Ctx<'_>) {
        self.recover(ctx);
        self.reset_election_timer(ctx);
    }

    pub fn on_message(&mut self, ctx: &mut Ctx<'_>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Request(request) => self.on_client_request(ctx, from, request),
            Msg::Prepare { ballot, from_slot } => self.on_prepare(ctx, from, ballot, from_slot),
            Msg::Promise { ballot, votes } => self.on_promise(ctx, from.0, ballot, votes),
            Msg::Nack { ballot, promised } => self.on_nack(ctx, ballot, promised),
            Msg::Accept {
                ballot,
                slot,
                value,
            } => self.on_accept(ctx, from, ballot, slot, value),
            Msg::Accepted {
                ballot,
                slot,
                executed,
            } => {
                self.note_executed(from.0, executed);
                self.on_accepted(ctx, from.0, ballot, slot)
            }
            Msg::Decide { slot, value } => self.on_decide(ctx, slot, value),
            Msg::Heartbeat {
                ballot,
                chosen_through,
                gc_below,
            } => {
                self.on_heartbeat(ctx, from, ballot, chosen_through);
                if ballot >= self.promised {
                    self.collect_garbage(ctx, gc_below);
                }
            }
            Msg::Fetch { from_slot } => self.on_fetch(ctx, from, from_slot),
            Msg::Snapshot { through, store } => self.on_snapshot(ctx, through, store),
            Msg::Response(_) => {}
        }
    }

    pub fn on_timer(&mut self, ctx: &mut Ctx<'_>, timer: Timer) {
        match timer {
            Timer::Election => self.on_election_timeout(ctx),
            Timer::Heartbeat => self.send_heartbeats(ctx),
            Timer::Backoff => self.on_backoff_over(ctx),
            Timer::Client(_) => {}
        }
    }

    pub fn all_servers(&self) -> impl Iterator<Item = NodeId> {
        (0..self.config.servers).map(NodeId)
    }

    pub fn reset_election_timer(&mut self, ctx: &mut Ctx<'_>) {
        let (lo, hi) = (
            self.config.election_timeout_ns_min,
            self.config.election_timeout_ns_max,
        );
        let timeout = ctx.rng().range_inclusive(lo, hi);
        ctx.reset_timer(&mut self.election_timer, timeout, Timer::Election);
    }
}

impl Server {
    /// What fault targets see: the leader, ranked by ballot round.
    pub fn node_role(&self) -> Option<faultline_sim::actor::Role> {
        (self.role == Role::Leader).then_some(faultline_sim::actor::Role {
            name: "leader",
            rank: self.ballot.round,
        })
    }
}
