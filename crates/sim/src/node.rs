//! Node identity and the kernel's per-node bookkeeping (up, crashed, paused).
//!
//! Clients are nodes too: the World does not care which actors are servers, but the
//! fault model only picks random victims among the first `server_count` nodes.

use crate::time::Nanos;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Index of a node in the World, `0..node_count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NodeId(pub u32);

impl NodeId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "n{}", self.0)
    }
}

/// Whether a node runs, is crashed (actor gone) or paused (actor kept, nothing runs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeStatus {
    Up,
    Crashed,
    Paused,
}

/// What the kernel keeps per node besides the actor itself.
#[derive(Debug)]
pub struct NodeRuntime {
    pub status: NodeStatus,
    /// Bumped at every crash; messages and timers addressed to an older
    /// incarnation are dropped on arrival.
    pub incarnation: u32,
    /// Bumped whenever the node's actor may have changed (one of its handlers ran) or
    /// its status did, so a checker can skip nodes nothing happened to.
    pub version: u64,
    /// Until when the node is still inside a handler that waited on slow fsyncs:
    /// events for it wait until then (0: never busy).
    pub busy_until_ns: Nanos,
    /// Whether its last crash happened inside a handler (a crash point, a halt):
    /// its disk then holds what the handler wrote before it stopped, which can be
    /// more than it held after any whole event.
    pub crashed_mid_handler: bool,
}

impl NodeRuntime {
    pub fn new() -> Self {
        NodeRuntime {
            status: NodeStatus::Up,
            incarnation: 0,
            version: 0,
            busy_until_ns: 0,
            crashed_mid_handler: false,
        }
    }
}

impl Default for NodeRuntime {
    fn default() -> Self {
        Self::new()
    }
}
