//! The lock recipe, as a client runs it against the service (ZooKeeper's "Locks"
//! recipe; etcd's lock is the same over leases and revisions).
//!
//! 1. Create an ephemeral sequential node under `/lock`, named with the session and
//!    the attempt (`n-<session>-<attempt>-`), so the client can recognise it.
//! 2. List the children. If its node is the lowest, it holds the lock (token: the
//!    node's creation zxid), provided its session is still valid by its clock.
//! 3. Otherwise, `exists` with a watch on the node just below its own; if that node
//!    is already gone, list again; else wait. On the watch event, list again (step 2):
//!    the node below may have been a waiter that gave up, not the holder. While
//!    waiting it also lists again every `recheck_ms`, in case a notification was lost.
//! 4. If create's answer was lost, list the children and look for its own node before
//!    creating another (an orphan would block the queue for the session's life).
//! 5. A waiter that waited `acquire_timeout_ms` gives up: it deletes its node.
//!
//! The two bugs on this path: `zk.assume_acquired_on_watch` takes the lock on the
//! watch event without listing; `zk.retry_create_orphan` creates again at once.

use crate::raft::messages::Timer;
use crate::zk::client::{Hold, Phase, ZkClient, ZkCtx};
use crate::zk::ops::{sequence_of, ZkOp, ZkOutput, ZkTimer, Zxid};
use crate::zk::situations as s;

pub const LOCK_PATH: &str = "/lock";

#[derive(Clone, Debug)]
pub struct Acquire {
    pub attempt: u64,
    pub step: Step,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    OpenSession,
    Create,
    /// Create's answer was lost: looking for the node it may have made.
    Recover,
    List,
    /// Waiting for the node below (`pred`) to go; empty while waiting for the
    /// session's validity.
    Watch {
        pred: String,
    },
    /// Deleting its node after giving up.
    GiveUp,
}

impl ZkClient {
    pub(super) fn start_acquire(&mut self, ctx: &mut ZkCtx<'_>) {
        self.observe(
            ctx,
            crate::history::ClientEventKind::Invoke,
            "acquire",
            None,
        );
        self.attempts += 1;
        self.node = None;
        let attempt = self.attempts;
        self.phase = Phase::Acquiring(Acquire {
            attempt,
            step: Step::OpenSession,
        });
        let timeout = Timer::Client(ZkTimer::AcquireTimeout { attempt });
        ctx.set_timer(self.config.acquire_timeout_ns, timeout);
        let recheck = Timer::Client(ZkTimer::Recheck { attempt });
        ctx.set_timer(self.config.recheck_ns, recheck);
        match &self.session {
            Some(session) if session.opened => self.create(ctx),
            Some(_) => {} // still opening: carries on when it opens
            None => self.open_session(ctx),
        }
    }

    fn step(&self) -> Option<&Step> {
        match &self.phase {
            Phase::Acquiring(acquire) => Some(&acquire.step),
            _ => None,
        }
    }

    fn set_step(&mut self, step: Step) {
        if let Phase::Acquiring(acquire) = &mut self.phase {
            acquire.step = step;
        }
    }

    pub(super) fn after_session_opened(&mut self, ctx: &mut ZkCtx<'_>) {
        if self.step() == Some(&Step::OpenSession) {
            self.create(ctx);
        }
    }

    fn tag(&self) -> String {
        format!("n-{:x}-{}-", self.session_id().unwrap_or(0), self.attempts)
    }

    fn create(&mut self, ctx: &mut ZkCtx<'_>) {
        self.set_step(Step::Create);
        let create = ZkOp::Create {
            parent: LOCK_PATH.into(),
            name: self.tag(),
            ephemeral: true,
            sequential: true,
        };
        self.request(ctx, create);
    }

    fn list(&mut self, ctx: &mut ZkCtx<'_>, step: Step) {
        self.set_step(step);
        let list = ZkOp::GetChildren {
            parent: LOCK_PATH.into(),
            watch: false,
        };
        self.request(ctx, list);
    }

    /// Create went unanswered: look for the node first (the bug creates again).
    /// Returns whether the client handled it.
    pub(super) fn create_unanswered(&mut self, ctx: &mut ZkCtx<'_>) -> bool {
        if self.step() != Some(&Step::Create) {
            return false;
        }
        if self.config.bugs.retry_create_orphan {
            self.create(ctx);
        } else {
            self.list(ctx, Step::Recover);
        }
        true
    }

