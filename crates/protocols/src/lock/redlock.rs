//! A Redlock lock server: one of N independent servers, each holding the lock key
//! the way a single Redis would (`SET key owner NX PX ttl`, expiring by its own clock).
//!
//! Redlock has no fencing token of its own (Kleppmann 2016); this one derives one
//! from a counter on each server. Setting the key takes the next number; a client that
//! wins a majority takes the highest number it was given as its token and raises
//! every server's counter to it (`Raise`, on a majority before it counts as holding),
//! and a release raises it too. The next winner's majority overlaps one that counted
//! past the previous token, so its token is higher, as long as two winning attempts
//! never overlap in time: the client gives up on an attempt after a third of the ttl,
//! while a key it won survives for nearly the whole ttl. Unlock deletes the key only
//! if the attempt owns it. The counter and key are written and fsynced before each
//! reply, so a restarted server still knows both.

use crate::lock::config::LockConfig;
use crate::lock::messages::{Attempt, Lease, Msg, Record, Token};
use crate::lock::node::LockNode;
use crate::lock::situations as s;
use faultline_sim::{Context, Nanos, NodeId};
use serde::Serialize;
use std::rc::Rc;

/// A Redlock server's whole state, as written to disk.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct RedlockState {
    /// The highest number handed out here or raised to.
    pub counter: Token,
    /// The lock key: its owner, the number it was set with, and when (this clock).
    pub key: Option<Lease>,
}

#[derive(Clone, Debug)]
pub struct RedlockServer {
    config: Rc<LockConfig>,
    pub state: RedlockState,
}

impl RedlockServer {
    pub fn new(config: Rc<LockConfig>) -> Self {
        RedlockServer {
            config,
            state: RedlockState::default(),
        }
    }

    pub fn on_start(&mut self, ctx: &mut Context<'_, LockNode>) {
        let records = match ctx.disk().records() {
            Ok(records) => records,
            Err(corrupt) => return ctx.halt(corrupt), // refuse to start: stay down
        };
        let recovered = records.iter().rev().find_map(|r| match r {
            Record::Redlock(state) => Some(state.clone()),
            _ => None,
        });
        if recovered.is_some() {
            ctx.sometimes(s::SERVER_RECOVERED);
        }
        self.state = recovered.unwrap_or_default();
    }

    pub fn on_message(&mut self, ctx: &mut Context<'_, LockNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Lock { attempt } => self.on_lock(ctx, from, attempt),
            Msg::Raise { attempt, token } => {
                if token > self.state.counter {
                    self.state.counter = token;
                    self.persist(ctx);
                }
                ctx.send(from, Msg::Raised { attempt });
            }
            Msg::Unlock { attempt, token } => self.on_unlock(ctx, from, attempt, token),
            other => unreachable!("Redlock server got {other:?} from {from:?}: not a lock request"),
        }
    }

    fn live(&self, key: &Lease, now_ns: Nanos) -> bool {
        now_ns < key.since_ns.saturating_add(self.config.ttl_ns)
    }

    fn on_lock(&mut self, ctx: &mut Context<'_, LockNode>, client: NodeId, attempt: Attempt) {
        let now = ctx.now();
        let token = match self.state.key {
            Some(key) if key.owner == attempt => {
                ctx.sometimes(s::RETRY_GOT_SAME_LEASE);
                Some(key.token)
            }
            Some(key) if self.live(&key, now) => {
                ctx.sometimes(s::REFUSED_WHILE_LEASE_LIVE);
                None
            }
            _ => {
                if self.state.key.is_some() {
                    ctx.sometimes(s::GRANTED_OVER_EXPIRED_LEASE);
                }
                self.state.counter += 1;
                self.state.key = Some(Lease {
                    token: self.state.counter,
                    owner: attempt,
                    since_ns: now,
                });
                self.persist(ctx);
                Some(self.state.counter)
            }
        };
        ctx.send(client, Msg::Locked { attempt, token });
    }

    fn on_unlock(
        &mut self,
        ctx: &mut Context<'_, LockNode>,
        client: NodeId,
        attempt: Attempt,
        token: Token,
    ) {
        let mut changed = false;
        if token > self.state.counter {
            self.state.counter = token;
            changed = true;
        }
        let owns = self.state.key.is_some_and(|k| k.owner == attempt);
        if self.state.key.is_some() && (owns || self.config.bugs.unsafe_release) {
            self.state.key = None;
            changed = true;
        } else if self.state.key.is_some() {
            ctx.sometimes(s::RELEASE_OWNER_CHECK_REFUSED);
        }
        if changed {
            self.persist(ctx);
        }
        ctx.send(client, Msg::Unlocked { attempt });
    }

    fn persist(&self, ctx: &mut Context<'_, LockNode>) {
        ctx.disk().append(Record::Redlock(self.state.clone()));
        ctx.fsync_or_halt(); // fail-stop: the grant that follows never leaves
    }
}
