//! The coordination service's and the lock recipe's safety properties, checked from
//! the omniscient view after every event.
//!
//! The checker keeps its own replica of the committed state: whenever a server's
//! commit index passes the replica's, it applies the newly committed entries from
//! that server's log (Raft's own checks say committed entries agree; zk turns log
//! compaction off so they stay readable). Against it:
//!
//! - `lock_exclusive`: a client that starts holding the lock (`acquire` ok) owns the
//!   lowest child of `/lock` in the committed state. A holder's node can only leave
//!   by its release or its session's committed expiry, both after its belief ends, so
//!   this says at most one client holds the lock per the committed state.
//! - `one_node_per_session`: no session has two nodes under `/lock` in the committed
//!   state (the recipe deletes its node before it tries again; a second is an orphan
//!   that blocks the queue for the session's life), checked as each create commits.
//! - `replicas_agree`: a server that applied entries `1..=i` holds the tree and
//!   sessions the replica held at `i` (a server that changed its tree outside the log
//!   disagrees at its next apply).
//!
//! - `answers_linearizable` (`answers.rs`): every answer a client accepted is the
//!   one the replica produced for that request when it applied its entry.
//!
//! Per server, on every server an event touched: `ephemeral_with_session` (each
//! ephemeral node's session is live there: once its expiry is applied, its nodes are
//! gone) and `sequence_unique` (the sequence numbers of a parent's children are
//! distinct and below the parent's next number). On the resource: `fenced_writes`.
//!
//! Incremental: only nodes the event touched are visited (`changed_nodes`), new
//! client observations and accepted writes are read once, and a server's tree is
//! checked and hashed only when its applied index moved.

use crate::history::ClientEventKind;
use crate::protocol::Violation;
use crate::raft::messages::Payload;
use crate::writes_as_told::ToldWrites;
use crate::zk::answers::AnswerCheck;
use crate::zk::node::ZkNode;
use crate::zk::ops::sequence_of;
use crate::zk::ops::{ZkCommand, ZkOp};
use crate::zk::properties::{
    EPHEMERAL_WITH_SESSION, FENCED_WRITES, LOCK_EXCLUSIVE, ONE_NODE_PER_SESSION, REPLICAS_AGREE,
    SEQUENCE_UNIQUE,
};
use crate::zk::recipe::LOCK_PATH;
use crate::zk::tree::ZkMachine;
use faultline_sim::hash::TraceHasher;
use faultline_sim::time::format_nanos;
use faultline_sim::watch::ChangeWatch;
use faultline_sim::{NodeId, World};
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};

#[derive(Debug)]
pub struct ZkChecker {
    servers: u32,
    resource: NodeId,
    /// The committed state, applied by the checker itself.
    replica: ZkMachine,
    replica_index: u64,
    /// Applied index → digest of the replica there.
    digests: BTreeMap<u64, u64>,
    /// Per server: the applied index whose tree was last compared.
    compared: Vec<u64>,
    observed: usize,
    written: usize,
    highest_written: Option<(u64, u32)>,
    watch: ChangeWatch,
    changed: Vec<NodeId>,
    answers: AnswerCheck,
    /// What clients were told of their writes, for `writes_as_told` at the end.
    told: ToldWrites,
}

fn digest(machine: &ZkMachine) -> u64 {
    let mut hasher = TraceHasher::new();
    machine.hash(&mut hasher);
    hasher.finish()
}

impl ZkChecker {
    pub fn new(servers: u32, resource: NodeId, nodes: usize) -> Self {
        ZkChecker {
            servers,
            resource,
            replica: ZkMachine::default(),
            replica_index: 0,
            digests: [(0, digest(&ZkMachine::default()))].into(),
            compared: vec![0; servers as usize],
            observed: 0,
            written: 0,
            highest_written: None,
            watch: ChangeWatch::new(nodes),
            changed: Vec::new(),
            answers: AnswerCheck::default(),
            told: ToldWrites::new("write"),
        }
    }