    pub(super) fn on_reply(&mut self, ctx: &mut ZkCtx<'_>, output: ZkOutput) {
        if matches!(self.phase, Phase::Releasing) {
            return self.release_done(ctx);
        }
        let Some(step) = self.step().cloned() else {
            return;
        };
        match (step, output) {
            (Step::Create, ZkOutput::Created { path, czxid }) => {
                self.node = Some((path, czxid));
                self.list(ctx, Step::List);
            }
            (Step::Recover, ZkOutput::Children(children)) => {
                let tag = self.tag();
                let mine = children.iter().find(|(name, _)| name.starts_with(&tag));
                match mine {
                    Some((name, czxid)) => {
                        ctx.sometimes(s::FOUND_OWN_NODE);
                        self.node = Some((format!("{LOCK_PATH}/{name}"), *czxid));
                        self.evaluate(ctx, &children);
                    }
                    None => self.create(ctx),
                }
            }
            (Step::List, ZkOutput::Children(children)) => self.evaluate(ctx, &children),
            (Step::Watch { .. }, ZkOutput::Stat { exists: false }) => self.list(ctx, Step::List),
            (Step::GiveUp, _) => self.acquire_done(ctx, None),
            _ => {} // exists: keep waiting
        }
    }

    /// Decides from a listing: hold, wait on the node below, or start over.
    fn evaluate(&mut self, ctx: &mut ZkCtx<'_>, children: &[(String, Zxid)]) {
        let Some((path, czxid)) = self.node.clone() else {
            return self.acquire_done(ctx, None);
        };
        let mut queue: Vec<&String> = children.iter().map(|(name, _)| name).collect();
        queue.sort_by_key(|name| sequence_of(name));
        let own = path.rsplit('/').next().unwrap_or_default();
        let Some(place) = queue.iter().position(|name| *name == own) else {
            return self.acquire_done(ctx, None); // its node is gone (its session ended)
        };
        if place == 0 {
            if self.session_valid(ctx.now()) {
                let hold = Hold { path, token: czxid };
                return self.acquire_done(ctx, Some(hold));
            }
            self.set_step(Step::Watch {
                pred: String::new(),
            });
            return;
        }
        ctx.sometimes(s::WAITED_ON_PREDECESSOR);
        let pred = format!("{LOCK_PATH}/{}", queue[place - 1]);
        self.set_step(Step::Watch { pred: pred.clone() });
        self.request(
            ctx,
            ZkOp::Exists {
                path: pred,
                watch: true,
            },
        );
    }

    pub(super) fn on_watch(&mut self, ctx: &mut ZkCtx<'_>, path: &str) {
        let Some(Step::Watch { pred }) = self.step() else {
            return;
        };
        if pred != path {
            return;
        }
        self.end_request(ctx);
        if self.config.bugs.assume_acquired_on_watch {
            // The bug: the node below went, so the lock must be ours.
            if let Some((path, czxid)) = self.node.clone() {
                let hold = Hold { path, token: czxid };
                return self.acquire_done(ctx, Some(hold));
            }
        }
        ctx.sometimes(s::RECHECKED_ON_WATCH);
        self.list(ctx, Step::List);
    }

    pub(super) fn on_recheck(&mut self, ctx: &mut ZkCtx<'_>, attempt: u64) {
        let Phase::Acquiring(acquire) = &self.phase else {
            return;
        };
        if acquire.attempt != attempt {
            return;
        }
        let waiting = matches!(acquire.step, Step::Watch { .. });
        if waiting && self.pending.is_none() {
            self.list(ctx, Step::List);
        }
        let recheck = Timer::Client(ZkTimer::Recheck { attempt });
        ctx.set_timer(self.config.recheck_ns, recheck);
    }

    pub(super) fn on_acquire_timeout(&mut self, ctx: &mut ZkCtx<'_>, attempt: u64) {
        let Phase::Acquiring(acquire) = &self.phase else {
            return;
        };
        if acquire.attempt != attempt {
            return;
        }
        match acquire.step.clone() {
            Step::OpenSession => self.acquire_done(ctx, None),
            Step::Create | Step::Recover => {
                // Its node may exist: wait for the answer rather than orphan it.
                let timeout = Timer::Client(ZkTimer::AcquireTimeout { attempt });
                ctx.set_timer(self.config.retry_ns, timeout);
            }
            Step::List | Step::Watch { .. } => match self.node.clone() {
                Some((path, _)) => {
                    ctx.sometimes(s::WAITER_GAVE_UP);
                    self.end_request(ctx);
                    self.set_step(Step::GiveUp);
                    self.request(ctx, ZkOp::Delete { path });
                }
                None => self.acquire_done(ctx, None),
            },
            Step::GiveUp => {}
        }
    }
}
