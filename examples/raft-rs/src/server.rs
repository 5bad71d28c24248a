//! A server: a raft-rs `RawNode` driven by faultline.
//!
//! - Its logical clock is a faultline timer: every `tick_ms` of the node's own clock
//!   (which may drift or jump) it calls `RawNode::tick`.
//! - raft-rs messages travel faultline's network (loss, delay, duplication,
//!   partitions); each one is handed to `RawNode::step`.
//! - Client requests are proposed when raft-rs leads, else answered `NotLeader` with
//!   raft-rs's `leader_id` as the hint.
//! - After every event the pending `Ready` is handled (`ready`): persisted to the
//!   simulated disk, messages sent, committed entries applied.
//! - Election timeouts are randomized by faultline's seeded rng, not raft-rs's
//!   thread-local one (see `jitter_election`).

use crate::api::{Context, KvNode, KvRequest, KvResponse, NodeId, Role};
use crate::codec::encode_command;
use crate::config::RaftRsConfig;
use crate::messages::{Msg, Timer};
use crate::recovery::recover;
use crate::situations as s;
use crate::storage::SimStorage;
use crate::store::Store;
use faultline::sim::context::TimerId;
use raft::{RawNode, StateRole};
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

pub type Ctx<'a> = Context<'a, KvNode<Server>>;

pub struct Server {
    /// faultline's node index; raft-rs's id is `id + 1` (raft-rs reserves 0).
    pub id: u32,
    pub config: Rc<RaftRsConfig>,
    /// Built in `on_start`, from the disk.
    pub node: Option<RawNode<SimStorage>>,
    pub store: Store,
    /// The last log index the state machine applied.
    pub applied_index: u64,
    /// Client → sequence number of its command this server proposed, to answer once
    /// the command is applied here.
    pub pending: BTreeMap<u64, u64>,
    pub tick_timer: Option<TimerId>,
    /// The election timeout was jittered since `election_elapsed` last left 0.
    pub jittered: bool,
    /// `raftrs.send_before_persist`: the background writer's next flush.
    pub flush_timer: Option<TimerId>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Server(n{} {})",
            self.id,
            self.describe().unwrap_or_default()
        )
    }
}

impl Server {
    pub fn new(id: u32, config: Rc<RaftRsConfig>) -> Self {
        Server {
            id,
            config,
            node: None,
            store: Store::default(),
            applied_index: 0,
            pending: BTreeMap::new(),
            tick_timer: None,
            jittered: false,
            flush_timer: None,
        }
    }

    /// raft-rs's state machine, once started.
    pub fn raft(&self) -> Option<&raft::Raft<SimStorage>> {
        self.node.as_ref().map(|n| &n.raft)
    }

    pub fn node_mut(&mut self) -> &mut RawNode<SimStorage> {
        self.node
            .as_mut()
            .expect("a server handles events only after on_start")
    }

    pub fn storage(&self) -> Option<&SimStorage> {
        self.node.as_ref().map(|n| n.store())
    }

    pub fn describe(&self) -> Option<String> {
        let raft = self.raft()?;
        let role = format!("{:?}", raft.state).to_lowercase();
        let commit = raft.raft_log.committed;
        Some(format!(
            "{role} term {} commit {commit} applied {}",
            raft.term, self.applied_index
        ))
    }

    pub fn role(&self) -> Option<Role> {
        let raft = self.raft()?;
        (raft.state == StateRole::Leader).then_some(Role {
            name: "leader",
            rank: raft.term,
        })
    }

