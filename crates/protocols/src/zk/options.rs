//! What a scenario may set for a zk run: session and Raft timing and the lock
//! clients' pace, with their defaults, declared once (listing, validation, the JSON
//! Schema and `build` all read this).

faultline_api::protocol_options! {
    /// The coordination service's options.
    pub struct ZkOptions {
        /// a session expires when the leader has not applied a heartbeat from it for
        /// this long (by the leader's clock)
        session_timeout_ms: u64 = 1000,
        /// minimum Raft election timeout (maximum is twice it)
        election_timeout_ms: u64 = 150,
        /// Raft leader heartbeat, also how often the leader looks for expired sessions
        heartbeat_ms: u64 = 50,
        /// longest time a holder prepares a write after deciding to make it
        work_ms: u64 = 200,
        /// a waiter gives up (deletes its node) after waiting this long
        acquire_timeout_ms: u64 = 2500,
        /// a waiter lists the children again this often, in case a watch
        /// notification was lost
        recheck_ms: u64 = 400,
    }
}
