//! A transactional key-value store on Raft: list-append transactions, applied
//! atomically in log order, checked strict serializable.
//!
//! Sketch. Nodes `0..servers` are Raft servers (`raft::Server`, unchanged) whose state
//! machine is a store of lists by key (`store`). A client's transaction (1 to
//! `txn_ops_max` appends and reads over `workload.keys` keys, the workload 2PC's
//! list-append runs too, `crate::list_append`) is one log entry: the leader appends it,
//! every replica applies it whole when it commits, in log order, through the client
//! sessions (a retry applies once), and the leader answers with what its reads saw
//! (`service`). Read-only transactions go through the log too. Log order is then a
//! serial order that respects real time, so the client history must be strict
//! serializable: the harness checks it at the end of every run (`isolation`). Clients
//! (`client`) find the leader and retry across leader changes and partitions.
//!
//! Invariants: Raft's own, after every event (`raft::invariants`, the same checker the
//! key-value store runs, over these servers), a transaction applied at most once
//! (`check_end`), replicas that converge once the faults heal, and the clients'
//! transactions strict serializable (harness property `isolation`). The one named bug
//! (`bugs`) breaks only the last.

pub mod bugs;
pub mod client;
pub mod node;
pub mod ops;
pub mod options;
pub mod service;
pub mod store;

use crate::assumptions::Assumptions;
use crate::bugs::BugInfo;
use crate::convergence::ReplicaDigest;
use crate::kv::at_most_once::{check_applied_at_most_once, Invocations};
use crate::list_append::{check_txn_entry, parse_txn_ops, TxnShape};
use crate::plan::{Pacing, Plan};
use crate::property::Property;
use crate::protocol::{Protocol, ScriptProblem, ScriptedOp, Setup, SetupError, Violation};
use crate::raft::invariants::RaftChecker;
use crate::raft::server::{RaftConfig, Server};
use crate::transactions::{Consistency, Isolation, TxnModel, TXN};
use bugs::TxnBugs;
use client::{TxnClient, TxnClientConfig};
use faultline_sim::{NodeId, World, MILLISECOND};
use node::{TxnNode, TxnServer};
pub use options::RaftTxnOptions;
use std::rc::Rc;
use store::TxnStore;

pub struct RaftTxn {
    raft: Rc<RaftConfig>,
    bugs: TxnBugs,
    clients: TxnClientConfig,
    workload: crate::protocol::Workload,
    checker: RaftChecker<TxnStore>,
    invocations: Invocations,
}

impl Protocol for RaftTxn {
    type Node = TxnNode;
    type Options = RaftTxnOptions;
    const NAME: &'static str = "raft_txn";
    const SUMMARY: &'static str = "transactional key-value store on Raft: list-append \
        transactions applied atomically in log order, checked strict serializable";
    const HISTORY_MODEL: Option<&'static str> = None;
    const HAS_CLIENTS: bool = true;
    const TAKES_SCRIPT: bool = true;

    fn check_script(script: &[ScriptedOp]) -> Result<(), ScriptProblem> {
        let mut appended = std::collections::BTreeMap::new();
        for (entry, op) in script.iter().enumerate() {
            if op.f != TXN {
                return Err(ScriptProblem {
                    entry,
                    field: "f",
                    message: format!("unknown operation `{}`; expected txn", op.f),
                });
            }
            check_txn_entry(entry, op, &mut appended)?;
        }
        Ok(())
    }

