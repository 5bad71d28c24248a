//! The key-value client's options, one declaration shared by every protocol that hosts
//! the client (each names it in its own options as `..client`).

faultline_api::protocol_options! {
    /// How a key-value client retries and what its random writes are.
    pub struct KvClientOptions {
        /// how long a key-value client waits for an answer before its first retry (each
        /// further retry of the same command waits up to twice as long, at random)
        client_retry_ms: u64 = 100,
        /// the longest a key-value client waits before a retry (above client_retry_ms:
        /// retries back off at random)
        client_retry_max_ms: u64 = 100,
        /// share of a client's random writes that are appends rather than puts, in percent
        append_percent: u64 = 50,
    }
}
