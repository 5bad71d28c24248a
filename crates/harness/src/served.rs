//! Served, not only answered: in a run that takes a node down for good
//! (`checks.down_for_good`), from the heal on, some client operation must succeed
//! within the availability bound while operations wait.
//!
//! Availability mode asks that every operation be answered in time, and a refusal is
//! an answer. A service that refuses every request (a lock whose dead holder's lease
//! is never expired, a lease a lost grant left behind that never lapses, a majority
//! that never elects) answers promptly and serves no one. So: whenever client
//! operations are running, one must have succeeded (`ok`) within the bound of the
//! heal, of the first invocation since the last success, of that success, or of the
//! crash that took the node down (which starts a fresh bound). While no operation
//! runs nothing is owed, so clients that finished or think between operations are
//! never blamed for the silence. Asked only of runs that take a node down for good:
//! elsewhere a refusal may be the right answer for as long as the workload asks
//! (a compare-and-set that does not match, an order out of stock).

use faultline_api::harness_properties::UNAVAILABLE;
use faultline_api::{ClientEventKind, Violation};
use faultline_sim::time::format_nanos;
use faultline_sim::{Actor, FaultAction, Nanos, NodeId, World};

#[derive(Clone, Debug)]
pub(crate) struct Served {
    bound_ns: Nanos,
    /// When the faults healed (the first judgement).
    healed_ns: Option<Nanos>,
    /// Applied faults already looked at, from the heal on.
    faults_seen: usize,
    /// The node down for good and when it went down.
    down: Option<(NodeId, Nanos)>,
    /// Since when operations have waited for one to succeed.
    unserved_since_ns: Option<Nanos>,
}

impl Served {
    pub(crate) fn new(bound_ns: Nanos) -> Self {
        Served {
            bound_ns,
            healed_ns: None,
            faults_seen: 0,
            down: None,
            unserved_since_ns: None,
        }
    }

    /// A client event, with whether operations still run after it.
    pub(crate) fn on_event(&mut self, kind: ClientEventKind, time_ns: Nanos, running: bool) {
        if self.healed_ns.is_none() {
            return;
        }
        match kind {
            ClientEventKind::Invoke => {
                self.unserved_since_ns.get_or_insert(time_ns);
            }
            ClientEventKind::Ok => self.unserved_since_ns = running.then_some(time_ns),
            ClientEventKind::Fail | ClientEventKind::Info => {}
        }
    }

    /// After an event once the faults healed: notes the crash that takes the node
    /// down for good, then judges whether operations wait too long for a success.
    pub(crate) fn after_step<A: Actor>(
        &mut self,
        world: &World<A>,
        running: bool,
    ) -> Result<(), Violation> {
        if self.healed_ns.is_none() {
            self.healed_ns = Some(world.now());
            self.faults_seen = world.applied_faults().len();
            self.unserved_since_ns = running.then_some(world.now());
        }
        if self.down.is_none() {
            self.look_for_the_crash(world, running);
        }
        let Some(since_ns) = self.unserved_since_ns.filter(|_| running) else {
            return Ok(());
        };
        let now = world.now();
        match now > since_ns.saturating_add(self.bound_ns) {
            true => Err(self.violation(since_ns, now)),
            false => Ok(()),
        }
    }

    fn look_for_the_crash<A: Actor>(&mut self, world: &World<A>, running: bool) {
        let applied = world.applied_faults();
        let seen = std::mem::replace(&mut self.faults_seen, applied.len());
        let crash = applied[seen..].iter().find_map(|fault| match fault.action {
            FaultAction::Crash {
                target: faultline_sim::Target::Node(node),
                restart_after_ns: None,
            } if fault.skipped.is_none() => Some((NodeId(node), fault.at_ns)),
            _ => None,
        });
        if let Some((node, at_ns)) = crash {
            self.down = Some((node, at_ns));
            self.unserved_since_ns = running.then_some(at_ns);
        }
    }

    fn violation(&self, since_ns: Nanos, now: Nanos) -> Violation {
        let (what, at_ns) = match self.down {
            Some((node, down_ns)) => (format!("{node} went down for good"), down_ns),
            None => ("the faults healed".to_string(), self.healed_ns.unwrap_or(0)),
        };
        let detail = format!(
            "{what} at {}; from {} to {} client operations were answered but none \
             succeeded (availability bound {}): the service did not serve",
            format_nanos(at_ns),
            format_nanos(since_ns),
            format_nanos(now),
            format_nanos(self.bound_ns)
        );
        Violation::of(&UNAVAILABLE, detail)
    }
}
