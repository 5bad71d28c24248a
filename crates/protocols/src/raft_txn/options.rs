//! What a scenario may set for a raft_txn run: Raft's timing and log compaction and the
//! transactions' size, with their defaults, declared once (listing, validation, the
//! JSON Schema and `build` all read this).

faultline_api::protocol_options! {
    /// The transactional store's options.
    pub struct RaftTxnOptions {
        /// minimum Raft election timeout (maximum is twice it)
        election_timeout_ms: u64 = 150,
        /// Raft leader heartbeat interval
        heartbeat_ms: u64 = 50,
        /// applied entries between snapshots (0: never)
        snapshot_every: u64 = 64,
        /// most micro-operations in a random transaction
        txn_ops_max: u64 = 4,
        /// how long a client waits for an answer before trying another server
        client_retry_ms: u64 = 100,
    }
}
