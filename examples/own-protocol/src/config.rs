//! How an ABD run is set up: its options (declared once, with their defaults), replica
//! count and quorum size, client timing, the workload's shape and the bug switches.
//! Read once from the scenario; a bad option is a [`SetupError`], never a panic.

use crate::api::{protocol_options, Nanos, Pacing, Setup, SetupError, MILLISECOND};
use crate::bugs::AbdBugs;

protocol_options! {
    /// What a scenario's `protocol` object may set for an ABD run, with the defaults.
    pub struct AbdOptions {
        /// how long a client waits before resending the current phase to the replicas
        /// that have not answered
        retry_ms: u64 = 40,
        /// how long a client runs one operation before giving up and reporting it as info
        /// (outcome unknown); at least retry_ms
        give_up_ms: u64 = 1000,
    }
}

/// Everything a node needs to know about the run; shared by all nodes.
#[derive(Clone, Debug, PartialEq)]
pub struct AbdConfig {
    /// Replicas are nodes `0..replicas`; clients follow.
    pub replicas: u32,
    /// Replies a phase waits for: a majority (or fewer with `abd.small_quorum`).
    pub quorum: usize,
    pub retry_ns: Nanos,
    pub give_up_ns: Nanos,
    /// Random operations pick among registers `k0..k{keys-1}`.
    pub keys: usize,
    pub read_ratio: f64,
    pub pacing: Pacing,
    pub bugs: AbdBugs,
}

/// The smallest number of replicas out of `replicas` that any two such sets share one.
pub fn majority(replicas: usize) -> usize {
    replicas / 2 + 1
}

impl AbdConfig {
    pub fn from_setup(setup: &Setup) -> Result<Self, SetupError> {
        if setup.servers == 0 {
            return Err(SetupError::Invalid(
                "abd needs at least one replica (nodes: 1 or more)".into(),
            ));
        }
        let options: AbdOptions = setup.read_options()?;
        let retry_ns = options.retry_ms * MILLISECOND;
        let give_up_ns = options.give_up_ms * MILLISECOND;
        if retry_ns == 0 {
            return Err(SetupError::Invalid("retry_ms: expected at least 1".into()));
        }
        if give_up_ns < retry_ns {
            return Err(SetupError::Invalid(
                "give_up_ms: expected at least retry_ms".into(),
            ));
        }
        let bugs = AbdBugs::from(&setup.bugs);
        Ok(AbdConfig {
            replicas: setup.servers as u32,
            quorum: quorum_size(setup.servers, bugs),
            retry_ns,
            give_up_ns,
            keys: setup.workload.keys.max(1),
            read_ratio: setup.workload.read_ratio,
            pacing: Pacing::for_workload(&setup.workload, setup.fault_period_ns),
            bugs,
        })
    }
}

/// A majority of `replicas`, or (the bug) half of them rounded down, at least one.
fn quorum_size(replicas: usize, bugs: AbdBugs) -> usize {
    if bugs.small_quorum {
        return (replicas / 2).max(1);
    }
    majority(replicas)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quorums_are_majorities_unless_the_bug_is_on() {
        let small = AbdBugs {
            small_quorum: true,
            ..AbdBugs::default()
        };
        assert_eq!(quorum_size(5, AbdBugs::default()), 3);
        assert_eq!(quorum_size(4, AbdBugs::default()), 3);
        assert_eq!(quorum_size(5, small), 2);
        assert_eq!(quorum_size(4, small), 2);
        assert_eq!(quorum_size(1, small), 1);
    }
}