    /// The committed state as the checker sees it.
    pub fn committed(&self) -> &ZkMachine {
        &self.replica
    }

    /// What clients were told of their writes so far.
    pub fn told_writes(&self) -> &ToldWrites {
        &self.told
    }

    pub fn check(&mut self, world: &World<ZkNode>) -> Result<(), Violation> {
        let mut changed = std::mem::take(&mut self.changed);
        self.watch.changed_nodes(world, &mut changed);
        let server_count = self.servers;
        let servers = changed.iter().filter(|n| n.0 < server_count);
        for &node in servers.clone() {
            self.advance(world, node)?;
        }
        for &node in servers {
            self.check_server(world, node)?;
        }
        if changed.contains(&self.resource) {
            self.check_resource(world)?;
        }
        for &node in changed.iter().filter(|n| n.0 > self.resource.0) {
            self.answers.check_client(world, node)?;
        }
        self.changed = changed;
        self.check_clients(world)
    }

    /// Applies what `node` knows to be committed beyond the replica.
    fn advance(&mut self, world: &World<ZkNode>, node: NodeId) -> Result<(), Violation> {
        let Some(server) = world.actor(node).and_then(ZkNode::as_server) else {
            return Ok(());
        };
        let raft = &server.raft;
        while self.replica_index < raft.commit_index {
            let index = self.replica_index + 1;
            let Some(entry) = raft.log.entry(index) else {
                return Ok(()); // compacted away: zk keeps its log whole, so only under a bug
            };
            if let Payload::Command(command) = &entry.payload {
                let notices = self.replica.apply(index, command);
                self.answers.on_committed(index, &notices);
                self.replica_index = index;
                self.digests.insert(index, digest(&self.replica));
                self.check_queue(world, index, command)?;
            } else {
                self.replica_index = index;
                self.digests.insert(index, digest(&self.replica));
            }
        }
        Ok(())
    }

    /// After a create under the lock committed: its session has one node there.
    fn check_queue(
        &self,
        world: &World<ZkNode>,
        index: u64,
        command: &ZkCommand,
    ) -> Result<(), Violation> {
        let ZkCommand::Op {
            session,
            op: ZkOp::Create { parent, .. },
            ..
        } = command
        else {
            return Ok(());
        };
        if parent != LOCK_PATH {
            return Ok(());
        }
        let owned: Vec<String> = self
            .replica
            .children(LOCK_PATH)
            .into_iter()
            .filter(|name| {
                let path = format!("{LOCK_PATH}/{name}");
                self.replica.nodes[&path].owner == Some(*session)
            })
            .collect();
        if owned.len() < 2 {
            return Ok(());
        }
        let detail = format!(
            "session {session:#x} has {} nodes under {LOCK_PATH} once zxid {index} committed at \
                {}: {}",
            owned.len(),
            format_nanos(world.now()),
            owned.join(", ")
        );
        Err(Violation::of(&ONE_NODE_PER_SESSION, detail))
    }

    fn check_server(&mut self, world: &World<ZkNode>, node: NodeId) -> Result<(), Violation> {
        let Some(server) = world.actor(node).and_then(ZkNode::as_server) else {
            return Ok(());
        };
        let (tree, applied) = (&server.raft.store, server.raft.last_applied);
        let i = node.index();
        // The tree changes only by applying (or, under a bug, beside it: the next
        // apply shows that).
        if self.compared[i] != applied {
            self.compared[i] = applied;
            check_ephemerals(node, tree)?;
            check_sequences(node, tree)?;
            if let Some(&expected) = self.digests.get(&applied) {
                if digest(tree) != expected {
                    let detail = format!(
                        "n{} applied entries 1..={applied} but its tree and sessions differ \
                            from the committed state there ({} nodes, {} sessions there; {} \
                            nodes, {} sessions committed up to {})",
                        node.0,
                        tree.nodes.len(),
                        tree.sessions.len(),
                        self.replica.nodes.len(),
                        self.replica.sessions.len(),
                        self.replica_index
                    );
                    return Err(Violation::of(&REPLICAS_AGREE, detail));
                }
            }
        }
        Ok(())
    }

