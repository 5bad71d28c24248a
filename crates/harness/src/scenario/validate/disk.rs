//! Disk rules: slow fsyncs take a time from `min` to `max`, at most `max`, on
//! nodes that exist (default: every server).

use super::{problem, Problem};
use crate::scenario::file::DiskSection;
use faultline_sim::{Nanos, NodeId};

/// How long fsyncs take, and on which nodes' disks.
#[derive(Clone, Debug, PartialEq)]
pub struct SlowFsync {
    pub ns_min: Nanos,
    pub ns_max: Nanos,
    pub nodes: Vec<NodeId>,
}

pub(super) fn slow_fsync_of(
    disk: &DiskSection,
    node_count: usize,
    servers: usize,
) -> Result<Option<SlowFsync>, Problem> {
    let Some(slow) = &disk.slow_fsync else {
        return Ok(None);
    };
    if slow.min > slow.max {
        return Err(problem("disk.slow_fsync.min", "min is above max"));
    }
    let nodes: Vec<u32> = match &slow.nodes {
        Some(nodes) if nodes.is_empty() => {
            let message = "expected at least one node (omit `nodes` for every server)";
            return Err(problem("disk.slow_fsync.nodes", message));
        }
        Some(nodes) => nodes.clone(),
        None => (0..servers as u32).collect(),
    };
    if let Some(i) = nodes.iter().position(|&n| n as usize >= node_count) {
        return Err(problem(
            format!("disk.slow_fsync.nodes[{i}]"),
            format!(
                "no node {}; this scenario has nodes 0 to {}",
                nodes[i],
                node_count.saturating_sub(1)
            ),
        ));
    }
    Ok(Some(SlowFsync {
        ns_min: slow.min.0,
        ns_max: slow.max.0,
        nodes: nodes.into_iter().map(NodeId).collect(),
    }))
}
