//! The single lock service: a primary lock server and its backup (nodes 0 and 1).
//!
//! Epoch `e`'s primary is node `e mod 2`, so both servers agree who leads an epoch
//! they know; a takeover is the backup moving to the next epoch (`failover`). The
//! primary grants the lock when no lease is live by its clock: the next token, a
//! lease of `ttl` from now, written to disk, then replicated to the backup, and only
//! once the backup acknowledged it is the client told (so a backup that takes over
//! knows every lease a client may hold). A retry of the same attempt gets the same
//! lease. A release deletes the lease only if it names the lease's token (the owner
//! check). Both servers persist their whole state after each change, fsynced before
//! any reply that depends on it, so a restart picks up where the crash left off.

use crate::lock::config::LockConfig;
use crate::lock::messages::{Attempt, Lease, Msg, Record, Timer, Token};
use crate::lock::node::LockNode;
use crate::lock::situations as s;
use faultline_sim::actor::Role;
use faultline_sim::{Context, Nanos, NodeId};
use serde::Serialize;
use std::rc::Rc;

/// What a primary-backup server keeps on disk (all of its lock state).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct SingleState {
    /// Node `epoch mod 2` is the primary of this epoch.
    pub epoch: u64,
    /// The highest token handed out or learnt from the primary.
    pub counter: Token,
    /// The lease as this server knows it: granted here (primary) or replicated here,
    /// stamped with when it arrived (backup).
    pub lease: Option<Lease>,
    /// Backup: holds every lease its primary answered, so it may take over.
    pub synced: bool,
    /// Primary: grants without a backup's acknowledgement (it just took over and no
    /// backup has caught up; the other server cannot take over meanwhile).
    pub solo: bool,
}

impl Default for SingleState {
    /// Epoch 0: node 0 leads, node 1 is a backup in sync with the empty state.
    fn default() -> Self {
        SingleState {
            epoch: 0,
            counter: 0,
            lease: None,
            synced: true,
            solo: false,
        }
    }
}

#[derive(Clone, Debug)]
pub struct SingleServer {
    pub id: u32,
    pub(super) config: Rc<LockConfig>,
    pub state: SingleState,
    /// Primary: the highest counter the backup acknowledged in this epoch.
    pub(super) acked: Token,
    /// Primary: clients told of their grant once the backup holds it.
    pub(super) awaiting: Vec<(NodeId, Attempt, Token)>,
    /// Backup: when (by its clock) it last heard its primary.
    pub(super) heard_ns: Nanos,
}

impl SingleServer {
    pub fn new(id: u32, config: Rc<LockConfig>) -> Self {
        SingleServer {
            id,
            config,
            state: SingleState::default(),
            acked: 0,
            awaiting: Vec::new(),
            heard_ns: 0,
        }
    }

    pub fn is_primary(&self) -> bool {
        self.state.epoch % 2 == u64::from(self.id)
    }

    /// The other server of the pair.
    pub(super) fn peer(&self) -> NodeId {
        NodeId(1 - self.id)
    }

    /// The primary of the epoch this server is in.
    fn primary_hint(&self) -> u32 {
        (self.state.epoch % 2) as u32
    }

    pub fn role(&self) -> Option<Role> {
        self.is_primary().then_some(Role {
            name: "leader",
            rank: self.state.epoch,
        })
    }

    /// Recovers the last state written (or starts at epoch 0).
    pub fn on_start(&mut self, ctx: &mut Context<'_, LockNode>) {
        let records = match ctx.disk().records() {
            Ok(records) => records,
            Err(corrupt) => return ctx.halt(corrupt), // refuse to start: stay down
        };
        let recovered = records.iter().rev().find_map(|r| match r {
            Record::Single(state) => Some(state.clone()),
            _ => None,
        });
        if recovered.is_some() {
            ctx.sometimes(s::SERVER_RECOVERED);
        }
        self.state = recovered.unwrap_or_default();
        self.heard_ns = ctx.now();
        ctx.set_timer(self.config.heartbeat_ns, Timer::Tick);
    }

