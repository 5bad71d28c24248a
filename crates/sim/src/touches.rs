//! Which nodes the world touched, in order, so a checker can visit only those.
//!
//! Every time a node's version moves (one of its handlers ran, or its status
//! changed), the kernel appends the node here. A checker that remembers how far it
//! read (`ChangeWatch`) then examines the few nodes an event touched instead of
//! asking every node whether it changed: with a thousand nodes, that scan was most
//! of an event's cost. The log is bounded: once it holds `CAPACITY` entries it starts
//! over, and a reader that fell behind the restart scans every node once instead.

use crate::node::NodeId;

/// Entries kept before the log starts over: a reader that looks after every event
/// reads a few each time, so a restart (and its one full scan) is rare.
const CAPACITY: usize = 4096;

#[derive(Clone, Debug, Default)]
pub struct Touches {
    /// Nodes touched since the log last started over, oldest first (repeats kept).
    nodes: Vec<NodeId>,
    /// How many touches happened before `nodes[0]`.
    base: u64,
}

impl Touches {
    /// Notes that `node` changed.
    #[inline]
    pub(crate) fn touch(&mut self, node: NodeId) {
        if self.nodes.len() == CAPACITY {
            self.base += CAPACITY as u64;
            self.nodes.clear();
        }
        self.nodes.push(node);
    }

    /// How many touches happened so far: where a reader that is up to date stands.
    #[inline]
    pub fn end(&self) -> u64 {
        self.base + self.nodes.len() as u64
    }

    /// The nodes touched from position `from` on (repeats kept), or `None` when
    /// some of them were forgotten since: then the reader must look at every node.
    #[inline]
    pub fn since(&self, from: u64) -> Option<&[NodeId]> {
        let start = from.checked_sub(self.base)?;
        self.nodes.get(start as usize..)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_sees_what_was_touched_since_it_last_read() {
        let mut touches = Touches::default();
        touches.touch(NodeId(3));
        let seen = touches.end();
        touches.touch(NodeId(1));
        touches.touch(NodeId(1));
        assert_eq!(touches.since(seen), Some(&[NodeId(1), NodeId(1)][..]));
        assert_eq!(touches.since(touches.end()), Some(&[][..]));
    }

    #[test]
    fn a_reader_left_behind_by_a_restart_is_told_to_scan() {
        let mut touches = Touches::default();
        let seen = touches.end();
        for i in 0..=CAPACITY as u32 {
            touches.touch(NodeId(i % 7));
        }
        assert_eq!(touches.since(seen), None);
        assert_eq!(touches.since(touches.end()), Some(&[][..]));
    }
}
