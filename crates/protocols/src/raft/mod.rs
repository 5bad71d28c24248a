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
//! `bugs` (the named bugs), `node` (servers and clients as one actor type).

pub mod bugs;
pub mod commit;
pub mod election;
pub mod invariants;
pub mod log;
pub mod messages;
pub mod node;
pub mod persistence;
pub mod properties;
pub mod recovery;
pub mod replication;
pub mod server;
pub mod situations;
pub mod snapshot;

use crate::bugs::BugInfo;
use crate::history::ClientEventKind;
use crate::kv::node::{node_factory, unfinished_ops};
use crate::kv::properties::AT_MOST_ONCE;
use crate::kv::{client, ClientConfig};
use crate::property::Property;
use crate::protocol::{
    OptionInfo, Protocol, ScriptProblem, ScriptedOp, Setup, SetupError, Violation, Workload,
};
use bugs::{RaftBugs, BUGS};
use faultline_sim::{NodeId, World, MILLISECOND};
use invariants::RaftChecker;
use node::RaftNode;
use server::{RaftConfig, Server};
use std::rc::Rc;

pub struct Raft {
    config: Rc<RaftConfig>,
    clients: ClientConfig,
    workload: Workload,
    checker: RaftChecker,
}

const OPTIONS: &[OptionInfo] = &[
    OptionInfo {
        name: "pre_vote",
        meaning: "ask before starting an election (PreVote)",
        default: "true",
    },
    OptionInfo {
        name: "check_quorum",
        meaning: "a leader that cannot hear a majority steps down",
        default: "true",
    },
    OptionInfo {
        name: "snapshot_every",
        meaning: "applied entries between snapshots (0: never)",
        default: "64",
    },
    OptionInfo {
        name: "election_timeout_ms",
        meaning: "minimum election timeout (maximum is twice it)",
        default: "150",
    },
    OptionInfo {
        name: "heartbeat_ms",
        meaning: "leader heartbeat interval",
        default: "50",
    },
    OptionInfo {
        name: "leader_noop",
        meaning: "a new leader appends a no-op with its first heartbeat",
        default: "true",
    },
    OptionInfo {
        name: "entries_per_message",
        meaning: "most log entries in one AppendEntries",
        default: "4",
    },
    client::RETRY_OPTION,
    client::RETRY_MAX_OPTION,
    client::APPEND_OPTION,
];

impl Protocol for Raft {
    type Node = RaftNode;
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

    fn options() -> &'static [OptionInfo] {
        OPTIONS
    }

    fn properties() -> &'static [Property] {
        properties::PROPERTIES
    }

    fn situations() -> &'static [&'static str] {
        situations::SITUATIONS
    }

    fn build(setup: &Setup) -> Result<Self, SetupError> {
        let election_ms = setup.u64_option("election_timeout_ms", 150)?.max(1);
        let config = RaftConfig {
            servers: setup.servers as u32,
            election_timeout_ns_min: election_ms * MILLISECOND,
            election_timeout_ns_max: 2 * election_ms * MILLISECOND,
            heartbeat_ns: setup.u64_option("heartbeat_ms", 50)?.max(1) * MILLISECOND,
            pre_vote: setup.bool_option("pre_vote", true)?,
            check_quorum: setup.bool_option("check_quorum", true)?,
            snapshot_every: setup.u64_option("snapshot_every", 64)?,
            entries_per_message_max: setup.u64_option("entries_per_message", 4)?.max(1) as usize,
            leader_noop: setup.bool_option("leader_noop", true)?,
            bugs: RaftBugs::from(&setup.bugs),
        };
        Ok(Raft {
            clients: ClientConfig::for_setup(setup)?,
            workload: setup.workload.clone(),
            checker: RaftChecker::new(setup.servers),
            config: Rc::new(config),
        })
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
        self.checker.check(world)
    }

    fn check_end(&mut self, world: &World<RaftNode>) -> Result<(), Violation> {
        let invoked = world
            .observations()
            .iter()
            .filter(|o| o.value.kind == ClientEventKind::Invoke)
            .count() as u64;
        for (i, node) in world.actors().iter().enumerate() {
            if let Some(server) = node.as_ref().and_then(RaftNode::as_server) {
                if server.store.applied_count() > invoked {
                    let detail = format!(
                        "n{i} applied {} commands but clients invoked only {invoked}",
                        server.store.applied_count()
                    );
                    return Err(Violation::of(&AT_MOST_ONCE, detail));
                }
            }
        }
        Ok(())
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
}
