//! Multi-Paxos (Lamport, "Paxos Made Simple"): a replicated key-value log.
//!
//! Sketch. Every server is an acceptor, a proposer and a learner. Ballots are
//! (round, proposer id), so no two proposers share one. A proposer that suspects the
//! leader is gone runs phase 1 once for every open slot: it asks all acceptors to
//! promise its ballot; each promise carries the acceptor's votes, and for each slot the
//! proposer adopts the value with the highest accepted ballot (holes become no-ops).
//! As the distinguished leader it then runs only phase 2: Accept(ballot, slot, value)
//! to all, chosen once a majority accepts, announced with Decide. Learners execute
//! chosen values in slot order into the key-value store (client sessions make retries
//! apply once); the leader answers the client. Promises and votes are fsynced before
//! the reply that depends on them. A higher ballot anywhere makes a proposer step down.
//! Every 32 executed slots a server writes its store as a durable snapshot; the leader
//! learns (from Accepted replies) how far every server's snapshot reaches and tells
//! all, in heartbeats, to drop the votes below the lowest one (garbage collection).
//! Without a distinguished leader (`stable_leader: false`) every server that gets a
//! request competes for the slot itself: single-decree Paxos per slot.
//!
//! Invariants (`invariants`), after every event: one value per slot, durable and
//! monotonic promises, accepted ballots monotonic (across restarts too) and within the
//! promise, learners execute only chosen values, a restarted acceptor recovers what
//! it had fsynced (`recovery`). At the end: only proposed values
//! chosen, each command applied at most once; plus (harness) a linearizable history.
//!
//! Where to look: `acceptor` (phases 1b and 2b), `proposer` (phase 1a, value
//! recovery, phase 2a, leadership), `learner` (decisions, in-order execution,
//! catch-up), `persistence` (disk records, recovery), `bugs`, `node`.

pub mod acceptor;
pub mod backoff;
pub mod bugs;
pub mod invariants;
pub mod learner;
pub mod messages;
pub mod node;
pub mod options;
pub mod persistence;
pub mod properties;
pub mod proposals_invoked;
pub mod proposer;
pub mod recovery;
pub mod server;
pub mod situations;

use crate::assumptions::Assumptions;
use crate::bugs::BugInfo;
use crate::kv::at_most_once::check_applied_at_most_once;
use crate::kv::node::{node_factory, unfinished_ops};
use crate::kv::ClientConfig;
use crate::property::Property;
use crate::protocol::{
    Protocol, ScriptProblem, ScriptedOp, Setup, SetupError, Violation, Workload,
};
use bugs::{PaxosBugs, BUGS};
use faultline_sim::{NodeId, World, MILLISECOND};
use invariants::PaxosChecker;
use node::PaxosNode;
pub use options::PaxosOptions;
use proposals_invoked::ProposalsInvoked;
use server::{PaxosConfig, Server};
use std::rc::Rc;

pub struct Paxos {
    config: Rc<PaxosConfig>,
    clients: ClientConfig,
    workload: Workload,
    checker: PaxosChecker,
    invoked: ProposalsInvoked,
}

impl Protocol for Paxos {
    type Node = PaxosNode;
    type Options = PaxosOptions;
    const NAME: &'static str = "paxos";
    const SUMMARY: &'static str =
        "Multi-Paxos replicated key-value log (distinguished leader, or competing proposers)";
    const HISTORY_MODEL: Option<&'static str> = Some("kv");

    const TAKES_SCRIPT: bool = true;

    fn check_script(script: &[ScriptedOp]) -> Result<(), ScriptProblem> {
        crate::kv::script::check_script(script)
    }

    fn bugs() -> &'static [BugInfo] {
        BUGS
    }

    fn properties() -> &'static [Property] {
        properties::PROPERTIES
    }

    fn situations() -> &'static [&'static str] {
        situations::SITUATIONS
    }

    fn build(setup: &Setup) -> Result<Self, SetupError> {
        let options: PaxosOptions = setup.read_options()?;
        options.client.check()?;
        let election_ms = options.election_timeout_ms.max(1);
        let config = PaxosConfig {
            servers: setup.servers as u32,
            election_timeout_ns_min: election_ms.saturating_mul(MILLISECOND),
            election_timeout_ns_max: election_ms.saturating_mul(2 * MILLISECOND),
            heartbeat_ns: options.heartbeat_ms.max(1).saturating_mul(MILLISECOND),
            stable_leader: options.stable_leader,
            backoff_ns: options.proposer_backoff_ms.saturating_mul(MILLISECOND),
            backoff_max_ns: options.proposer_backoff_max_ms.saturating_mul(MILLISECOND),
            bugs: PaxosBugs::from(&setup.bugs),
        };
        Ok(Paxos {
            clients: ClientConfig::for_setup(setup, &options.client),
            workload: setup.workload.clone(),
            checker: PaxosChecker::new(setup.servers),
            invoked: ProposalsInvoked::default(),
            config: Rc::new(config),
        })
    }

    /// A majority must stay up for progress: at most a minority crashed at once;
    /// votes and log entries survive a crash on disk.
    fn assumptions(&self) -> Assumptions {
        Assumptions {
            crashed_max: Some((self.config.servers as usize - 1) / 2),
            durable_disk: true,
            tolerates_fsync_errors: true,
            corrupt_nodes_max: Some((self.config.servers as usize - 1) / 2),
            clients_restart: true,
            ..Assumptions::default()
        }
    }

    fn roles(&self) -> &'static [&'static str] {
        &["leader"]
    }

    fn node_factory(&self) -> Box<dyn FnMut(NodeId) -> PaxosNode> {
        let config = self.config.clone();
        let servers = config.servers;
        let make_server = move |id| Server::new(id, config.clone());
        node_factory(
            servers,
            self.clients.clone(),
            self.workload.clone(),
            make_server,
        )
    }

    fn check_step(&mut self, world: &World<PaxosNode>) -> Result<(), Violation> {
        self.invoked.read(world);
        self.checker.check(world)
    }

    fn check_end(&mut self, world: &World<PaxosNode>) -> Result<(), Violation> {
        self.invoked.read(world);
        self.checker.check_only_proposed(self.invoked.keys())?;
        check_applied_at_most_once(world, self.invoked.count(), |node| {
            Some(node.as_server()?.store.applied_count())
        })
    }

    /// Its checks read observations only in `check_step`, each once.
    fn reads_observations_as_they_come(&self) -> bool {
        true
    }

    fn unfinished_ops(&self, world: &World<PaxosNode>) -> usize {
        unfinished_ops(world)
    }

    /// Every live server's key-value store: once the faults heal, each applies the
    /// same decided prefix.
    fn replica_digests(
        &self,
        world: &World<PaxosNode>,
    ) -> Option<Vec<crate::convergence::ReplicaDigest>> {
        Some(crate::kv::node::store_digests(world, |server| {
            &server.store
        }))
    }

    fn replica_digest(
        &self,
        world: &World<PaxosNode>,
        node: NodeId,
    ) -> Option<crate::convergence::ReplicaDigest> {
        crate::kv::node::store_digest(world, node, |server| &server.store)
    }
}