    pub fn on_message(&mut self, ctx: &mut Context<'_, LockNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Acquire { attempt } => self.on_acquire(ctx, from, attempt),
            Msg::Release { op, token } => self.on_release(ctx, from, op, token),
            Msg::Replicate {
                epoch,
                counter,
                lease,
                solo,
            } => self.on_replicate(ctx, from, epoch, counter, lease, solo),
            Msg::ReplicateAck { epoch, counter } => self.on_replicate_ack(ctx, epoch, counter),
            Msg::Fence { epoch } => self.on_fence(ctx, epoch),
            other @ (Msg::Granted { .. }
            | Msg::Busy { .. }
            | Msg::NotPrimary { .. }
            | Msg::Released { .. }
            | Msg::Lock { .. }
            | Msg::Locked { .. }
            | Msg::Raise { .. }
            | Msg::Raised { .. }
            | Msg::Unlock { .. }
            | Msg::Unlocked { .. }
            | Msg::Write { .. }
            | Msg::WriteReply { .. }) => {
                unreachable!("lock server got {other:?} from {from:?}: not a lock request")
            }
        }
    }

    pub fn on_timer(&mut self, ctx: &mut Context<'_, LockNode>, timer: Timer) {
        assert_eq!(timer, Timer::Tick, "a lock server sets only its heartbeat");
        self.on_tick(ctx);
        ctx.set_timer(self.config.heartbeat_ns, Timer::Tick);
    }

    /// Whether `lease` has run its ttl by this server's clock.
    fn expired(&self, lease: &Lease, now_ns: Nanos) -> bool {
        now_ns >= lease.since_ns.saturating_add(self.config.ttl_ns)
    }

    fn on_acquire(&mut self, ctx: &mut Context<'_, LockNode>, client: NodeId, attempt: Attempt) {
        if !self.is_primary() {
            let hint = self.primary_hint();
            ctx.send(
                client,
                Msg::NotPrimary {
                    op: attempt.op,
                    hint,
                },
            );
            return;
        }
        match self.state.lease {
            Some(lease) if lease.owner == attempt => {
                ctx.sometimes(s::RETRY_GOT_SAME_LEASE);
                self.answer_when_replicated(ctx, client, lease)
            }
            Some(lease) if !self.expired(&lease, ctx.now()) => {
                ctx.sometimes(s::REFUSED_WHILE_LEASE_LIVE);
                ctx.send(client, Msg::Busy { attempt });
            }
            _ => self.grant(ctx, client, attempt),
        }
    }

    /// A new lease with the next token, durable before anyone hears of it.
    fn grant(&mut self, ctx: &mut Context<'_, LockNode>, client: NodeId, attempt: Attempt) {
        debug_assert!(
            self.config.bugs.any() || self.state.lease.is_none_or(|l| self.expired(&l, ctx.now())),
            "a live lease is never granted over"
        );
        if self.state.lease.is_some() {
            ctx.sometimes(s::GRANTED_OVER_EXPIRED_LEASE);
        }
        let lease = Lease {
            token: self.state.counter + 1,
            owner: attempt,
            since_ns: ctx.now(),
        };
        self.state.counter = lease.token;
        self.state.lease = Some(lease);
        self.persist(ctx);
        let replicate_first = !self.state.solo && !self.config.bugs.failover_unreplicated;
        if replicate_first {
            self.send_replicate(ctx);
        }
        self.answer_when_replicated(ctx, client, lease);
    }

    /// Tells the client of its lease now if the backup has it (or there is no backup
    /// to have it), else once the backup acknowledges it.
    fn answer_when_replicated(
        &mut self,
        ctx: &mut Context<'_, LockNode>,
        client: NodeId,
        lease: Lease,
    ) {
        let unreplicated_ok = self.state.solo || self.config.bugs.failover_unreplicated;
        if unreplicated_ok || self.acked >= lease.token {
            let (attempt, token) = (lease.owner, lease.token);
            ctx.send(client, Msg::Granted { attempt, token });
        } else if !self.awaiting.iter().any(|&(_, a, _)| a == lease.owner) {
            self.awaiting.push((client, lease.owner, lease.token));
        }
    }

    /// Answers the clients whose leases the backup now holds.
    pub(super) fn answer_awaiting(&mut self, ctx: &mut Context<'_, LockNode>) {
        let current = self.state.lease.map(|l| (l.owner, l.token));
        let acked = self.acked;
        let (ready, waiting): (Vec<_>, Vec<_>) = self
            .awaiting
            .drain(..)
            .partition(|&(_, _, token)| token <= acked);
        self.awaiting = waiting;
        for (client, attempt, token) in ready {
            if current == Some((attempt, token)) {
                ctx.send(client, Msg::Granted { attempt, token });
            }
        }
    }

    fn on_release(
        &mut self,
        ctx: &mut Context<'_, LockNode>,
        client: NodeId,
        op: u64,
        token: Token,
    ) {
        if !self.is_primary() {
            let hint = self.primary_hint();
            ctx.send(client, Msg::NotPrimary { op, hint });
            return;
        }
        let owner_check = |l: &Lease| l.token == token;
        let deletes = match &self.state.lease {
            Some(lease) => self.config.bugs.unsafe_release || owner_check(lease),
            None => false,
        };
        if deletes {
            self.state.lease = None;
            self.persist(ctx);
        } else if self.state.lease.is_some() {
            ctx.sometimes(s::RELEASE_OWNER_CHECK_REFUSED);
        }
        ctx.send(client, Msg::Released { op });
    }

    /// Writes the whole state and makes it durable.
    pub(super) fn persist(&self, ctx: &mut Context<'_, LockNode>) {
        ctx.disk().append(Record::Single(self.state.clone()));
        ctx.fsync_or_halt(); // fail-stop: nothing that follows leaves
    }
}
