//! Replication and failover between the single service's primary and backup.
//!
//! The primary sends its whole lock state (epoch, counter, lease) on every grant and
//! every heartbeat; the backup adopts any state at least as new as its own (the
//! counter never goes back, so a reordered heartbeat cannot undo a grant), stamps a
//! lease it has not seen with its own clock, writes it to disk and acknowledges.
//!
//! When the backup has heard nothing for `failover` it takes over: the next epoch,
//! whose primary it is. It keeps the lease it knows, stamped when it arrived, which
//! is no earlier than the grant, so it grants nothing before that lease has run out
//! by its clock; its counter continues from the last token it holds. Until the other
//! server acknowledges its state, the new primary grants alone (`solo`), and says so
//! in what it replicates: a server that adopted a solo primary's state may be missing
//! a grant, so it may not take over until a non-solo state reaches it. A stale primary
//! hears of the higher epoch (a `Fence`, or the new primary's heartbeat) and becomes
//! the backup; until then it cannot answer a grant, as no backup acknowledges it.

use crate::lock::messages::{Lease, Msg, ReplicatedLease, Token};
use crate::lock::node::LockNode;
use crate::lock::single::SingleServer;
use crate::lock::situations as s;
use faultline_sim::{Context, Nanos, NodeId};

impl SingleServer {
    /// Heartbeat (primary), failure detection (backup).
    pub(super) fn on_tick(&mut self, ctx: &mut Context<'_, LockNode>) {
        if self.is_primary() {
            self.send_replicate(ctx);
            return;
        }
        let silent = ctx.now().saturating_sub(self.heard_ns) >= self.config.failover_ns;
        if silent && self.state.synced {
            self.take_over(ctx);
        }
    }

    pub(super) fn send_replicate(&self, ctx: &mut Context<'_, LockNode>) {
        let lease = self.state.lease.map(|l| ReplicatedLease {
            token: l.token,
            owner: l.owner,
        });
        let msg = Msg::Replicate {
            epoch: self.state.epoch,
            counter: self.state.counter,
            lease,
            solo: self.state.solo,
        };
        ctx.send(self.peer(), msg);
    }

    /// The backup becomes the primary of the next epoch, alone until the other
    /// server catches up.
    fn take_over(&mut self, ctx: &mut Context<'_, LockNode>) {
        debug_assert!(self.state.synced, "only a backup in sync takes over");
        ctx.sometimes(s::BACKUP_TOOK_OVER);
        self.state.epoch += 1;
        self.state.solo = true;
        self.state.synced = false;
        self.acked = 0;
        self.awaiting.clear();
        debug_assert!(self.is_primary());
        self.persist(ctx);
        self.send_replicate(ctx);
    }

    pub(super) fn on_replicate(
        &mut self,
        ctx: &mut Context<'_, LockNode>,
        from: NodeId,
        epoch: u64,
        counter: Token,
        lease: Option<ReplicatedLease>,
        solo: bool,
    ) {
        if epoch < self.state.epoch {
            let epoch = self.state.epoch;
            ctx.send(from, Msg::Fence { epoch });
            return;
        }
        let newer_epoch = epoch > self.state.epoch;
        if newer_epoch {
            self.step_down(epoch);
        }
        debug_assert!(
            !self.is_primary(),
            "a replicate comes from the epoch's primary"
        );
        self.heard_ns = ctx.now();
        let mut changed = self.adopt(ctx.now(), counter, lease) || newer_epoch;
        if !solo && !self.state.synced {
            self.state.synced = true;
            changed = true;
        }
        if changed {
            self.persist(ctx);
        }
        let counter = self.state.counter;
        ctx.send(from, Msg::ReplicateAck { epoch, counter });
    }

    /// Takes the primary's state if it is at least as new as ours (a reordered older
    /// heartbeat is ignored), stamping a lease we have not seen with our clock; says
    /// whether anything changed.
    fn adopt(&mut self, now_ns: Nanos, counter: Token, lease: Option<ReplicatedLease>) -> bool {
        if counter < self.state.counter {
            return false;
        }
        let known = self.state.lease;
        let adopted = lease.map(|l| match known {
            // The same lease again (a token alone may have been handed out unanswered
            // by a stale primary too; the owner tells them apart).
            Some(k) if k.token == l.token && k.owner == l.owner => k,
            _ => Lease {
                token: l.token,
                owner: l.owner,
                since_ns: now_ns,
            },
        });
        let changed = counter != self.state.counter || adopted != self.state.lease;
        self.state.counter = counter;
        self.state.lease = adopted;
        changed
    }

    pub(super) fn on_replicate_ack(
        &mut self,
        ctx: &mut Context<'_, LockNode>,
        epoch: u64,
        counter: Token,
    ) {
        if !self.is_primary() || epoch != self.state.epoch {
            return;
        }
        self.acked = self.acked.max(counter);
        if self.state.solo {
            // The other server holds our state now; from here on it may take over,
            // so every grant waits for it.
            self.state.solo = false;
            self.persist(ctx);
        }
        self.answer_awaiting(ctx);
    }

    pub(super) fn on_fence(&mut self, ctx: &mut Context<'_, LockNode>, epoch: u64) {
        if epoch > self.state.epoch {
            ctx.sometimes(s::STALE_PRIMARY_FENCED);
            self.step_down(epoch);
            self.persist(ctx);
        }
    }

    /// Moves to a higher epoch as its backup, not yet in sync with its primary, and
    /// forgets its own lease state: the new primary's replaces it whole, even with a
    /// lower counter (tokens above it were never answered, since the new primary held
    /// every answered one), and until then this server may not take over.
    fn step_down(&mut self, epoch: u64) {
        self.state.epoch = epoch;
        self.state.counter = 0;
        self.state.lease = None;
        self.state.synced = false;
        self.state.solo = false;
        self.acked = 0;
        self.awaiting.clear();
    }
}
