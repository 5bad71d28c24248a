//! Raft (Ongaro & Ousterhout 2014): a replicated key-value store.
//!
//! Sketch. Servers are followers until an election timeout (randomized) makes one a
//! candidate; with PreVote it first asks whether peers would vote, so a partitioned
//! node cannot inflate terms. A candidate with votes from a majority leads its term.
//! The leader appends client commands to its log and replicates them with
//! AppendEntries; a follower accepts only if its log matches at prevLogIndex, and a
//! rejection names the conflicting term so the leader backs up fast. The leader
//! commits an entry once a majority stores it, but only entries of its own term
//! (earlier ones commit with them). Committed entries are applied in order to a
//! key-value store with client sessions, so retries apply once; reads go through the
//! log. Term, vote and entries are fsynced before any reply that depends on them.
//! Logs are compacted into snapshots, sent to followers that fell behind. With
//! CheckQuorum a leader that cannot hear a majority steps down.
//!
//! Invariants (`invariants`): Election Safety, Leader Append-Only, Log Matching,
//! Leader Completeness (also before the fact: no server lacking a committed entry
//! could win an election), State Machine Safety, durable terms and votes, monotonic
//! commit, committed entries durable on a majority; a restarted server recovers what
//! it had fsynced and snapshots equal the applied prefix they replace (`recovery`);
//! plus (harness) a linearizable client history and replicas that converge.
//!
//! Where to look: `election` (timeouts, PreVote, votes, CheckQuorum), `replication`
//! (AppendEntries, fast backup, client requests), `commit` (commit rule, apply),
//! `persistence` (disk records, recovery), `snapshot` (compaction, InstallSnapshot),
//! `bugs` (the named bugs), `node` (servers and clients as one actor type),
//! `machine` (what a server replicates: `Server<M>` is generic over its state machine;
//! the key-value store, `kv_machine`, is the default; `zk` builds a coordination
//! service and `raft_txn` a transactional store on the same servers, and the
//! invariant checker runs on any machine's servers).

pub mod bugs;
pub mod cluster_view;
pub mod commit;
pub mod crash_points;
pub mod election;
pub mod entries_seen;
pub mod invariants;
pub mod kv_machine;
pub mod log;
pub mod machine;
pub mod messages;
pub mod node;
pub mod options;
pub mod persistence;
pub mod properties;
pub mod recovery;
pub mod replication;
pub mod server;
pub mod situations;
pub mod snapshot;

use crate::assumptions::Assumptions;
use crate::bugs::BugInfo;
use crate::kv::at_most_once::{check_applied_at_most_once, Invocations};
use crate::kv::node::{node_factory, unfinished_ops};
use crate::kv::ClientConfig;
use crate::property::Property;
use crate::protocol::{
    Protocol, ScriptProblem, ScriptedOp, Setup, SetupError, Violation, Workload,
};
use bugs::{RaftBugs, BUGS};
use faultline_sim::{NodeId, World};
use invariants::RaftChecker;
use node::RaftNode;
pub use options::RaftOptions;
use server::{RaftConfig, Server};
use std::rc::Rc;

pub struct Raft {
    config: Rc<RaftConfig>,
    clients: ClientConfig,
    workload: Workload,
    checker: RaftChecker,
    invocations: Invocations,
}

impl Protocol for Raft {
    type Node = RaftNode;
    type Options = RaftOptions;
    const NAME: &'static str = "raft";
    const SUMMARY: &'static str =
        "Raft replicated key-value store (PreVote, CheckQuorum, snapshots)";
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

