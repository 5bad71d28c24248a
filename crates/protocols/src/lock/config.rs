//! How a lock run is set up: which lock service (a primary-backup lock server, or
//! Redlock over independent servers), where each role lives among the server nodes,
//! and the lease timing. Read once from the scenario's protocol options; a wrong
//! option or node count is a [`SetupError`], never a panic.

use crate::lock::bugs::LockBugs;
use crate::lock::options::LockOptions;
use crate::plan::Pacing;
use crate::protocol::{Setup, SetupError};
use faultline_sim::{Nanos, NodeId, MILLISECOND};

pub use crate::lock::options::Service;

#[derive(Clone, Debug, PartialEq)]
pub struct LockConfig {
    pub service: Service,
    /// Lock servers are nodes `0..lock_servers`.
    pub lock_servers: u32,
    /// The protected resource: the node after the lock servers.
    pub resource: NodeId,
    /// How long a grant lasts, by the clock of the server that holds it.
    pub ttl_ns: Nanos,
    /// What a client takes off its validity for clock error (drift and small jumps)
    /// between its clock and the lock servers'.
    pub drift_allowance_ns: Nanos,
    /// The longest a client spends preparing a write after deciding to make it.
    pub work_ns_max: Nanos,
    /// Primary → backup heartbeat interval.
    pub heartbeat_ns: Nanos,
    /// Silence from the primary after which the backup takes over.
    pub failover_ns: Nanos,
    /// How long a client tries to acquire before it gives up.
    pub acquire_timeout_ns: Nanos,
    /// How long a client waits for an answer before asking again.
    pub retry_ns: Nanos,
    pub pacing: Pacing,
    pub bugs: LockBugs,
}

impl LockConfig {
    pub fn from_setup(setup: &Setup) -> Result<Self, SetupError> {
        let options: LockOptions = setup.read_options()?;
        let service = options.service;
        let lock_servers = lock_servers_of(service, setup.servers)?;
        let ttl_ns = ms_option("ttl_ms", options.ttl_ms)?;
        if ttl_ns < 10 * MILLISECOND {
            return Err(SetupError::Invalid("ttl_ms: expected at least 10".into()));
        }
        let default_allowance = ttl_ns / 50 + 2 * MILLISECOND;
        let drift_allowance_ns = match options.drift_allowance_ms {
            None => default_allowance,
            Some(ms) => ms_option("drift_allowance_ms", ms)?,
        };
        if drift_allowance_ns * 3 >= ttl_ns {
            return Err(SetupError::Invalid(format!(
                "drift_allowance_ms: {} is too much of the ttl; expected less than a third of \
                    ttl_ms ({})",
                drift_allowance_ns / MILLISECOND,
                ttl_ns / MILLISECOND
            )));
        }
        let heartbeat_ns = ms_option("heartbeat_ms", options.heartbeat_ms)?.max(MILLISECOND);
        let failover_ns = ms_option("failover_ms", options.failover_ms)?;
        if failover_ns < 2 * heartbeat_ns {
            return Err(SetupError::Invalid(
                "failover_ms: expected at least two heartbeats (2 × heartbeat_ms)".into(),
            ));
        }
        Ok(LockConfig {
            service,
            lock_servers,
            resource: NodeId(lock_servers),
            ttl_ns,
            drift_allowance_ns,
            work_ns_max: ms_option("work_ms", options.work_ms)?,
            heartbeat_ns,
            failover_ns,
            // Short against the ttl: Redlock's tokens count past the previous holder
            // only if two winning attempts never straddle the same instant (see redlock).
            acquire_timeout_ns: ttl_ns / 3,
            retry_ns: 60 * MILLISECOND,
            pacing: Pacing::for_workload(&setup.workload, setup.fault_period_ns),
            bugs: LockBugs::from(&setup.bugs),
        })
    }

    /// Servers that must agree for a Redlock acquisition (a majority of lock servers).
    pub fn majority(&self) -> usize {
        self.lock_servers as usize / 2 + 1
    }

    /// When a lease a client asked for at `start_ns` (its clock) stops being valid
    /// for it: the server counts the ttl from the grant, which is later, by a clock
    /// that may run up to the allowance ahead.
    pub fn valid_until(&self, start_ns: Nanos) -> Nanos {
        start_ns + self.ttl_ns - self.drift_allowance_ns
    }
}

/// A duration option in whole milliseconds, at most a simulated day.
fn ms_option(name: &str, ms: u64) -> Result<Nanos, SetupError> {
    const DAY_MS: u64 = 86_400_000;
    if ms > DAY_MS {
        return Err(SetupError::Invalid(format!(
            "{name}: {ms} is too long; expected at most {DAY_MS} (a day)"
        )));
    }
    Ok(ms * MILLISECOND)
}

fn lock_servers_of(service: Service, servers: usize) -> Result<u32, SetupError> {
    match service {
        Service::Single if servers == 3 => Ok(2),
        Service::Single => Err(SetupError::Invalid(format!(
            "the single lock service runs on 3 nodes (0 the primary, 1 its backup, 2 the \
                resource); found {servers}"
        ))),
        Service::Redlock if servers >= 2 => Ok(servers as u32 - 1),
        Service::Redlock => Err(SetupError::Invalid(format!(
            "Redlock needs at least 2 nodes (lock servers, then the resource); found {servers}"
        ))),
    }
}
