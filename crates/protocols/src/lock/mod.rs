//! A lease-based distributed lock protecting a resource with fencing tokens
//! (Kleppmann 2016, "How to do distributed locking"), with two lock services.
//!
//! Sketch. Clients loop: acquire the lock (a lease of `ttl` and a fencing token),
//! write to the resource with the token, release. A client believes it holds the lock
//! until its lease ends by its own clock: `ttl` from when it asked, less a drift
//! allowance. The resource accepts a write only with a token at least as high as any
//! it accepted, so a holder that lost its lease without noticing (paused between
//! deciding to write and writing) cannot overwrite a newer holder's work.
//!
//! - `"service": "single"` (nodes 0, 1, 2): node 0 the primary lock server, node 1 its
//!   backup, node 2 the resource (`single`, `failover`). The primary grants when no
//!   lease is live by its clock, replicates the grant and its token counter to the
//!   backup and answers only once the backup acknowledged it. The backup takes over
//!   when it stops hearing the primary, continuing the token counter and granting
//!   nothing until the last lease it knows has run out by its own clock. Epochs (node
//!   `e mod 2` leads epoch `e`) keep a stale primary from answering grants.
//! - `"service": "redlock"` (nodes 0..N-1 lock servers, node N the resource):
//!   Redlock (redis.io). The client sets the key on every server and wins with a
//!   majority; its lock is valid for `ttl - elapsed - drift allowance` by its clock.
//!   Tokens come from per-server counters raised on a majority after each win (`redlock`).
//!
//! Invariants (`invariants`), after every event: `fenced_writes` (the resource never
//! accepts a lower token after a higher one), `leases_disjoint` (no two clients' leases
//! run at once in true time), `tokens_increase` (across grants and failovers). Two
//! clients that both believe they hold the lock are counted and reported, not failed.
//!
//! Where to look: `client` (the loop, belief, writes), `acquire` (acquiring and
//! releasing with each service), `single` and `failover` (primary-backup), `redlock`,
//! `resource` and `fence` (the fence), `invariants`, `bugs`, `config` (options), `script`.

pub mod acquire;
pub mod bugs;
pub mod client;
pub mod config;
pub mod failover;
pub mod fence;
pub mod invariants;
pub mod messages;
pub mod node;
pub mod options;
pub mod properties;
pub mod redlock;
pub mod resource;
pub mod script;
pub mod single;
pub mod situations;

use crate::assumptions::{Assumptions, ClockErrorBudget};
use crate::bugs::BugInfo;
use crate::property::Property;
use crate::protocol::{
    Protocol, ScriptProblem, ScriptedOp, Setup, SetupError, Violation, Workload,
};
use config::LockConfig;
use faultline_sim::{NodeId, World};
use invariants::LockChecker;
use node::LockNode;
pub use options::LockOptions;
use std::rc::Rc;

pub struct Lock {
    config: Rc<LockConfig>,
    workload: Workload,
    checker: LockChecker,
}

impl Lock {
    /// How many times a client accepted a lease while another still believed it held
    /// the lock (reported, not a failure: fencing protects the resource).
    pub fn believed_together(&self) -> u64 {
        self.checker.believed_together()
    }

    pub fn config(&self) -> &LockConfig {
        &self.config
    }
}

impl Protocol for Lock {
    type Node = LockNode;
    type Options = LockOptions;
    const NAME: &'static str = "lock";
    const SUMMARY: &'static str =
        "lease lock with fencing tokens: primary-backup lock service, or Redlock";
    const HISTORY_MODEL: Option<&'static str> = None;
    const HAS_CLIENTS: bool = true;
    const TAKES_SCRIPT: bool = true;

    fn check_script(script: &[ScriptedOp]) -> Result<(), ScriptProblem> {
        script::check_script(script)
    }

    fn bugs() -> &'static [BugInfo] {
        bugs::BUGS
    }

    fn properties() -> &'static [Property] {
        properties::PROPERTIES
    }

    fn situations() -> &'static [&'static str] {
        situations::SITUATIONS
    }

    fn build(setup: &Setup) -> Result<Self, SetupError> {
        let config = LockConfig::from_setup(setup)?;
        Ok(Lock {
            checker: LockChecker::new(config.resource),
            config: Rc::new(config),
            workload: setup.workload.clone(),
        })
    }

    /// The primary of the single service is the `leader`; Redlock's servers are
    /// peers. A client that believes it holds the lock is the `holder`.
    fn roles(&self) -> &'static [&'static str] {
        match self.config.service {
            config::Service::Single => &["leader", "holder"],
            config::Service::Redlock => &["holder"],
        }
    }

    /// Clients take the drift allowance off every lease, so clocks may stray by up
    /// to it (a jump plus the drift over one ttl) and leases stay apart; beyond it,
    /// overlapping leases are the fault model's failure, not the lock's. Lock
    /// state survives a crash on disk.
    fn assumptions(&self) -> Assumptions {
        Assumptions {
            clock_error: Some(ClockErrorBudget {
                max_ns: self.config.drift_allowance_ns,
                window_ns: self.config.ttl_ns,
            }),
            durable_disk: true,
            tolerates_fsync_errors: true,
            ..Assumptions::default()
        }
    }

    fn node_factory(&self) -> Box<dyn FnMut(NodeId) -> LockNode> {
        node::node_factory(self.config.clone(), self.workload.clone())
    }

    fn check_step(&mut self, world: &World<LockNode>) -> Result<(), Violation> {
        self.checker.check(world)
    }

    fn check_end(&mut self, world: &World<LockNode>) -> Result<(), Violation> {
        self.checker.check(world)?; // anything observed since the last step
        let resource = world.actor(self.config.resource);
        let Some(resource) = resource.and_then(LockNode::as_resource) else {
            return Ok(()); // down for good (it halted): no log to compare
        };
        fence::writes_as_told(self.checker.told_writes(), &resource.fence.accepted)
    }

    /// Its checks read observations only in `check_step`, each once.
    fn reads_observations_as_they_come(&self) -> bool {
        true
    }

    fn unfinished_ops(&self, world: &World<LockNode>) -> usize {
        let clients = world.actors().iter().flatten();
        clients
            .filter_map(LockNode::as_client)
            .map(|c| c.unfinished())
            .sum()
    }
}
