//! Who holds a role now (the live node claiming it with the highest rank), kept
//! up to date from the nodes each event changed.
//!
//! `World::holder_and_rank` asks every node for its claim, which is right for a
//! fault aimed once at "the leader" but costs the cluster's size when asked after
//! every event, as role triggers do. A `RoleWatch` keeps each node's claim on the
//! role and re-reads only the nodes the world touched since it last looked, so the
//! same answer costs what the event changed.

use crate::actor::Actor;
use crate::node::NodeId;
use crate::watch::ChangeWatch;
use crate::world::World;
use std::cmp::Reverse;
use std::collections::BTreeSet;

#[derive(Clone, Debug)]
pub struct RoleWatch {
    role: String,
    /// Each node's rank on the role, if it claims it.
    rank_of: Vec<Option<u64>>,
    /// The claims, highest rank first, lowest node first on ties.
    claims: BTreeSet<(Reverse<u64>, NodeId)>,
    watch: ChangeWatch,
    changed: Vec<NodeId>,
}

impl RoleWatch {
    pub fn new(role: &str, nodes: usize) -> Self {
        RoleWatch {
            role: role.to_string(),
            rank_of: vec![None; nodes],
            claims: BTreeSet::new(),
            watch: ChangeWatch::new(nodes),
            changed: Vec::new(),
        }
    }

    /// What `World::holder_and_rank` answers for the role, now.
    pub fn holder_and_rank<A: Actor>(&mut self, world: &World<A>) -> Option<(NodeId, u64)> {
        let mut changed = std::mem::take(&mut self.changed);
        self.watch.changed_nodes(world, &mut changed);
        for &node in &changed {
            let claim = world.actor(node).and_then(Actor::role);
            let rank = claim.filter(|c| c.name == self.role).map(|c| c.rank);
            self.set(node, rank);
        }
        self.changed = changed;
        let &(Reverse(rank), node) = self.claims.first()?;
        Some((node, rank))
    }

    fn set(&mut self, node: NodeId, rank: Option<u64>) {
        let slot = &mut self.rank_of[node.index()];
        if *slot == rank {
            return;
        }
        if let Some(old) = std::mem::replace(slot, rank) {
            self.claims.remove(&(Reverse(old), node));
        }
        if let Some(rank) = rank {
            self.claims.insert((Reverse(rank), node));
        }
    }
}
