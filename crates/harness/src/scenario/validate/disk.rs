//! Disk rules: slow fsyncs take a time from `min` to `max`, at most `max`; fsync
//! errors and corrupt records have a probability from 0 to 1; each on nodes that
//! exist (default: every server).

use super::{problem, Problem};
use crate::scenario::file::{DiskErrorSection, DiskSection};
use faultline_sim::{Nanos, NodeId};

/// How long fsyncs take, and on which nodes' disks.
#[derive(Clone, Debug, PartialEq)]
pub struct SlowFsync {
    pub ns_min: Nanos,
    pub ns_max: Nanos,
    pub nodes: Vec<NodeId>,
}

/// How often a disk error (a failed fsync, a record found corrupt) happens, and
/// on which nodes' disks.
#[derive(Clone, Debug, PartialEq)]
pub struct DiskErrors {
    pub probability: f64,
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
    let nodes = nodes_of(
        "disk.slow_fsync",
        slow.nodes.as_deref(),
        node_count,
        servers,
    )?;
    Ok(Some(SlowFsync {
        ns_min: slow.min.0,
        ns_max: slow.max.0,
        nodes,
    }))
}

/// `disk.fsync_errors` or `disk.corrupt_on_restart`, named by `knob`.
pub(super) fn disk_errors_of(
    knob: &str,
    section: Option<&DiskErrorSection>,
    node_count: usize,
    servers: usize,
) -> Result<Option<DiskErrors>, Problem> {
    let Some(section) = section else {
        return Ok(None);
    };
    let path = format!("disk.{knob}");
    if !(0.0..=1.0).contains(&section.probability) {
        let message = "expected a probability from 0 to 1";
        return Err(problem(format!("{path}.probability"), message));
    }
    let nodes = nodes_of(&path, section.nodes.as_deref(), node_count, servers)?;
    Ok(Some(DiskErrors {
        probability: section.probability,
        nodes,
    }))
}

/// The nodes a disk knob at `path` names, every server if it names none.
fn nodes_of(
    path: &str,
    nodes: Option<&[u32]>,
    node_count: usize,
    servers: usize,
) -> Result<Vec<NodeId>, Problem> {
    let nodes: Vec<u32> = match nodes {
        Some([]) => {
            let message = "expected at least one node (omit `nodes` for every server)";
            return Err(problem(format!("{path}.nodes"), message));
        }
        Some(nodes) => nodes.to_vec(),
        None => (0..servers as u32).collect(),
    };
    if let Some(i) = nodes.iter().position(|&n| n as usize >= node_count) {
        return Err(problem(
            format!("{path}.nodes[{i}]"),
            format!(
                "no node {}; this scenario has nodes 0 to {}",
                nodes[i],
                node_count.saturating_sub(1)
            ),
        ));
    }
    Ok(nodes.into_iter().map(NodeId).collect())
}
