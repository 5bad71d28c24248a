//! Which nodes something happened to since a checker last looked.
//!
//! The World bumps a node's version whenever one of its handlers runs or its status
//! changes (crash, restart, pause, resume); a per-node invariant, being a function of
//! that node's state, need only be re-checked when the version moved. Checkers keep
//! one `ChangeWatch` and ask it per node after every event.

use crate::actor::Actor;
use crate::node::NodeId;
use crate::world::World;

#[derive(Clone, Debug, Default)]
pub struct ChangeWatch {
    /// Each node's version when last seen (`None`: never seen).
    seen: Vec<Option<u64>>,
}

impl ChangeWatch {
    /// Watches nodes `0..nodes`.
    pub fn new(nodes: usize) -> Self {
        ChangeWatch {
            seen: vec![None; nodes],
        }
    }

    /// Whether `node` changed since the last call for it (true the first time), and
    /// notes that it has now been seen.
    #[inline]
    pub fn changed<A: Actor>(&mut self, world: &World<A>, node: NodeId) -> bool {
        let version = world.node_version(node);
        let seen = &mut self.seen[node.index()];
        let changed = *seen != Some(version);
        *seen = Some(version);
        changed
    }
}
