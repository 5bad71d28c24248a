//! What a scenario may set for a Raft run: the protocol's options and their defaults,
//! declared once (listing, validation, the JSON Schema and `build` all read this).

use crate::kv::KvClientOptions;

faultline_api::protocol_options! {
    /// Raft's options.
    pub struct RaftOptions {
        /// ask before starting an election (PreVote)
        pre_vote: bool = true,
        /// a leader that cannot hear a majority steps down
        check_quorum: bool = true,
        /// applied entries between snapshots (0: never)
        snapshot_every: u64 = 64,
        /// minimum election timeout (maximum is twice it)
        election_timeout_ms: u64 = 150,
        /// leader heartbeat interval
        heartbeat_ms: u64 = 50,
        /// a new leader appends a no-op with its first heartbeat
        leader_noop: bool = true,
        /// most log entries in one AppendEntries
        entries_per_message: u64 = 4,
        ..client: KvClientOptions,
    }
}
