//! Each node's one-line state over a run (`Actor::summary`: role, term, commit
//! index, ...), recorded when it changes, so a timeline or a report can show role
//! and term changes beside the events that caused them. Recorded only when a run
//! keeps its trace; the trace file and its hash are unchanged by it.

use faultline_sim::{Actor, NodeId, World};
use serde::Serialize;

/// A node's state after the event at `event` (0-based index into the trace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StateChange {
    pub event: u64,
    pub t: u64,
    pub node: u32,
    /// `None` while the node is down (crashed) or offers no summary.
    pub state: Option<String>,
}

/// Watches every node's summary, using `node_version` to skip nodes nothing
/// happened to.
#[derive(Debug, Default)]
pub struct StateRecorder {
    versions: Vec<Option<u64>>,
    last: Vec<Option<String>>,
    pub changes: Vec<StateChange>,
}

impl StateRecorder {
    /// Looks at every node after an event and records the summaries that changed.
    pub fn after_step<A: Actor>(&mut self, world: &World<A>) {
        let nodes = world.node_count();
        self.versions.resize(nodes, None);
        self.last.resize(nodes, None);
        let event = world.event_count().saturating_sub(1);
        for index in 0..nodes {
            let node = NodeId(index as u32);
            let version = world.node_version(node);
            if self.versions[index] == Some(version) {
                continue;
            }
            self.versions[index] = Some(version);
            let state = world.actor(node).and_then(Actor::summary);
            if state != self.last[index] {
                self.last[index] = state.clone();
                self.changes.push(StateChange {
                    event,
                    t: world.now(),
                    node: node.0,
                    state,
                });
            }
        }
    }
}
