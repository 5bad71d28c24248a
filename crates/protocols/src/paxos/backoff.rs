//! Backoff for competing proposers (`stable_leader: false`): a proposer that lost a
//! ballot waits a random time before it runs phase 1 again.
//!
//! Without it, two servers with requests preempt each other forever: each nack makes
//! the loser start again at once with a higher ballot, which nacks the other (ballots
//! climbed past 500 in 20 simulated seconds). The wait is drawn from the server's own
//! random stream (deterministic) in a window that starts at `proposer_backoff_ms` and
//! doubles with every ballot lost in a row, up to `proposer_backoff_max_ms`; winning
//! phase 1 resets it. A proposer that has not lost competes at once, as before.

use crate::paxos::messages::Timer;
use crate::paxos::server::{Ctx, Role, Server};

impl Server {
    /// Competes for the queued requests: now, or once the backoff has passed.
    pub fn compete(&mut self, ctx: &mut Ctx<'_>) {
        if self.backoff_timer.is_some() {
            return; // already waiting; the requests wait with it
        }
        let window = self.backoff_window_ns();
        if window == 0 {
            self.start_prepare(ctx);
            return;
        }
        let wait = ctx.rng().range_inclusive(0, window);
        self.backoff_timer = Some(ctx.set_timer(wait, Timer::Backoff));
    }

    /// The backoff window after `lost_ballots` losses in a row (0: none).
    pub fn backoff_window_ns(&self) -> u64 {
        if self.lost_ballots == 0 {
            return 0;
        }
        let doublings = (self.lost_ballots - 1).min(20);
        self.config
            .backoff_ns
            .saturating_mul(1 << doublings)
            .min(self.config.backoff_max_ns)
    }

    pub fn on_backoff_over(&mut self, ctx: &mut Ctx<'_>) {
        self.backoff_timer = None;
        if self.role == Role::Follower && !self.queued.is_empty() {
            self.start_prepare(ctx);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::paxos::bugs::PaxosBugs;
    use crate::paxos::server::{PaxosConfig, Server};
    use faultline_sim::MILLISECOND;
    use std::rc::Rc;

    fn server() -> Server {
        let config = PaxosConfig {
            servers: 3,
            election_timeout_ns_min: 150 * MILLISECOND,
            election_timeout_ns_max: 300 * MILLISECOND,
            heartbeat_ns: 50 * MILLISECOND,
            stable_leader: false,
            backoff_ns: 20 * MILLISECOND,
            backoff_max_ns: 100 * MILLISECOND,
            bugs: PaxosBugs::default(),
        };
        Server::new(0, Rc::new(config))
    }

    #[test]
    fn the_window_doubles_with_each_ballot_lost_in_a_row_up_to_the_cap() {
        let mut server = server();
        let windows: Vec<u64> = (0..6)
            .map(|lost| {
                server.lost_ballots = lost;
                server.backoff_window_ns() / MILLISECOND
            })
            .collect();
        assert_eq!(windows, [0, 20, 40, 80, 100, 100]);
    }
}
