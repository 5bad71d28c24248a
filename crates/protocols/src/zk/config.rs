//! How a zk run is set up: Raft servers `0..N-1`, the fenced resource at node N-1,
//! clients after it; session and client timing read once from the scenario's options.
//! A wrong option or node count is a [`SetupError`], never a panic.

use crate::plan::Pacing;
use crate::protocol::{Setup, SetupError};
use crate::zk::bugs::ZkBugs;
use crate::zk::options::ZkOptions;
use faultline_sim::{Nanos, NodeId, MILLISECOND};

#[derive(Clone, Debug, PartialEq)]
pub struct ZkConfig {
    /// Raft servers are nodes `0..raft_servers`.
    pub raft_servers: u32,
    /// The fenced resource: the node after the servers.
    pub resource: NodeId,
    pub session_timeout_ns: Nanos,
    /// What a client takes off its session's validity for clock error between its
    /// clock and the leader's.
    pub allowance_ns: Nanos,
    /// A client's heartbeat interval (a third of the session timeout).
    pub ping_ns: Nanos,
    pub election_timeout_ms: u64,
    pub heartbeat_ms: u64,
    pub work_ns_max: Nanos,
    pub acquire_timeout_ns: Nanos,
    pub recheck_ns: Nanos,
    /// How long a client waits for an answer before asking again (another server).
    pub retry_ns: Nanos,
    pub pacing: Pacing,
    pub bugs: ZkBugs,
}

impl Default for ZkConfig {
    fn default() -> Self {
        ZkConfig {
            raft_servers: 3,
            resource: NodeId(3),
            session_timeout_ns: 1000 * MILLISECOND,
            allowance_ns: 100 * MILLISECOND,
            ping_ns: 333 * MILLISECOND,
            election_timeout_ms: 150,
            heartbeat_ms: 50,
            work_ns_max: 200 * MILLISECOND,
            acquire_timeout_ns: 2500 * MILLISECOND,
            recheck_ns: 400 * MILLISECOND,
            retry_ns: 100 * MILLISECOND,
            pacing: Pacing {
                think_ns_mean: MILLISECOND,
                ends_ns: 0,
            },
            bugs: ZkBugs::default(),
        }
    }
}

impl ZkConfig {
    pub fn from_setup(setup: &Setup) -> Result<Self, SetupError> {
        let options: ZkOptions = setup.read_options()?;
        if setup.servers < 2 {
            return Err(SetupError::Invalid(format!(
                "zk needs at least 2 nodes (Raft servers, then the resource); found {}",
                setup.servers
            )));
        }
        let raft_servers = setup.servers as u32 - 1;
        let session_timeout_ns = ms("session_timeout_ms", options.session_timeout_ms)?;
        let election_ns = ms("election_timeout_ms", options.election_timeout_ms)?;
        if session_timeout_ns < 4 * election_ns.max(MILLISECOND) {
            return Err(SetupError::Invalid(
                "session_timeout_ms: expected at least four election timeouts, so a session \
                    outlives a leader change"
                    .into(),
            ));
        }
        Ok(ZkConfig {
            raft_servers,
            resource: NodeId(raft_servers),
            session_timeout_ns,
            allowance_ns: session_timeout_ns / 10,
            ping_ns: session_timeout_ns / 3,
            election_timeout_ms: options.election_timeout_ms.max(1),
            heartbeat_ms: options.heartbeat_ms.max(1),
            work_ns_max: ms("work_ms", options.work_ms)?,
            acquire_timeout_ns: ms("acquire_timeout_ms", options.acquire_timeout_ms)?,
            recheck_ns: ms("recheck_ms", options.recheck_ms)?.max(MILLISECOND),
            retry_ns: 100 * MILLISECOND,
            pacing: Pacing::for_workload(&setup.workload, setup.fault_period_ns),
            bugs: ZkBugs::from(&setup.bugs),
        })
    }

    /// How long a session stays valid for its client after a heartbeat it sent at
    /// `sent_ns` (its clock) was applied.
    pub fn valid_until(&self, sent_ns: Nanos) -> Nanos {
        sent_ns + self.session_timeout_ns - self.allowance_ns
    }
}

/// A duration option in whole milliseconds, at most a simulated day.
fn ms(name: &str, ms: u64) -> Result<Nanos, SetupError> {
    const DAY_MS: u64 = 86_400_000;
    if ms > DAY_MS {
        return Err(SetupError::Invalid(format!(
            "{name}: {ms} is too long; expected at most {DAY_MS} (a day)"
        )));
    }
    Ok(ms * MILLISECOND)
}
