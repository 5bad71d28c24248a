//! A run that runs away is reported, not left to hang a campaign or exhaust the
//! machine: a retry loop with a zero interval never lets simulated time reach the
//! end of the run, and a message storm grows the event queue without bound.
//!
//! The budgets count events, never wall time, so a runaway is found at the same
//! event on every machine and its trace replays like any other failure. They are far
//! above what any shipped scenario needs (the largest benchmark runs a few million
//! events, all at distinct instants), and the total grows with simulated time, so an
//! hour-long run at an ordinary pace is not mistaken for one that never settles.

use faultline_api::harness_properties::RUNAWAY;
use faultline_api::Violation;
use faultline_sim::{Actor, Nanos, World};

/// Events a run may process whatever its pace: below this, no run is a runaway by
/// its event count.
pub const EVENTS_MAX: u64 = 20_000_000;
/// Past [`EVENTS_MAX`], the average events per simulated second a run may keep up.
/// A long run at an ordinary pace (an hour of a nemesis is tens of millions of
/// events) goes on; a loop that waits a nanosecond between tries runs at a billion
/// per simulated second and is stopped.
pub const EVENTS_PER_SIMULATED_SECOND_MAX: u64 = 2_000_000;
/// Events that may happen at one simulated instant (time stands still meanwhile).
pub const EVENTS_AT_ONE_INSTANT_MAX: u64 = 1_000_000;
/// Events that may wait in the queue at once (memory grows with it).
pub const EVENTS_PENDING_MAX: usize = 4_000_000;

/// The events a run may have processed by simulated time `now_ns`.
fn event_budget(now_ns: Nanos) -> u64 {
    let paced = (now_ns / faultline_sim::SECOND).saturating_mul(EVENTS_PER_SIMULATED_SECOND_MAX);
    EVENTS_MAX.max(paced)
}

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
        } else if world.event_count() > event_budget(world.now()) {
            format!(
                "{EVENTS_MAX} events, at over {EVENTS_PER_SIMULATED_SECOND_MAX} per simulated \
                 second (a run that never settles?)"
            )
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

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_sim::SECOND;

    #[test]
    fn the_event_budget_grows_with_simulated_time_past_its_floor() {
        assert_eq!(event_budget(0), EVENTS_MAX);
        assert_eq!(
            event_budget(5 * SECOND),
            EVENTS_MAX,
            "the floor covers short runs"
        );
        let hour = 3600 * SECOND;
        assert_eq!(event_budget(hour), 3600 * EVENTS_PER_SIMULATED_SECOND_MAX);
        // A loop retrying every nanosecond makes 20M events in 20 simulated ms.
        assert!(20_000_001 > event_budget(SECOND / 50));
    }
}
