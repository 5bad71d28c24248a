//! Served, not only answered: in a run that takes a node down for good
//! (`checks.down_for_good`), from the heal on, operations may not wait longer than
//! the availability bound in all without one of them succeeding.
//!
//! Availability mode asks that every operation be answered in time, and a refusal is
//! an answer. A service that refuses every request (a lock whose dead holder's lease
//! is never expired, a lease a lost grant left behind that never lapses, a majority
//! that never elects) answers promptly and serves no one. So the time during which
//! client operations are running is added up since the last success (or the heal, or
//! the crash that took the node down, which starts afresh); once it passes the bound
//! with no operation `ok`, the run fails `unavailable`. Only running time counts:
//! clients that think between operations, or have finished, owe nothing, so a
//! refusal followed by a long pause is never blamed. Asked only of runs that take a
//! node down for good: elsewhere a refusal may be the right answer for as long as
//! the workload asks (a compare-and-set that does not match, an order out of stock).

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
    /// When the current stretch without a success began.
    since_ns: Nanos,
    /// Time operations have been running in this stretch, up to `mark_ns`.
    unserved_ns: Nanos,
    mark_ns: Nanos,
    /// Whether operations were running at `mark_ns`.
    running: bool,
}

impl Served {
    pub(crate) fn new(bound_ns: Nanos) -> Self {
        Served {
            bound_ns,
            healed_ns: None,
            faults_seen: 0,
            down: None,
            since_ns: 0,
            unserved_ns: 0,
            mark_ns: 0,
            running: false,
        }
    }

    /// A client event, with whether operations still run after it.
    pub(crate) fn on_event(&mut self, kind: ClientEventKind, time_ns: Nanos, running: bool) {
        if self.healed_ns.is_none() {
            return;
        }
        self.advance(time_ns, running);
        if kind == ClientEventKind::Ok {
            self.start_afresh(time_ns);
        }
    }

    /// After an event once the faults healed: notes the crash that takes the node
    /// down for good, then judges whether operations waited too long for a success.
    pub(crate) fn after_step<A: Actor>(
        &mut self,
        world: &World<A>,
        running: bool,
    ) -> Result<(), Violation> {
        let now = world.now();
        if self.healed_ns.is_none() {
            self.healed_ns = Some(now);
            self.faults_seen = world.applied_fault_count();
            self.start_afresh(now);
        }
        if self.down.is_none() {
            self.look_for_the_crash(world);
        }
        self.advance(now, running);
        self.judge(now)
    }

    /// Fails once operations running now have waited past the bound in all.
    fn judge(&self, now: Nanos) -> Result<(), Violation> {
        match self.running && self.unserved_ns > self.bound_ns {
            true => Err(self.violation(now)),
            false => Ok(()),
        }
    }

    /// Adds the time since the last mark if operations were running over it.
    fn advance(&mut self, now: Nanos, running: bool) {
        if self.running {
            self.unserved_ns += now.saturating_sub(self.mark_ns);
        }
        self.mark_ns = now.max(self.mark_ns);
        self.running = running;
    }

    fn start_afresh(&mut self, now: Nanos) {
        self.since_ns = now;
        self.unserved_ns = 0;
        self.mark_ns = now;
    }

    fn look_for_the_crash<A: Actor>(&mut self, world: &World<A>) {
        let unread = world.unread_faults(&mut self.faults_seen);
        let crash = unread.iter().find_map(|fault| match fault.action {
            FaultAction::Crash {
                target: faultline_sim::Target::Node(node),
                restart_after_ns: None,
            } if fault.skipped.is_none() => Some((NodeId(node), fault.at_ns)),
            _ => None,
        });
        if let Some((node, at_ns)) = crash {
            self.down = Some((node, at_ns));
            self.start_afresh(at_ns);
        }
    }

    fn violation(&self, now: Nanos) -> Violation {
        let (what, at_ns) = match self.down {
            Some((node, down_ns)) => (format!("{node} went down for good"), down_ns),
            None => ("the faults healed".to_string(), self.healed_ns.unwrap_or(0)),
        };
        let detail = format!(
            "{what} at {}; from {} to {} client operations ran {} in all, answered but \
             none succeeded (availability bound {}): the service did not serve",
            format_nanos(at_ns),
            format_nanos(self.since_ns),
            format_nanos(now),
            format_nanos(self.unserved_ns),
            format_nanos(self.bound_ns)
        );
        Violation::of(&UNAVAILABLE, detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_sim::{MILLISECOND, SECOND};

    fn healed_at_zero(bound_ns: Nanos) -> Served {
        let mut served = Served::new(bound_ns);
        served.healed_ns = Some(0);
        served.start_afresh(0);
        served
    }

    #[test]
    fn only_time_with_operations_running_counts() {
        let mut served = healed_at_zero(SECOND);
        for start in (0..10).map(|k| k * 2 * SECOND) {
            served.on_event(ClientEventKind::Invoke, start, true);
            served.on_event(ClientEventKind::Fail, start + 10 * MILLISECOND, false);
        }
        served.advance(20 * SECOND, false);
        assert_eq!(
            served.unserved_ns,
            100 * MILLISECOND,
            "ten refusals of 10 ms"
        );
        assert!(
            served.judge(20 * SECOND).is_ok(),
            "a thinking client owes nothing"
        );
    }

    #[test]
    fn refusals_past_the_bound_fail_and_a_success_starts_afresh() {
        let mut served = healed_at_zero(SECOND);
        served.on_event(ClientEventKind::Invoke, 0, true);
        served.advance(900 * MILLISECOND, true);
        served.on_event(ClientEventKind::Ok, 900 * MILLISECOND, true);
        served.advance(1800 * MILLISECOND, true);
        assert!(served.judge(1800 * MILLISECOND).is_ok(), "served at 0.9 s");
        served.advance(2 * SECOND, true);
        let violation = served.judge(2 * SECOND).unwrap_err();
        assert_eq!(violation.property, "unavailable");
        assert!(
            violation.detail.contains("ran 1.100s in all"),
            "{}",
            violation.detail
        );
    }
}
