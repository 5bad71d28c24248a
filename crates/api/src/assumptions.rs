//! The fault model a protocol is written for: the faults it promises to survive.
//!
//! Every protocol assumes something about its environment (a lease lock, that clocks
//! stay within an error it allows for). A violation found under faults beyond those
//! assumptions is not a bug in the protocol, so the harness keeps its random faults
//! (the nemesis, swarm) inside them unless asked to go beyond, and marks a run whose
//! faults exceed them (asked for, or scheduled explicitly) as outside the model.
//! A protocol that declares nothing ([`Assumptions::default`]) assumes nothing: any
//! fault is inside its model, as before assumptions existed; except disk errors
//! (an fsync that fails, a record found corrupt), which a protocol must say it
//! handles: code written before they existed never looked at them.

use faultline_sim::Nanos;

/// What a protocol assumes about the faults it runs under; `None` in a field: no
/// assumption of that kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Assumptions {
    /// The clock error the protocol tolerates (for a lease lock, its drift allowance).
    pub clock_error: Option<ClockErrorBudget>,
    /// The most servers that may be crashed at once (a majority quorum of `n`
    /// servers: `(n - 1) / 2`). Random crashes of several servers together
    /// (`crash_max_concurrent`) stay within it.
    pub crashed_max: Option<usize>,
    /// Whether the protocol keeps state on disk it cannot lose: a machine replaced
    /// with an empty disk (`replace`) is then outside its model.
    pub durable_disk: bool,
    /// Whether the protocol survives fsyncs that fail (`disk.fsync_errors`): every
    /// node that meets one stops (fail-stop, `Context::halt`) rather than act on
    /// what it failed to make durable. Without it, fsync errors are outside its
    /// model.
    pub tolerates_fsync_errors: bool,
    /// The most servers whose disks may be found corrupt in one run
    /// (`disk.corrupt_on_restart`), for a protocol that detects a corrupt record
    /// and keeps that server down rather than use it (as Raft and Paxos do, up to
    /// the minority they tolerate crashed). `None`: corruption is outside its model.
    pub corrupt_nodes_max: Option<usize>,
    /// Whether a client node may crash and restart: its client then comes back as
    /// a new process with a fresh identity (`history::client_process`) and runs the
    /// rest of its plan (`Plan::resume_at`), leaving the crashed process's
    /// operation pending. Without it, crashing a client is outside the model.
    pub clients_restart: bool,
}

/// How far a node's clock may stray, within the span the protocol measures with it:
/// one jump plus the drift gathered over `window_ns`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockErrorBudget {
    /// The largest error tolerated, jump and drift together.
    pub max_ns: Nanos,
    /// The span over which drift counts: the longest interval the protocol times
    /// by one clock and relies on (a lease's ttl).
    pub window_ns: Nanos,
}

impl ClockErrorBudget {
    /// The error a jump of up to `jump_ns_max` and a drift of up to `drift_ppm_max`
    /// (either sign) amount to over the window.
    pub fn error_ns(&self, jump_ns_max: Nanos, drift_ppm_max: u64) -> Nanos {
        let drift_ns = u128::from(self.window_ns) * u128::from(drift_ppm_max) / 1_000_000;
        jump_ns_max.saturating_add(Nanos::try_from(drift_ns).unwrap_or(Nanos::MAX))
    }

    /// Whether such jumps and drift stay within the budget.
    pub fn allows(&self, jump_ns_max: Nanos, drift_ppm_max: u64) -> bool {
        self.error_ns(jump_ns_max, drift_ppm_max) <= self.max_ns
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_sim::{MILLISECOND, SECOND};

    #[test]
    fn drift_counts_over_the_window() {
        let budget = ClockErrorBudget {
            max_ns: 22 * MILLISECOND,
            window_ns: SECOND,
        };
        assert_eq!(budget.error_ns(10 * MILLISECOND, 3_000), 13 * MILLISECOND);
        assert!(budget.allows(10 * MILLISECOND, 3_000));
        assert!(!budget.allows(100 * MILLISECOND, 1_000));
        assert!(budget.allows(0, 22_000));
        assert!(!budget.allows(0, 22_001));
    }
}
