//! How a client acquires and releases the lock with each service.
//!
//! Single service: ask the server it takes for the primary (following `NotPrimary`
//! hints, and the other server when one stays silent), with the same attempt on every
//! retry so a grant is never handed out twice for it. A grant is valid for the ttl
//! from when the client first asked, less the drift allowance, by its own clock; one
//! that arrives after that, or for an attempt it gave up on, is given back.
//!
//! Redlock: ask every server to set the key; with a majority, raise every server's
//! counter to the highest token given (a majority confirming); then the lock is valid
//! until `start + ttl - drift allowance`, i.e. for `ttl - elapsed - allowance` from
//! now, by its own clock. Without a majority in time, or with no validity left,
//! unlock everywhere. With `lock.redlock_no_drift` the client counts the whole ttl
//! from when it won instead. A release unlocks everywhere and waits for a majority.

use crate::history::ClientEventKind;
use crate::lock::client::{Acquiring, InFlight, LockClient, Releasing};
use crate::lock::config::Service;
use crate::lock::messages::{Attempt, Msg, Timer, Token};
use crate::lock::node::LockNode;
use crate::lock::situations as s;
use faultline_sim::{Context, NodeId};
use std::collections::{BTreeMap, BTreeSet};

impl LockClient {
    pub(super) fn start_acquire(&mut self, ctx: &mut Context<'_, LockNode>) {
        let op = self.invoked;
        let attempt = Attempt {
            client: self.id.0,
            op,
        };
        self.in_flight = Some(InFlight::Acquire(Acquiring {
            attempt,
            start_ns: ctx.now(),
            granted: BTreeMap::new(),
            refused: BTreeSet::new(),
            raising: None,
            raised: BTreeSet::new(),
        }));
        let timeout = self.config.acquire_timeout_ns;
        ctx.reset_timer(
            &mut self.timeout_timer,
            timeout,
            Timer::AcquireTimeout { op },
        );
        self.send_lock_requests(ctx);
    }

    /// Gives back the last lease acquired (done at once if it never acquired one).
    pub(super) fn start_release(&mut self, ctx: &mut Context<'_, LockNode>) {
        let op = self.invoked;
        let last = self.last;
        let (attempt, token) = last.unwrap_or((
            Attempt {
                client: self.id.0,
                op: 0,
            },
            0,
        ));
        self.in_flight = Some(InFlight::Release(Releasing {
            op,
            attempt,
            token,
            confirmed: BTreeSet::new(),
        }));
        if last.is_none() {
            self.released(ctx);
            return;
        }
        self.send_lock_requests(ctx);
    }

    /// Sends what the operation in flight still needs from the lock service.
    fn send_lock_requests(&mut self, ctx: &mut Context<'_, LockNode>) {
        let Some(in_flight) = self.in_flight.clone() else {
            return;
        };
        match (self.config.service, in_flight) {
            (Service::Single, InFlight::Acquire(a)) => {
                let attempt = a.attempt;
                ctx.send(NodeId(self.primary_guess), Msg::Acquire { attempt });
            }
            (Service::Single, InFlight::Release(r)) => {
                let (op, token) = (r.op, r.token);
                ctx.send(NodeId(self.primary_guess), Msg::Release { op, token });
            }
            (Service::Redlock, InFlight::Acquire(a)) => {
                let attempt = a.attempt;
                for server in self.lock_servers() {
                    let msg = match a.raising {
                        None if !a.granted.contains_key(&server)
                            && !a.refused.contains(&server) =>
                        {
                            Msg::Lock { attempt }
                        }
                        Some(token) if !a.raised.contains(&server) => Msg::Raise { attempt, token },
                        _ => continue,
                    };
                    ctx.send(NodeId(server), msg);
                }
            }
            (Service::Redlock, InFlight::Release(r)) => {
                let (attempt, token) = (r.attempt, r.token);
                for server in self.lock_servers().filter(|s| !r.confirmed.contains(s)) {
                    ctx.send(NodeId(server), Msg::Unlock { attempt, token });
                }
            }
            (_, InFlight::Write { .. }) => return,
        }
        self.arm_retry(ctx);
    }

    fn lock_servers(&self) -> impl Iterator<Item = u32> {
        0..self.config.lock_servers
    }

    /// No answer in time: the single service's other server may be the primary now.
    pub(super) fn retry_lock_request(&mut self, ctx: &mut Context<'_, LockNode>) {
        if self.config.service == Service::Single {
            self.primary_guess = 1 - self.primary_guess;
        }
        self.send_lock_requests(ctx);
    }

    pub(super) fn acquire_timed_out(&mut self, ctx: &mut Context<'_, LockNode>) {
        let Some(InFlight::Acquire(a)) = &self.in_flight else {
            return;
        };
        ctx.sometimes(s::ACQUIRE_TIMED_OUT);
        match self.config.service {
            // A grant may still come; it will be given back then.
            Service::Single => self.not_acquired(ctx, ClientEventKind::Info),
            Service::Redlock => {
                let (attempt, token) = (a.attempt, a.granted.values().copied().max());
                self.unlock_everywhere(ctx, attempt, token.unwrap_or(0));
                self.not_acquired(ctx, ClientEventKind::Fail);
            }
        }
    }

    fn unlock_everywhere(&self, ctx: &mut Context<'_, LockNode>, attempt: Attempt, token: Token) {
        for server in self.lock_servers() {
            ctx.send(NodeId(server), Msg::Unlock { attempt, token });
        }
    }

    /// The attempt in flight, if `attempt` is it.
    fn acquiring(&mut self, attempt: Attempt) -> Option<&mut Acquiring> {
        match self.in_flight.as_mut() {
            Some(InFlight::Acquire(a)) if a.attempt == attempt => Some(a),
            _ => None,
        }
    }

