//! What a scenario may set for a Multi-Paxos run: the protocol's options and their
//! defaults, declared once (listing, validation, the JSON Schema and `build` all read
//! this).

use crate::kv::KvClientOptions;

faultline_api::protocol_options! {
    /// Multi-Paxos's options.
    pub struct PaxosOptions {
        /// a distinguished leader runs phase 1 once for all slots (false: every request's
        /// server competes, single-decree style)
        stable_leader: bool = true,
        /// minimum leader timeout (maximum is twice it)
        election_timeout_ms: u64 = 150,
        /// leader heartbeat interval
        heartbeat_ms: u64 = 50,
        /// without a stable leader, a proposer that lost a ballot waits at random up to
        /// this long before competing again, doubling with each further loss
        proposer_backoff_ms: u64 = 20,
        /// the longest such wait
        proposer_backoff_max_ms: u64 = 640,
        ..client: KvClientOptions,
    }
}
