//! The network's cuts: which directed links are blocked, and by which live cuts.
//!
//! Every partition applied is a cut: its resolved shape and the directed links it
//! blocks. A link is blocked while at least one live cut blocks it, so cuts overlap
//! and heal independently: healing one cut (`heal_cut`) leaves the links the others
//! block cut; `heal` ends them all. Checking a link costs one lookup in a dense
//! table made at the first cut (none for a run that never partitions), whatever the
//! number of cuts.

use crate::fault::PartitionShape;
use crate::node::NodeId;

/// Which directed links are cut, counted per link: `blocking[from * n + to]`.
#[derive(Clone, Debug)]
pub struct Partitions {
    node_count: usize,
    blocking: Vec<u32>,
    /// Links with a non-zero count: zero means no message ever needs a lookup.
    blocked_links: usize,
    /// Live cuts, oldest first: the resolved shape and the links it blocks.
    cuts: Vec<(PartitionShape, Vec<[u32; 2]>)>,
}

impl Partitions {
    pub fn new(node_count: usize) -> Self {
        Partitions {
            node_count,
            blocking: Vec::new(),
            blocked_links: 0,
            cuts: Vec::new(),
        }
    }

    #[inline]
    pub fn is_blocked(&self, from: NodeId, to: NodeId) -> bool {
        self.blocked_links > 0 && self.blocking[from.index() * self.node_count + to.index()] > 0
    }

    /// Adds a live cut blocking the directed `links` (a node's link to itself is
    /// never cut).
    pub fn cut(&mut self, shape: PartitionShape, mut links: Vec<[u32; 2]>) {
        links.retain(|[a, b]| a != b);
        if self.blocking.is_empty() {
            // Made at the first cut: a run that never partitions (a large cluster's
            // benchmark) keeps memory linear in its nodes.
            self.blocking = vec![0; self.node_count * self.node_count];
        }
        for &[a, b] in &links {
            let count = &mut self.blocking[a as usize * self.node_count + b as usize];
            if *count == 0 {
                self.blocked_links += 1;
            }
            *count += 1;
        }
        self.cuts.push((shape, links));
    }

    /// Heals the oldest live cut with this resolved shape; `false` if there is none.
    pub fn heal_cut(&mut self, shape: &PartitionShape) -> bool {
        let Some(at) = self.cuts.iter().position(|(s, _)| s == shape) else {
            return false;
        };
        let (_, links) = self.cuts.remove(at);
        for [a, b] in links {
            let count = &mut self.blocking[a as usize * self.node_count + b as usize];
            *count -= 1;
            if *count == 0 {
                self.blocked_links -= 1;
            }
        }
        true
    }

    /// Ends every cut.
    pub fn heal(&mut self) {
        // Undo each cut's own links: a cost in what was cut, not in the cluster's size.
        for (_, links) in std::mem::take(&mut self.cuts) {
            for [a, b] in links {
                self.blocking[a as usize * self.node_count + b as usize] = 0;
            }
        }
        self.blocked_links = 0;
    }

    pub fn is_partitioned(&self) -> bool {
        self.blocked_links > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(g: &[&[u32]]) -> PartitionShape {
        PartitionShape::Groups(g.iter().map(|g| g.to_vec()).collect())
    }

    #[test]
    fn a_cut_blocks_only_its_directed_links_until_healed() {
        let mut p = Partitions::new(3);
        p.cut(groups(&[&[0]]), vec![[0, 2], [2, 1], [1, 1]]);
        assert!(p.is_blocked(NodeId(0), NodeId(2)));
        assert!(p.is_blocked(NodeId(2), NodeId(1)));
        assert!(
            !p.is_blocked(NodeId(2), NodeId(0)),
            "the reverse link stays"
        );
        assert!(
            !p.is_blocked(NodeId(1), NodeId(1)),
            "a node always reaches itself"
        );
        p.heal();
        assert!(!p.is_blocked(NodeId(0), NodeId(2)));
    }

    #[test]
    fn overlapping_cuts_heal_independently() {
        let mut p = Partitions::new(3);
        let (a, b) = (groups(&[&[0], &[1]]), groups(&[&[0], &[2]]));
        p.cut(a.clone(), vec![[0, 1], [1, 0], [0, 2]]);
        p.cut(b.clone(), vec![[0, 2], [2, 0]]);
        assert!(p.heal_cut(&a));
        assert!(
            !p.is_blocked(NodeId(0), NodeId(1)),
            "a's own link is open again"
        );
        assert!(
            p.is_blocked(NodeId(0), NodeId(2)),
            "b still cuts the shared link"
        );
        assert!(!p.heal_cut(&a), "a is healed already");
        assert!(p.heal_cut(&b));
        assert!(!p.is_partitioned());
    }
}
