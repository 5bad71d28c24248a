//! A ZooKeeper-style coordination service replicated through Raft, and the lock
//! recipe on it (Hunt et al. 2010; the ZooKeeper "Locks" recipe; etcd's lock is the
//! same over leases and revisions).
//!
//! Sketch. Nodes `0..N-1` are Raft servers (`raft::Server`, unchanged) whose state
//! machine is a tree of znodes (`tree`): sessions kept alive by client heartbeats,
//! ephemeral and sequential nodes, `create`, `delete`, `get_children` and `exists`
//! with one-shot watches, and the zxid (log index) of every change. Every request,
//! heartbeats included, goes through the log; only the leader answers. The leader
//! decides session expiry by its clock and proposes it through the log, so every
//! replica agrees (`service`). Node N-1 is a resource that fences writes by token
//! (`resource`). Clients (`client`) run lock cycles with the recipe (`recipe`): create
//! an ephemeral sequential node under `/lock`, hold when it is the lowest, otherwise
//! watch the node just below and list again on every watch event; write to the
//! resource with the node's creation zxid as the token; release by deleting the node,
//! or lose the lock with the session (`session`).
//!
//! Invariants (`invariants`), after every event: `lock_exclusive` (a client starts
//! holding only when its node is the lowest in the committed state),
//! `fenced_writes`, `ephemeral_with_session`, `sequence_unique`, `replicas_agree`;
//! and (harness) every client finishes its lock cycles after the faults heal, so a
//! waiter blocked for good fails as `stuck`.

pub mod answers;
pub mod bugs;
pub mod client;
pub mod config;
pub mod invariants;
pub mod node;
pub mod ops;
pub mod options;
pub mod properties;
pub mod recipe;
pub mod resource;
pub mod service;
pub mod session;
pub mod situations;
pub mod tree;

use crate::assumptions::{Assumptions, ClockErrorBudget};
use crate::bugs::BugInfo;
use crate::property::Property;
use crate::protocol::{Protocol, Setup, SetupError, Violation, Workload};
use crate::raft::bugs::RaftBugs;
use crate::raft::server::RaftConfig;
use config::ZkConfig;
use faultline_sim::{NodeId, World, MILLISECOND};
use invariants::ZkChecker;
use node::ZkNode;
pub use options::ZkOptions;
use std::rc::Rc;

pub struct Zk {
    config: Rc<ZkConfig>,
    raft: Rc<RaftConfig>,
    workload: Workload,
    checker: ZkChecker,
}

impl Zk {
    pub fn config(&self) -> &ZkConfig {
        &self.config
    }
}

impl Protocol for Zk {
    type Node = ZkNode;
    type Options = ZkOptions;
    const NAME: &'static str = "zk";
    const SUMMARY: &'static str =
        "ZooKeeper-style coordination service on Raft (sessions, ephemeral sequential \
        nodes, watches) and the lock recipe with fencing by zxid";
    const HISTORY_MODEL: Option<&'static str> = None;
    const HAS_CLIENTS: bool = true;

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
        let config = ZkConfig::from_setup(setup)?;
        let election_ns = config.election_timeout_ms * MILLISECOND;
        let raft = RaftConfig {
            servers: config.raft_servers,
            election_timeout_ns_min: election_ns,
            election_timeout_ns_max: 2 * election_ns,
            heartbeat_ns: config.heartbeat_ms * MILLISECOND,
            pre_vote: true,
            check_quorum: true,
            // The checker replays committed entries from the servers' logs.
            snapshot_every: 0,
            entries_per_message_max: 8,
            leader_noop: true,
            bugs: RaftBugs::default(),
        };
        let nodes = setup.servers + setup.workload.clients;
        Ok(Zk {
            checker: ZkChecker::new(config.raft_servers, config.resource, nodes),
            config: Rc::new(config),
            raft: Rc::new(raft),
            workload: setup.workload.clone(),
        })
    }

    /// The Raft leader is the `leader`; a client that believes it holds the lock is
    /// the `holder`.
    fn roles(&self) -> &'static [&'static str] {
        &["leader", "holder"]
    }

    /// A majority of the Raft servers must stay up; state survives a crash on disk;
    /// clocks may stray by the clients' allowance over one session timeout (the
    /// leader's and a client's clocks measure the same session).
    fn assumptions(&self) -> Assumptions {
        Assumptions {
            crashed_max: Some((self.config.raft_servers as usize - 1) / 2),
            durable_disk: true,
            tolerates_fsync_errors: true,
            clock_error: Some(ClockErrorBudget {
                max_ns: self.config.allowance_ns,
                window_ns: self.config.session_timeout_ns,
            }),
            ..Assumptions::default()
        }
    }

    fn node_factory(&self) -> Box<dyn FnMut(NodeId) -> ZkNode> {
        node::node_factory(
            self.config.clone(),
            self.raft.clone(),
            self.workload.clone(),
        )
    }

    fn check_step(&mut self, world: &World<ZkNode>) -> Result<(), Violation> {
        self.checker.check(world)
    }

    fn check_end(&mut self, world: &World<ZkNode>) -> Result<(), Violation> {
        self.checker.check(world)?; // anything observed since the last step
        let resource = world.actor(self.config.resource);
        let Some(resource) = resource.and_then(ZkNode::as_resource) else {
            return Ok(()); // down for good (it halted): no log to compare
        };
        crate::lock::fence::writes_as_told(self.checker.told_writes(), resource.accepted())
    }

    /// Its checks read observations only in `check_step`, each once.
    fn reads_observations_as_they_come(&self) -> bool {
        true
    }

    fn unfinished_ops(&self, world: &World<ZkNode>) -> usize {
        world.actors()[world.server_count()..]
            .iter()
            .flatten()
            .filter_map(ZkNode::as_client)
            .map(|c| c.unfinished())
            .sum()
    }
}
