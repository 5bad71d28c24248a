//! The `converged` judgement: once the faults healed and every client operation
//! completed, every live replica reaches the same applied state.
//!
//! A run ends as soon as its clients are done, and replicas may still lag then by a
//! heartbeat. So a run that passed every other judgement looks ahead: the same
//! world steps on, its invariants still checked after every event, until the
//! replicas' digests ([`Protocol::replica_digests`]) agree, for as long as the quiet
//! period lasts and at least [`LOOK_AHEAD_NS_MIN`] after the clients finished. If they
//! never agree, the run fails `converged` and its trace runs through the look-ahead,
//! so a replay shows the replicas not converging. If they agree, the run is reported
//! as it ended (events, hash, statistics as before): the look-ahead only judged it,
//! and the trace hashes of passing runs stay what they were.

use crate::run::Checks;
use faultline_api::convergence::disagreement;
use faultline_api::harness_properties::CONVERGED;
use faultline_api::{Protocol, Violation};
use faultline_sim::time::format_nanos;
use faultline_sim::watch::ChangeWatch;
use faultline_sim::world::Stats;
use faultline_sim::{Nanos, NodeId, World, SECOND};
use std::collections::BTreeMap;

/// The least time replicas are given to converge after the clients finished, however
/// little of the quiet period is left.
pub const LOOK_AHEAD_NS_MIN: Nanos = SECOND;

/// A run as it ended, before any look-ahead: what its outcome reports when the
/// look-ahead finds nothing.
#[derive(Clone, Debug)]
pub(crate) struct RunEnd {
    pub events: u64,
    pub sim_time_ns: Nanos,
    pub trace_hash: u64,
    pub stats: Stats,
    pub reached: Vec<(&'static str, u64)>,
}

impl RunEnd {
    pub fn of<A: faultline_sim::Actor>(world: &World<A>) -> Self {
        RunEnd {
            events: world.event_count(),
            sim_time_ns: world.now(),
            trace_hash: world.trace_hash(),
            stats: world.stats().clone(),
            reached: world.reached().counts().to_vec(),
        }
    }
}

/// What judging convergence found.
pub(crate) enum Convergence {
    /// Nothing to judge, or the replicas agreed without another event.
    Immediate,
    /// They agreed after a look-ahead; the run is reported as it ended.
    LookedAhead(RunEnd),
    /// They never agreed, or an invariant broke while looking ahead.
    Failed(Violation),
}

/// Judges convergence of a run whose clients are done, stepping on until the
/// replicas agree or `quiet_end_ns` (and the least look-ahead) passes.
pub(crate) fn judge<P: Protocol>(
    world: &mut World<P::Node>,
    checks: &mut Checks<'_, P>,
    quiet_end_ns: Nanos,
) -> Convergence {
    let Some(mut digests) = Digests::of(world, checks.protocol) else {
        return Convergence::Immediate;
    };
    if digests.agree() {
        return Convergence::Immediate;
    }
    let ended = RunEnd::of(world);
    let until_ns = quiet_end_ns.max(ended.sim_time_ns.saturating_add(LOOK_AHEAD_NS_MIN));
    while world.peek_time().is_some_and(|t| t <= until_ns) {
        world.step();
        if let Err(violation) = checks.after_step(world) {
            return Convergence::Failed(violation);
        }
        checks.forget_read(world);
        digests.follow(world, checks.protocol);
        if digests.agree() {
            return Convergence::LookedAhead(ended);
        }
    }
    let digests = checks.protocol.replica_digests(world).unwrap_or_default();
    Convergence::Failed(Violation::of(
        &CONVERGED,
        format!(
            "the replicas still differ at {}, {} after the clients finished: {}",
            format_nanos(world.now()),
            format_nanos(world.now().saturating_sub(ended.sim_time_ns)),
            disagreement(&digests)
        ),
    ))
}

/// Each live replica's digest, kept up to date by asking the protocol only about the
/// nodes each event changed, and how many replicas share each digest: whether they
/// agree is then one look, however large the cluster.
struct Digests {
    of_node: BTreeMap<NodeId, u64>,
    replicas_with: BTreeMap<u64, usize>,
    watch: ChangeWatch,
    changed: Vec<NodeId>,
}

impl Digests {
    /// Every replica's digest now; `None` if the protocol does not report them.
    fn of<P: Protocol>(world: &World<P::Node>, protocol: &P) -> Option<Self> {
        let mut digests = Digests {
            of_node: BTreeMap::new(),
            replicas_with: BTreeMap::new(),
            watch: ChangeWatch::new(world.actors().len()),
            changed: Vec::new(),
        };
        // Mark every node seen as it is now: only later changes are asked about.
        let mut all = Vec::new();
        digests.watch.changed_nodes(world, &mut all);
        for replica in protocol.replica_digests(world)? {
            digests.set(replica.node, Some(replica.digest));
        }
        Some(digests)
    }

    fn agree(&self) -> bool {
        self.replicas_with.len() <= 1
    }

    /// Asks again about every node changed since the last look.
    fn follow<P: Protocol>(&mut self, world: &World<P::Node>, protocol: &P) {
        let mut changed = std::mem::take(&mut self.changed);
        self.watch.changed_nodes(world, &mut changed);
        for &node in &changed {
            let digest = protocol.replica_digest(world, node).map(|d| d.digest);
            self.set(node, digest);
        }
        self.changed = changed;
    }

    fn set(&mut self, node: NodeId, digest: Option<u64>) {
        let old = match digest {
            Some(digest) => self.of_node.insert(node, digest),
            None => self.of_node.remove(&node),
        };
        if let Some(old) = old {
            let count = self.replicas_with.get_mut(&old).expect("counted when set");
            *count -= 1;
            if *count == 0 {
                self.replicas_with.remove(&old);
            }
        }
        if let Some(digest) = digest {
            *self.replicas_with.entry(digest).or_default() += 1;
        }
    }
}
