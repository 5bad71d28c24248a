//! Which nodes something happened to since a checker last looked.
//!
//! The World bumps a node's version whenever one of its handlers runs or its status
//! changes (crash, restart, pause, resume); a per-node invariant, being a function of
//! that node's state, need only be re-checked when the version moved. Checkers keep
//! one `ChangeWatch` and either ask it per node (`changed`), or ask it for the nodes
//! that changed (`changed_nodes`): that reads the world's log of touched nodes, so
//! after each event it costs what the event touched, not the cluster's size.

use crate::actor::Actor;
use crate::node::NodeId;
use crate::world::World;

#[derive(Clone, Debug, Default)]
pub struct ChangeWatch {
    /// Each node's version when last seen (`None`: never seen).
    seen: Vec<Option<u64>>,
    /// How far into the world's touch log `changed_nodes` has read.
    touches_read: u64,
    /// Whether `changed_nodes` has run before (the first call looks at every node).
    started: bool,
}

impl ChangeWatch {
    /// Watches nodes `0..nodes`.
    pub fn new(nodes: usize) -> Self {
        ChangeWatch {
            seen: vec![None; nodes],
            touches_read: 0,
            started: false,
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

    /// Fills `out` with every watched node that changed since it was last seen, in
    /// ascending order, and notes them seen. Every node the first time, and after the
    /// world's touch log forgot entries this watch had not read yet.
    pub fn changed_nodes<A: Actor>(&mut self, world: &World<A>, out: &mut Vec<NodeId>) {
        out.clear();
        let touches = world.touches();
        let recent = touches.since(self.touches_read).filter(|_| self.started);
        self.touches_read = touches.end();
        self.started = true;
        let watched = self.seen.len();
        match recent {
            // A node touched twice is changed the first time only: `changed` notes it.
            Some(nodes) => {
                for &node in nodes {
                    if node.index() < watched && self.changed(world, node) {
                        out.push(node);
                    }
                }
                if out.len() > 1 {
                    out.sort_unstable();
                }
            }
            None => {
                let all = (0..watched as u32).map(NodeId);
                out.extend(all.filter(|&node| self.changed(world, node)));
            }
        }
    }
}
