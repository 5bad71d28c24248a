//! A node down for good (`checks.down_for_good`, `checks.leader_down`): one
//! availability bound after the end of the fault period, the next node to hold a
//! role crashes and never restarts.
//!
//! The random faults always bring a node back, so a service never has to go on
//! without one: a backup that never takes over from a dead primary, or a lock whose
//! dead holder's lease or session is never expired, passes every nemesis run. Taking
//! the role's holder down for good, in availability mode, asks exactly that: the rest
//! must answer every operation within the bound without it. The crash waits for a
//! holder (a lock may be free at the instant), and hits it at once; a client taken
//! down this way is crashed even in a protocol whose clients never restart, because
//! it never comes back.

use faultline_sim::{Actor, FaultAction, Nanos, Target, World};

/// The pending crash of the next holder of `role`.
#[derive(Debug)]
pub(crate) struct DownForGood {
    role: String,
    from_ns: Nanos,
    done: bool,
}

impl DownForGood {
    /// Armed one availability bound after the fault period ends, so the service has
    /// settled (a backup that has not caught up may not take over, by design).
    pub(crate) fn new(role: &str, fault_period_ns: Nanos, bound_ns: Nanos) -> Self {
        DownForGood {
            role: role.to_string(),
            from_ns: fault_period_ns.saturating_add(bound_ns),
            done: false,
        }
    }

    /// After an event: once armed, crashes the role's holder, if some node holds it.
    #[inline]
    pub(crate) fn after_step<A: Actor>(&mut self, world: &mut World<A>) {
        if self.done || world.now() < self.from_ns {
            return;
        }
        self.crash_holder(world);
    }

    #[cold]
    fn crash_holder<A: Actor>(&mut self, world: &mut World<A>) {
        let Some(node) = world.holder_of(&self.role) else {
            return;
        };
        self.done = true;
        world.set_clients_crash(true);
        let crash = FaultAction::Crash {
            target: Target::Node(node.0),
            restart_after_ns: None,
        };
        world.schedule_fault(world.now(), crash);
    }
}