    fn bugs() -> &'static [BugInfo] {
        bugs::BUGS
    }

    fn properties() -> &'static [Property] {
        crate::raft::properties::PROPERTIES
    }

    /// Raft's: the servers' own, and a retry answered from its session.
    fn situations() -> &'static [&'static str] {
        crate::raft::situations::SITUATIONS
    }

    fn build(setup: &Setup) -> Result<Self, SetupError> {
        let options: RaftTxnOptions = setup.read_options()?;
        let timed = RaftConfig::timed(
            setup.servers as u32,
            options.election_timeout_ms,
            options.heartbeat_ms,
        );
        let raft = RaftConfig {
            snapshot_every: options.snapshot_every,
            ..timed
        };
        let clients = TxnClientConfig {
            servers: setup.servers as u32,
            shape: TxnShape::for_workload(&setup.workload, options.txn_ops_max),
            pacing: Pacing::for_workload(&setup.workload, setup.fault_period_ns),
            retry_ns: options.client_retry_ms.max(1).saturating_mul(MILLISECOND),
        };
        Ok(RaftTxn {
            raft: Rc::new(raft),
            bugs: TxnBugs::from(&setup.bugs),
            clients,
            workload: setup.workload.clone(),
            checker: RaftChecker::new(setup.servers),
            invocations: Invocations::default(),
        })
    }

    /// A majority must stay up for progress; votes and log entries survive a crash
    /// on disk; a failed fsync halts a server (fail-stop). Clients do not crash.
    fn assumptions(&self) -> Assumptions {
        Assumptions {
            crashed_max: Some((self.raft.servers as usize - 1) / 2),
            durable_disk: true,
            tolerates_fsync_errors: true,
            ..Assumptions::default()
        }
    }

    fn roles(&self) -> &'static [&'static str] {
        &["leader"]
    }

    /// Strict serializable list-append: every transaction, read-only ones included,
    /// is one log entry applied whole in log order and answered only once applied, so
    /// log order is a serial order that respects real time.
    fn isolation(&self) -> Option<Isolation> {
        Some(Isolation {
            model: TxnModel::ListAppend,
            consistency: Consistency::StrictSerializable,
        })
    }

    fn node_factory(&self) -> Box<dyn FnMut(NodeId) -> TxnNode> {
        let raft = self.raft.clone();
        let bugs = self.bugs;
        let clients = self.clients.clone();
        let workload = self.workload.clone();
        Box::new(move |id| {
            if id.0 < raft.servers {
                let mut server: Server<TxnStore> = Server::new(id.0, raft.clone());
                server.local = bugs;
                return TxnNode::Server(Box::new(TxnServer { raft: server }));
            }
            let index = (id.0 - raft.servers) as usize;
            let plan = Plan::for_client(&workload, index, scripted_txn);
            TxnNode::Client(Box::new(TxnClient::new(id, clients.clone(), plan)))
        })
    }

    fn check_step(&mut self, world: &World<TxnNode>) -> Result<(), Violation> {
        self.invocations.read(world);
        self.checker.check(world)
    }

    /// No server applied more transactions than clients invoked: a retry applied
    /// twice would show here.
    fn check_end(&mut self, world: &World<TxnNode>) -> Result<(), Violation> {
        self.invocations.read(world);
        check_applied_at_most_once(world, self.invocations.count(), |node| {
            Some(node.as_server()?.raft.store.applied_count())
        })
    }

    /// Its checks read observations only in `check_step`, each once.
    fn reads_observations_as_they_come(&self) -> bool {
        true
    }

    fn unfinished_ops(&self, world: &World<TxnNode>) -> usize {
        world
            .actors()
            .iter()
            .flatten()
            .filter_map(TxnNode::as_client)
            .map(TxnClient::unfinished)
            .sum()
    }

    /// Every live server's store: once the faults heal, each applies the same
    /// committed prefix.
    fn replica_digests(&self, world: &World<TxnNode>) -> Option<Vec<ReplicaDigest>> {
        let nodes = (0..self.raft.servers).map(NodeId);
        Some(
            nodes
                .filter_map(|n| self.replica_digest(world, n))
                .collect(),
        )
    }

    fn replica_digest(&self, world: &World<TxnNode>, node: NodeId) -> Option<ReplicaDigest> {
        let store = &world.actor(node)?.as_server()?.raft.store;
        let note = format!("applied {} transactions", store.applied_count());
        Some(ReplicaDigest::of(node, store, note))
    }
}

/// The transaction a checked script entry names.
fn scripted_txn(op: &ScriptedOp) -> Vec<crate::list_append::KeyOp> {
    parse_txn_ops(op.value.as_deref()).expect("checked by check_script")
}