    pub fn start(&mut self, ctx: &mut Ctx<'_>) {
        let records = match ctx.disk().records() {
            Ok(records) => records,
            Err(corrupt) => return ctx.halt(corrupt), // refuse to start: stay down
        };
        let recovered = recover(records, u64::from(self.config.servers));
        if !ctx.disk().is_empty() {
            ctx.sometimes(s::RECOVERED);
        }
        self.applied_index = recovered.storage.snapshot_index();
        self.store = recovered.store;
        let config = self
            .config
            .raft_config(u64::from(self.id) + 1, self.applied_index);
        let logger = slog::Logger::root(slog::Discard, slog::o!());
        let node = RawNode::new(&config, recovered.storage, &logger)
            .expect("the configuration is valid and the storage consistent");
        self.node = Some(node);
        let tick_ns = self.config.tick_ns;
        ctx.reset_timer(&mut self.tick_timer, tick_ns, Timer::Tick);
        self.after_event(ctx);
    }

    pub fn on_message(&mut self, ctx: &mut Ctx<'_>, from: NodeId, msg: Msg) {
        match msg {
            // raft-rs refuses messages it cannot take (from an unknown peer, a local
            // message kind); either way there is nothing to do with the refusal.
            Msg::Raft(m) => drop(self.node_mut().step(m.0)),
            Msg::Request(request) => self.on_request(ctx, from, request),
            Msg::Response(_) => {}
        }
        self.after_event(ctx);
    }

    pub fn on_timer(&mut self, ctx: &mut Ctx<'_>, timer: Timer) {
        match timer {
            Timer::Tick => {
                self.tick_timer = None;
                self.node_mut().tick();
                let tick_ns = self.config.tick_ns;
                ctx.reset_timer(&mut self.tick_timer, tick_ns, Timer::Tick);
            }
            Timer::Flush => {
                self.flush_timer = None;
                ctx.fsync_or_halt();
            }
            Timer::Client(_) => {}
        }
        self.after_event(ctx);
    }

    fn after_event(&mut self, ctx: &mut Ctx<'_>) {
        crate::ready::handle_ready(self, ctx);
        self.jitter_election(ctx);
    }

    fn on_request(&mut self, ctx: &mut Ctx<'_>, from: NodeId, request: KvRequest) {
        let command = request.command;
        let seq = command.seq;
        let raft = &self.node_mut().raft;
        if raft.state != StateRole::Leader {
            let leader_hint = (raft.leader_id != 0).then(|| (raft.leader_id - 1) as u32);
            if leader_hint.is_some() {
                ctx.sometimes(s::REDIRECTED);
            }
            ctx.send(
                from,
                Msg::Response(KvResponse::NotLeader { seq, leader_hint }),
            );
            return;
        }
        match self
            .node_mut()
            .propose(Vec::new(), encode_command(&command))
        {
            Ok(()) => {
                self.pending.insert(command.client, seq);
            }
            Err(_) => {
                // raft-rs drops proposals while it transfers leadership, which this
                // adapter never asks for: not a situation a run reaches.
                let refusal = KvResponse::NotLeader {
                    seq,
                    leader_hint: None,
                };
                ctx.send(from, Msg::Response(refusal));
            }
        }
    }

    /// Randomizes the election timeout with the run's seeded rng. raft-rs's own draw
    /// is pinned to `election_ticks` (see `RaftRsConfig::raft_config`); each time a
    /// follower or candidate restarts its election countdown (`election_elapsed` back
    /// to 0: a new term, a message from the leader), its next tick is pushed back by
    /// a random `[0, election_ticks)` ticks, so the timeout falls in
    /// `[election_ticks, 2 * election_ticks)` ticks as raft-rs intends. A leader's
    /// ticks (heartbeats, CheckQuorum) stay regular.
    fn jitter_election(&mut self, ctx: &mut Ctx<'_>) {
        let raft = &self.node_mut().raft;
        if raft.state == StateRole::Leader || raft.election_elapsed != 0 {
            self.jittered = false;
            return;
        }
        if self.jittered {
            return;
        }
        self.jittered = true;
        let tick_ns = self.config.tick_ns;
        let window_ns = self.config.election_ticks as u64 * tick_ns;
        let delay_ns = tick_ns + ctx.rng().below(window_ns);
        ctx.reset_timer(&mut self.tick_timer, delay_ns, Timer::Tick);
    }
}