    fn crash_points() -> &'static [&'static str] {
        crash_points::CRASH_POINTS
    }

    fn build(setup: &Setup) -> Result<Self, SetupError> {
        let options: RaftOptions = setup.read_options()?;
        options.client.check()?;
        check_timing(&options)?;
        let timed = RaftConfig::timed(
            setup.servers as u32,
            options.election_timeout_ms,
            options.heartbeat_ms,
        );
        let config = RaftConfig {
            pre_vote: options.pre_vote,
            check_quorum: options.check_quorum,
            snapshot_every: options.snapshot_every,
            entries_per_message_max: usize::try_from(options.entries_per_message)
                .unwrap_or(usize::MAX),
            leader_noop: options.leader_noop,
            bugs: RaftBugs::from(&setup.bugs),
            ..timed
        };
        Ok(Raft {
            clients: ClientConfig::for_setup(setup, &options.client),
            workload: setup.workload.clone(),
            checker: RaftChecker::new(setup.servers),
            invocations: Invocations::default(),
            config: Rc::new(config),
        })
    }

    /// A majority must stay up for progress: at most a minority crashed at once;
    /// votes and log entries survive a crash on disk. A failed fsync halts a server
    /// (fail-stop), and a corrupt record keeps it down: tolerated on a minority.
    /// (With PreVote this needs a refused pre-vote to carry the voter's term, so a
    /// server whose log is the most up to date but whose term is behind learns the
    /// newer term; before it did, the others could wait on each other for ever with
    /// a server down for good: found with `disk.corrupt_on_restart`.)
    fn assumptions(&self) -> Assumptions {
        let minority = (self.config.servers as usize - 1) / 2;
        Assumptions {
            crashed_max: Some(minority),
            durable_disk: true,
            tolerates_fsync_errors: true,
            corrupt_nodes_max: Some(minority),
            clients_restart: true,
            ..Assumptions::default()
        }
    }

    fn roles(&self) -> &'static [&'static str] {
        &["leader"]
    }

    fn node_factory(&self) -> Box<dyn FnMut(NodeId) -> RaftNode> {
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

    fn check_step(&mut self, world: &World<RaftNode>) -> Result<(), Violation> {
        self.invocations.read(world);
        self.checker.check(world)
    }

    fn check_end(&mut self, world: &World<RaftNode>) -> Result<(), Violation> {
        self.invocations.read(world);
        check_applied_at_most_once(world, self.invocations.count(), |node| {
            Some(node.as_server()?.store.applied_count())
        })
    }

    /// Its checks read observations only in `check_step`, each once.
    fn reads_observations_as_they_come(&self) -> bool {
        true
    }

    fn unfinished_ops(&self, world: &World<RaftNode>) -> usize {
        unfinished_ops(world)
    }

    /// Every live server's key-value store: once the faults heal, each applies the
    /// same decided prefix.
    fn replica_digests(
        &self,
        world: &World<RaftNode>,
    ) -> Option<Vec<crate::convergence::ReplicaDigest>> {
        Some(crate::kv::node::store_digests(world, |server| {
            &server.store
        }))
    }

    fn replica_digest(
        &self,
        world: &World<RaftNode>,
        node: NodeId,
    ) -> Option<crate::convergence::ReplicaDigest> {
        crate::kv::node::store_digest(world, node, |server| &server.store)
    }
}

/// The longest election timeout a scenario may set: a day.
const ELECTION_TIMEOUT_MS_MAX: u64 = 86_400_000;

/// Timing a Raft cluster can run with: elections that time out, heartbeats more
/// often than elections (else followers stand for election between every two), and
/// at least one entry per append.
fn check_timing(options: &RaftOptions) -> Result<(), SetupError> {
    let election_ms = options.election_timeout_ms;
    if !(1..=ELECTION_TIMEOUT_MS_MAX).contains(&election_ms) {
        let why = format!("election_timeout_ms must be 1 to {ELECTION_TIMEOUT_MS_MAX}");
        return Err(SetupError::Invalid(why));
    }
    if options.heartbeat_ms == 0 || options.heartbeat_ms >= election_ms {
        let why = format!(
            "heartbeat_ms must be at least 1 and below election_timeout_ms ({election_ms}): \
             followers hearing the leader less often than they time out elect for ever"
        );
        return Err(SetupError::Invalid(why));
    }
    if options.entries_per_message == 0 {
        let why = "entries_per_message must be at least 1".to_string();
        return Err(SetupError::Invalid(why));
    }
    Ok(())
}
