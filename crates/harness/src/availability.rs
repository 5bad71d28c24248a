//! Availability mode (`"checks": {"availability": "2s"}`), the harness property
//! `unavailable`: once every fault has healed, each client operation completes
//! within the stated bound.
//!
//! Completion after the heal (`stuck`) only asks that clients finish before the
//! quiet period runs out; a protocol that serves again only after a long, needless
//! stall, or one request per retry timeout, passes it. Availability asks more, in
//! the spirit of a liveness mode: the last fault is over, every node is up and the
//! network whole, so every operation must be answered promptly.
//!
//! The heal is the first moment, at or after the end of the last fault window the
//! run planned (a scheduled or random fault's time plus its own window), at which no
//! node is crashed or paused and no link is cut. With leader churn on, faults may
//! come until `duration`, so the heal is no earlier than that. An operation already
//! running at the heal must complete within the bound of the heal; one invoked
//! later, within the bound of its invocation. Any completion counts (`ok`, `fail`
//! or `info`): the client was answered. Judged after every event, so a failing run
//! stops at the first event past an operation's deadline, and its trace shows it.
//! An operation whose client crashed after invoking it is abandoned: nobody waits
//! for its answer. In a run that takes a node down for good
//! (`checks.down_for_good`), `served` asks more than answers: that operations
//! succeed.

use crate::served::Served;
use faultline_api::harness_properties::UNAVAILABLE;
use faultline_api::{AsClientEvent, ClientEventKind, Violation};
use faultline_sim::node::NodeStatus;
use faultline_sim::time::format_nanos;
use faultline_sim::{Actor, FaultAction, Nanos, NodeId, World};

/// An operation in flight: the client node, its process, when it was invoked and
/// what it is, for the failure's detail.
#[derive(Clone, Debug)]
struct Running {
    node: NodeId,
    /// The node's crash count at the invocation: a crash since abandons the
    /// operation (no one is waiting for its answer; a restarted client is a new
    /// process).
    incarnation: u32,
    process: u64,
    invoked_ns: Nanos,
    what: String,
}

#[derive(Clone, Debug)]
pub(crate) struct Availability {
    bound_ns: Nanos,
    /// No planned fault acts after this instant.
    faults_end_ns: Nanos,
    healed_at_ns: Option<Nanos>,
    /// Nodes that may stay down through the heal (`checks.down_for_good`: one).
    down_for_good_max: usize,
    running: Vec<Running>,
    /// With a node down for good: that the rest still serve.
    served: Option<Served>,
    /// Observations already read.
    seen: usize,
}

/// When the last planned fault is over: its time plus its own window, if it has one.
/// `RecoverAll` (the end of the fault period) does not count: it ends faults.
pub(crate) fn end_of_faults<'a>(
    planned: impl IntoIterator<Item = &'a (Nanos, FaultAction)>,
) -> Nanos {
    let ends = planned
        .into_iter()
        .map(|(at, action)| action.over_at_ns(*at));
    ends.max().unwrap_or(0)
}

impl Availability {
    /// With a node down for good after the faults, its crash does not keep the run
    /// from healing.
    pub(crate) fn new(bound_ns: Nanos, faults_end_ns: Nanos, down_for_good: bool) -> Self {
        Availability {
            bound_ns,
            faults_end_ns,
            healed_at_ns: None,
            down_for_good_max: usize::from(down_for_good),
            running: Vec::new(),
            served: down_for_good.then(|| Served::new(bound_ns)),
            seen: 0,
        }
    }

    /// Reads the new client events and judges the operations still running.
    pub(crate) fn after_step<A: Actor>(&mut self, world: &World<A>) -> Result<(), Violation>
    where
        A::Observation: AsClientEvent,
    {
        self.read_events(world);
        let now = world.now();
        if self.healed_at_ns.is_none()
            && now >= self.faults_end_ns
            && healthy(world, self.down_for_good_max)
        {
            self.healed_at_ns = Some(now);
        }
        let Some(healed_ns) = self.healed_at_ns else {
            return Ok(());
        };
        self.running
            .retain(|op| world.crash_count(op.node) == op.incarnation);
        if let Some(served) = self.served.as_mut() {
            served.after_step(world, !self.running.is_empty())?;
        }
        let late = self
            .running
            .iter()
            .map(|op| (op, op.invoked_ns.max(healed_ns) + self.bound_ns))
            .filter(|(_, deadline)| now > *deadline)
            .min_by_key(|(_, deadline)| *deadline);
        match late {
            Some((op, _)) => Err(self.violation(op, healed_ns, now)),
            None => Ok(()),
        }
    }

    fn read_events<A: Actor>(&mut self, world: &World<A>)
    where
        A::Observation: AsClientEvent,
    {
        for observed in world.unread_observations(&mut self.seen) {
            let Some(event) = observed.value.client_event() else {
                continue;
            };
            let is = |op: &Running| op.node == observed.node && op.process == event.process;
            if event.kind == ClientEventKind::Invoke {
                let key = event.key.as_deref().unwrap_or("");
                self.running.push(Running {
                    node: observed.node,
                    incarnation: world.crash_count(observed.node),
                    process: event.process,
                    invoked_ns: observed.time_ns,
                    what: format!("{} {key}", event.f).trim_end().to_string(),
                });
            } else if let Some(i) = self.running.iter().position(is) {
                self.running.remove(i);
            }
            if let Some(served) = self.served.as_mut() {
                let running = !self.running.is_empty();
                served.on_event(event.kind, observed.time_ns, running);
            }
        }
    }

    fn violation(&self, op: &Running, healed_ns: Nanos, now: Nanos) -> Violation {
        let detail = format!(
            "the faults healed at {}, but n{}'s {} invoked at {} was still unanswered at {} \
             (availability bound {})",
            format_nanos(healed_ns),
            op.node.0,
            op.what,
            format_nanos(op.invoked_ns),
            format_nanos(now),
            format_nanos(self.bound_ns)
        );
        Violation::of(&UNAVAILABLE, detail)
    }
}

/// No node paused, no link cut, and no node crashed beyond `crashed_max` (those
/// down for good).
fn healthy<A: Actor>(world: &World<A>, crashed_max: usize) -> bool {
    let status = |i: usize| world.status(NodeId(i as u32));
    let nodes = 0..world.node_count();
    !world.is_partitioned()
        && nodes.clone().all(|i| status(i) != NodeStatus::Paused)
        && nodes.filter(|&i| status(i) == NodeStatus::Crashed).count() <= crashed_max
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_sim::{Target, SECOND};

    #[test]
    fn the_last_window_ends_the_faults_and_recover_all_does_not_count() {
        let crash = FaultAction::Crash {
            target: Target::Node(0),
            restart_after_ns: Some(3 * SECOND),
        };
        let planned = [
            (2 * SECOND, crash),
            (4 * SECOND, FaultAction::Heal),
            (10 * SECOND, FaultAction::RecoverAll),
        ];
        assert_eq!(end_of_faults(&planned), 5 * SECOND);
        assert_eq!(end_of_faults(&[]), 0);
    }
}
