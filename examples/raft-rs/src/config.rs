//! How a raft-rs run is set up: the logical clock (tick length, election and
//! heartbeat in ticks), raft-rs's switches, compaction, and the bug switches. Read
//! once from the scenario; a bad option is a [`SetupError`], never a panic.

use crate::api::{protocol_options, KvClientOptions, Nanos, Setup, SetupError, MILLISECOND};
use crate::bugs::AdapterBugs;

protocol_options! {
    /// What a scenario's `protocol` object may set for a raft-rs run, with the defaults.
    pub struct RaftRsOptions {
        /// length of one raft-rs tick (RawNode::tick), on the server's own clock
        tick_ms: u64 = 10,
        /// minimum election timeout in ticks; each timeout is drawn from [it, 2*it) with
        /// the run's seeded rng
        election_ticks: u64 = 15,
        /// leader heartbeat interval in ticks (less than election_ticks)
        heartbeat_ticks: u64 = 5,
        /// raft-rs's PreVote
        pre_vote: bool = true,
        /// raft-rs's CheckQuorum: a leader that cannot hear a majority steps down
        check_quorum: bool = true,
        /// applied entries between snapshots (0: never)
        snapshot_every: u64 = 32,
        /// raftrs.send_before_persist only: how often the background writer fsyncs
        flush_ms: u64 = 20,
        ..client: KvClientOptions,
    }
}

/// Everything a server needs to know about the run; shared by all servers.
#[derive(Clone, Debug, PartialEq)]
pub struct RaftRsConfig {
    pub servers: u32,
    pub tick_ns: Nanos,
    pub election_ticks: usize,
    pub heartbeat_ticks: usize,
    pub pre_vote: bool,
    pub check_quorum: bool,
    pub snapshot_every: u64,
    pub flush_ns: Nanos,
    pub bugs: AdapterBugs,
}

impl RaftRsConfig {
    pub fn from_setup(setup: &Setup, options: &RaftRsOptions) -> Result<Self, SetupError> {
        if setup.servers == 0 {
            return Err(SetupError::Invalid(
                "raftrs needs at least one server".into(),
            ));
        }
        let election_ticks = options.election_ticks as usize;
        let heartbeat_ticks = options.heartbeat_ticks as usize;
        if heartbeat_ticks == 0 || election_ticks <= heartbeat_ticks {
            return Err(SetupError::Invalid(
                "election_ticks: expected more than heartbeat_ticks, which is at least 1".into(),
            ));
        }
        Ok(RaftRsConfig {
            servers: setup.servers as u32,
            tick_ns: options.tick_ms.max(1) * MILLISECOND,
            election_ticks,
            heartbeat_ticks,
            pre_vote: options.pre_vote,
            check_quorum: options.check_quorum,
            snapshot_every: options.snapshot_every,
            flush_ns: options.flush_ms.max(1) * MILLISECOND,
            bugs: AdapterBugs::from(&setup.bugs),
        })
    }

    /// raft-rs's configuration for server `id` (raft ids start at 1), with `applied`
    /// the index its state machine already holds (its snapshot's).
    ///
    /// The election range is pinned to one value (`max = min + 1`, raft-rs's range
    /// is half-open): raft-rs draws the timeout from a thread-local generator
    /// faultline cannot seed, so it must have nothing to choose; the server then
    /// sets the timeout itself from the run's rng (`Server::randomize_timeout`).
    pub fn raft_config(&self, id: u64, applied: u64) -> raft::Config {
        raft::Config {
            id,
            election_tick: self.election_ticks,
            heartbeat_tick: self.heartbeat_ticks,
            min_election_tick: self.election_ticks,
            max_election_tick: self.election_ticks + 1,
            applied,
            pre_vote: self.pre_vote,
            check_quorum: self.check_quorum,
            max_size_per_msg: 4096,
            max_inflight_msgs: 64,
            ..raft::Config::default()
        }
    }
}
