//! Disks that fail, in the World: fsyncs that return an error and records found
//! corrupt when a node restarts (each disk draws both from its own stream, so a run
//! without them draws nothing and keeps its trace), and the halt a node answers
//! them with.
//!
//! A halt is fail-stop: the node's handler called `Context::halt`, so what it did
//! after that point was discarded; here it crashes (losing what was not durable),
//! the halt is recorded as a fault, and it restarts after a time drawn for that
//! halt alone, or at the end of the fault period. The end of the fault period ends
//! the errors: no fsync fails after it, no restart finds a new corrupt record, and
//! a node that halts then stays down (a node that refuses to start on a corrupt
//! disk does not come back by itself).

use super::World;
use crate::actor::Actor;
use crate::fault::{FaultAction, Target};
use crate::node::{NodeId, NodeStatus};
use crate::rng::{SimRng, Stream};
use crate::time::{Nanos, MILLISECOND, SECOND};
use std::collections::BTreeSet;

/// What the World keeps about failing disks beyond the disks themselves.
#[derive(Debug)]
pub(super) struct DiskErrorState {
    /// The fault period is over: no more errors, and a halted node stays down.
    faults_over: bool,
    /// At most this many distinct nodes are ever found corrupt (`None`: no bound).
    corrupt_nodes_max: Option<usize>,
    /// The nodes found corrupt so far.
    corrupted: BTreeSet<NodeId>,
    /// How long a halted node stays down: drawn from this range for each halt.
    halt_down_ns_min: Nanos,
    halt_down_ns_max: Nanos,
}

impl Default for DiskErrorState {
    fn default() -> Self {
        DiskErrorState {
            faults_over: false,
            corrupt_nodes_max: None,
            corrupted: BTreeSet::new(),
            halt_down_ns_min: 100 * MILLISECOND,
            halt_down_ns_max: SECOND,
        }
    }
}

impl<A: Actor> World<A> {
    /// Makes each fsync (and rewrite) of `nodes`' disks fail with `probability`,
    /// drawn from each disk's own stream, until the fault period ends.
    pub fn set_fsync_errors(&mut self, probability: f64, nodes: &[NodeId]) {
        for &node in nodes {
            let rng = SimRng::new(self.seed, Stream::DiskErrors { node: node.0 });
            self.kernel.disks[node.index()].set_errors(Some(probability), None, rng);
        }
    }

    /// Makes each restart of one of `nodes` in the fault period find one of its
    /// records corrupt with `probability` (the record drawn too), on at most
    /// `nodes_max` distinct nodes in the run.
    pub fn set_corrupt_on_restart(
        &mut self,
        probability: f64,
        nodes: &[NodeId],
        nodes_max: Option<usize>,
    ) {
        for &node in nodes {
            let rng = SimRng::new(self.seed, Stream::DiskErrors { node: node.0 });
            self.kernel.disks[node.index()].set_errors(None, Some(probability), rng);
        }
        self.disk_errors.corrupt_nodes_max = nodes_max;
    }

    /// How long a halted node stays down (default 100ms to 1s), drawn per halt.
    pub fn set_halt_down(&mut self, ns_min: Nanos, ns_max: Nanos) {
        assert!(ns_min <= ns_max, "halt down time {ns_min} > {ns_max}");
        self.disk_errors.halt_down_ns_min = ns_min;
        self.disk_errors.halt_down_ns_max = ns_max;
    }

    /// Crashes `node`, which halted itself in the handler that just ran, and
    /// records why.
    pub(super) fn fail_stop(&mut self, node: NodeId, why: String) {
        let state = &self.disk_errors;
        let restart_after_ns = (!state.faults_over).then(|| {
            let incarnation = self.kernel.nodes[node.index()].incarnation;
            let stream = Stream::Halt {
                node: node.0,
                incarnation,
            };
            SimRng::new(self.seed, stream)
                .range_inclusive(state.halt_down_ns_min, state.halt_down_ns_max)
        });
        self.apply_fault(FaultAction::Halt {
            target: Target::Node(node.0),
            why,
            restart_after_ns,
        });
    }

    /// A halt or a corrupt record, applied as a fault.
    pub(super) fn apply_disk_error(
        &mut self,
        action: FaultAction,
    ) -> Result<(FaultAction, Option<NodeId>), String> {
        match action {
            FaultAction::Halt {
                target,
                why,
                restart_after_ns,
            } => {
                let node = self.resolve(&target, |s| s != NodeStatus::Crashed)?;
                self.crash(node);
                self.kernel.nodes[node.index()].crashed_mid_handler = true;
                self.restart_after(node, restart_after_ns);
                let resolved = FaultAction::Halt {
                    target: Target::Node(node.0),
                    why,
                    restart_after_ns,
                };
                Ok((resolved, Some(node)))
            }
            FaultAction::Corrupt { target, record } => {
                let node = self.resolve(&target, |_| true)?;
                let disk = &mut self.kernel.disks[node.index()];
                if record >= disk.len() {
                    return Err(format!("{node}'s disk holds {} records", disk.len()));
                }
                disk.corrupt(record);
                let resolved = FaultAction::Corrupt {
                    target: Target::Node(node.0),
                    record,
                };
                Ok((resolved, Some(node)))
            }
            other => unreachable!("not a disk error: {other:?}"),
        }
    }

    /// At a restart, in the fault period: maybe one record of its disk is found
    /// corrupt (within the bound on corrupt nodes), recorded as a fault.
    pub(super) fn disks_on_restart(&mut self, node: NodeId) {
        let state = &self.disk_errors;
        let bounded = state
            .corrupt_nodes_max
            .is_some_and(|most| state.corrupted.len() >= most && !state.corrupted.contains(&node));
        let disk = &self.kernel.disks[node.index()];
        if state.faults_over || bounded || disk.corrupt_index().is_some() {
            return; // a disk already corrupt stays as it is: no new draw
        }
        let Some(record) = self.kernel.disks[node.index()].corrupt_on_restart() else {
            return;
        };
        self.disk_errors.corrupted.insert(node);
        self.apply_fault(FaultAction::Corrupt {
            target: Target::Node(node.0),
            record,
        });
    }

    /// The end of the fault period: disks stop failing, halted nodes stay down.
    pub(super) fn end_disk_errors(&mut self) {
        self.disk_errors.faults_over = true;
        for disk in &mut self.kernel.disks {
            disk.end_errors();
        }
    }
}