    /// Whether a grant for `attempt`, which is not in flight, is one nobody will use:
    /// for an attempt given up on, or a fresh grant (another token) made for a
    /// duplicate of the request whose lease this client took last. A late copy of
    /// that lease's own answer is not given back while the client may still use it.
    fn unwanted(&self, attempt: Attempt, token: Option<Token>) -> bool {
        match self.last {
            Some((last, accepted)) if last == attempt => match token {
                Some(token) => token != accepted,
                None => self.held.is_none(), // Redlock: a key of a lease given up
            },
            _ => true,
        }
    }

    pub(super) fn on_lock_reply(
        &mut self,
        ctx: &mut Context<'_, LockNode>,
        from: NodeId,
        msg: Msg,
    ) {
        match msg {
            Msg::Granted { attempt, token } => self.on_granted(ctx, from, attempt, token),
            Msg::Busy { attempt } if self.acquiring(attempt).is_some() => {
                self.not_acquired(ctx, ClientEventKind::Fail);
            }
            Msg::NotPrimary { op, hint }
                if self.op_in_flight() == Some(op) && hint < self.config.lock_servers =>
            {
                self.primary_guess = hint;
                self.send_lock_requests(ctx);
            }
            Msg::Released { op } => {
                if matches!(&self.in_flight, Some(InFlight::Release(r)) if r.op == op) {
                    self.released(ctx);
                }
            }
            Msg::Locked { attempt, token } => self.on_locked(ctx, from, attempt, token),
            Msg::Raised { attempt } => self.on_raised(ctx, from, attempt),
            Msg::Unlocked { attempt } => self.on_unlocked(ctx, from, attempt),
            // About an operation no longer in flight (answered, timed out, given up),
            // or a hint naming no lock server: nothing left to do.
            Msg::Busy { .. } | Msg::NotPrimary { .. } => {}
            other @ (Msg::Acquire { .. }
            | Msg::Release { .. }
            | Msg::Replicate { .. }
            | Msg::ReplicateAck { .. }
            | Msg::Fence { .. }
            | Msg::Lock { .. }
            | Msg::Raise { .. }
            | Msg::Unlock { .. }
            | Msg::Write { .. }
            | Msg::WriteReply { .. }) => {
                unreachable!("client got {other:?} from {from:?}: servers' and replies' messages")
            }
        }
    }

    fn on_granted(
        &mut self,
        ctx: &mut Context<'_, LockNode>,
        from: NodeId,
        attempt: Attempt,
        token: Token,
    ) {
        let Some(start) = self.acquiring(attempt).map(|a| a.start_ns) else {
            if self.unwanted(attempt, Some(token)) {
                // A grant for an attempt given up on: nobody will use it.
                ctx.sometimes(s::UNWANTED_GRANT_RETURNED);
                ctx.send(from, Msg::Release { op: 0, token });
            }
            return;
        };
        let valid_until = self.config.valid_until(start);
        if !self.accept(ctx, attempt, token, valid_until) {
            ctx.send(from, Msg::Release { op: 0, token });
            self.not_acquired(ctx, ClientEventKind::Fail);
        }
    }

    fn on_locked(
        &mut self,
        ctx: &mut Context<'_, LockNode>,
        from: NodeId,
        attempt: Attempt,
        token: Option<Token>,
    ) {
        let majority = self.config.majority();
        let servers = self.config.lock_servers as usize;
        let Some(a) = self.acquiring(attempt) else {
            // Each server numbers its keys itself: whether it is ours says nothing here.
            if let Some(token) = token.filter(|_| self.unwanted(attempt, None)) {
                ctx.sometimes(s::UNWANTED_GRANT_RETURNED);
                ctx.send(from, Msg::Unlock { attempt, token });
            }
            return;
        };
        match token {
            Some(token) => {
                a.granted.insert(from.0, token);
            }
            None => {
                a.refused.insert(from.0);
            }
        }
        let best = a.granted.values().copied().max();
        if a.raising.is_some() {
            return;
        }
        if a.granted.len() >= majority {
            a.raising = best;
            self.send_lock_requests(ctx);
        } else if a.refused.len() > servers - majority {
            ctx.sometimes(s::REDLOCK_NO_MAJORITY);
            self.unlock_everywhere(ctx, attempt, best.unwrap_or(0));
            self.not_acquired(ctx, ClientEventKind::Fail);
        }
    }

    fn on_raised(&mut self, ctx: &mut Context<'_, LockNode>, from: NodeId, attempt: Attempt) {
        let majority = self.config.majority();
        let Some(a) = self.acquiring(attempt) else {
            return;
        };
        let Some(token) = a.raising else {
            return;
        };
        a.raised.insert(from.0);
        if a.raised.len() < majority {
            return;
        }
        let start = a.start_ns;
        let valid_until = if self.config.bugs.redlock_no_drift {
            ctx.now() + self.config.ttl_ns
        } else {
            self.config.valid_until(start)
        };
        if !self.accept(ctx, attempt, token, valid_until) {
            self.unlock_everywhere(ctx, attempt, token);
            self.not_acquired(ctx, ClientEventKind::Fail);
        }
    }

    fn on_unlocked(&mut self, ctx: &mut Context<'_, LockNode>, from: NodeId, attempt: Attempt) {
        let majority = self.config.majority();
        let Some(InFlight::Release(r)) = self.in_flight.as_mut() else {
            return;
        };
        if r.attempt != attempt {
            return;
        }
        r.confirmed.insert(from.0);
        if r.confirmed.len() >= majority {
            self.released(ctx);
        }
    }
}
