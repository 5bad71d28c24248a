//! How a lock run is set up: which lock service (a primary-backup lock server, or
//! Redlock over independent servers), where each role lives among the server nodes,
//! and the lease timing. Read once from the scenario's protocol options; a wrong
//! option or node count is a [`SetupError`], never a panic.

use crate::lock::bugs::LockBugs;
use crate::plan::Pacing;
use crate::protocol::{OptionInfo, Setup, SetupError};
use faultline_sim::{Nanos, NodeId, MILLISECOND};
use serde_json::Value;

/// Which lock service protects the resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    /// Node 0 the primary lock server, node 1 its backup, node 2 the resource.
    Single,
    /// Nodes `0..N` independent lock servers, node N the resource.
    Redlock,
}

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

pub const OPTIONS: &[OptionInfo] = &[
    OptionInfo {
        name: "service",
        meaning: "\"single\": node 0 primary lock server, 1 its backup, 2 the resource (3 nodes); \"redlock\": nodes 0..N-1 independent lock servers, node N the resource",
        default: "single",
    },
    OptionInfo { name: "ttl_ms", meaning: "lease length, by the lock server's clock", default: "1000" },
    OptionInfo {
        name: "drift_allowance_ms",
        meaning: "what clients take off their validity for clock error between them and the servers (at most a third of the ttl)",
        default: "ttl/50 + 2",
    },
    OptionInfo { name: "work_ms", meaning: "longest time a client prepares a write after deciding to make it", default: "200" },
    OptionInfo { name: "heartbeat_ms", meaning: "primary → backup heartbeat", default: "50" },
    OptionInfo { name: "failover_ms", meaning: "silence from the primary after which the backup takes over", default: "300" },
];

impl LockConfig {
    pub fn from_setup(setup: &Setup) -> Result<Self, SetupError> {
        let service = service_of(setup)?;
        let lock_servers = lock_servers_of(service, setup.servers)?;
        let ttl_ns = ms_option(setup, "ttl_ms", 1000)?;
        if ttl_ns < 10 * MILLISECOND {
            return Err(SetupError::Invalid("ttl_ms: expected at least 10".into()));
        }
        let default_allowance = ttl_ns / 50 + 2 * MILLISECOND;
        let drift_allowance_ns = match setup.options.get("drift_allowance_ms") {
            None => default_allowance,
            Some(_) => ms_option(setup, "drift_allowance_ms", 0)?,
        };
        if drift_allowance_ns * 3 >= ttl_ns {
            return Err(SetupError::Invalid(format!(
                "drift_allowance_ms: {} is too much of the ttl; expected less than a third of ttl_ms ({})",
                drift_allowance_ns / MILLISECOND,
                ttl_ns / MILLISECOND
            )));
        }
        let heartbeat_ns = ms_option(setup, "heartbeat_ms", 50)?.max(MILLISECOND);
        let failover_ns = ms_option(setup, "failover_ms", 300)?;
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
            work_ns_max: ms_option(setup, "work_ms", 200)?,
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
fn ms_option(setup: &Setup, name: &str, default_ms: u64) -> Result<Nanos, SetupError> {
    const DAY_MS: u64 = 86_400_000;
    let ms = setup.u64_option(name, default_ms)?;
    if ms > DAY_MS {
        return Err(SetupError::Invalid(format!(
            "{name}: {ms} is too long; expected at most {DAY_MS} (a day)"
        )));
    }
    Ok(ms * MILLISECOND)
}

fn service_of(setup: &Setup) -> Result<Service, SetupError> {
    match setup.options.get("service") {
        None => Ok(Service::Single),
        Some(Value::String(s)) if s == "single" => Ok(Service::Single),
        Some(Value::String(s)) if s == "redlock" => Ok(Service::Redlock),
        Some(other) => Err(SetupError::BadOption {
            name: "service".into(),
            expected: "\"single\" or \"redlock\"",
            found: other.to_string(),
        }),
    }
}

fn lock_servers_of(service: Service, servers: usize) -> Result<u32, SetupError> {
    match service {
        Service::Single if servers == 3 => Ok(2),
        Service::Single => Err(SetupError::Invalid(format!(
            "the single lock service runs on 3 nodes (0 the primary, 1 its backup, 2 the resource); found {servers}"
        ))),
        Service::Redlock if servers >= 2 => Ok(servers as u32 - 1),
        Service::Redlock => Err(SetupError::Invalid(format!(
            "Redlock needs at least 2 nodes (lock servers, then the resource); found {servers}"
        ))),
    }
}