    fn check_resource(&mut self, world: &World<ZkNode>) -> Result<(), Violation> {
        let Some(resource) = world.actor(self.resource).and_then(ZkNode::as_resource) else {
            return Ok(()); // crashed: its log comes back from disk
        };
        self.written = self.written.min(resource.accepted().len());
        for write in &resource.accepted()[self.written..] {
            if let Some((highest, by)) = self.highest_written {
                if write.token < highest {
                    let detail = format!(
                        "the resource (n{}) accepted n{}'s write {} with token {} at {} after \
                            n{by}'s with token {highest}",
                        self.resource.0,
                        write.client,
                        write.value,
                        write.token,
                        format_nanos(world.now()),
                    );
                    return Err(Violation::of(&FENCED_WRITES, detail));
                }
            }
            self.highest_written = Some((write.token, write.client));
        }
        self.written = resource.accepted().len();
        Ok(())
    }

    fn check_clients(&mut self, world: &World<ZkNode>) -> Result<(), Violation> {
        for observed in world.unread_observations(&mut self.observed) {
            let event = &observed.value;
            self.told.record(observed.node, event);
            if (event.f, event.kind) == ("acquire", ClientEventKind::Ok) {
                self.on_acquired(world, observed.node)?;
            }
        }
        Ok(())
    }

    fn on_acquired(&self, world: &World<ZkNode>, client: NodeId) -> Result<(), Violation> {
        let actor = world.actor(client).and_then(ZkNode::as_client);
        let Some(hold) = actor.and_then(|c| c.hold.as_ref()) else {
            return Ok(()); // acquired and lost in the same event
        };
        let lowest = self.replica.lowest_child(LOCK_PATH);
        if lowest.as_deref() == Some(hold.path.as_str()) {
            return Ok(());
        }
        let owner = lowest
            .as_ref()
            .and_then(|path| self.replica.nodes.get(path))
            .and_then(|node| node.owner)
            .map_or("none".to_string(), |s| format!("{s:#x}"));
        let detail = format!(
            "n{} took the lock at {} with {} (token {}), but the lowest child of {LOCK_PATH} \
                committed up to zxid {} is {} (session {owner})",
            client.0,
            format_nanos(world.now()),
            hold.path,
            hold.token,
            self.replica_index,
            lowest.as_deref().unwrap_or("none"),
        );
        Err(Violation::of(&LOCK_EXCLUSIVE, detail))
    }
}

/// Every ephemeral node's session is live in `tree`.
fn check_ephemerals(node: NodeId, tree: &ZkMachine) -> Result<(), Violation> {
    for (path, znode) in &tree.nodes {
        let Some(owner) = znode.owner else {
            continue;
        };
        if !tree.sessions.contains_key(&owner) {
            let fate = if tree.expired.contains(&owner) {
                "whose expiry it applied"
            } else {
                "that it never opened"
            };
            let detail = format!(
                "n{} holds ephemeral node {path} (created at zxid {}) of session {owner:#x}, \
                    {fate}",
                node.0, znode.czxid
            );
            return Err(Violation::of(&EPHEMERAL_WITH_SESSION, detail));
        }
    }
    Ok(())
}

/// Children's sequence numbers are distinct and below their parent's next number.
fn check_sequences(node: NodeId, tree: &ZkMachine) -> Result<(), Violation> {
    for (parent, &next) in &tree.next_seq {
        let mut seen = BTreeSet::new();
        for name in tree.children(parent) {
            let Some(seq) = sequence_of(&name) else {
                continue;
            };
            if seq >= next || !seen.insert(seq) {
                let detail = format!(
                    "n{}: child {parent}/{name} has sequence number {seq}, but the parent's \
                        next number is {next} (or another child has it too)",
                    node.0
                );
                return Err(Violation::of(&SEQUENCE_UNIQUE, detail));
            }
        }
    }
    Ok(())
}
