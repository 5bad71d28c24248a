//! A run that runs away is reported, not left to hang a campaign or exhaust the
//! machine: a retry loop with a zero interval never lets simulated time reach the
//! end of the run, and a message storm grows the event queue without bound.
//!
//! The budgets count events, never wall time, so a runaway is found at the same
//! event on every machine and its trace replays like any other failure. They are far
//! above what any shipped scenario needs (the largest benchmark runs about a million
//! events, all at distinct instants).

use faultline_api::harness_properties::RUNAWAY;
use faultline_api::Violation;
use faultline_sim::{Actor, Nanos, World};

/// Events one run may process.
pub const EVENTS_MAX: u64 = 20_000_000;
/// Events that may happen at one simulated instant (time stands still meanwhile).
pub const EVENTS_AT_ONE_INSTANT_MAX: u64 = 1_000_000;
/// Events that may wait in the queue at once (memory grows with it).
pub const EVENTS_PENDING_MAX: usize = 4_000_000;

/// Watches one run's event counts.
#[derive(Debug, Default)]
pub struct Watchdog {
    instant_ns: Nanos,
    events_at_instant: u64,
}

impl Watchdog {
    /// After each event: a `runaway` violation once a budget is exceeded.
    pub fn after_step<A: Actor>(&mut self, world: &World<A>) -> Result<(), Violation> {
        if world.now() != self.instant_ns {
            self.instant_ns = world.now();
            self.events_at_instant = 0;
        }
        self.events_at_instant += 1;
        let exceeded = if self.events_at_instant > EVENTS_AT_ONE_INSTANT_MAX {
            format!("{EVENTS_AT_ONE_INSTANT_MAX} events at one instant (a loop that never waits?)")
        } else if world.event_count() > EVENTS_MAX {
            format!("{EVENTS_MAX} events (a run that never settles?)")
        } else if world.pending_events() > EVENTS_PENDING_MAX {
            format!("{EVENTS_PENDING_MAX} events waiting at once (a message storm?)")
        } else {
            return Ok(());
        };
        let at = faultline_sim::time::format_nanos(world.now());
        Err(Violation::of(
            &RUNAWAY,
            format!("more than {exceeded}, at {at}"),
        ))
    }
}
