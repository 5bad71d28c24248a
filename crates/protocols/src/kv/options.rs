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

/// The longest retry wait a scenario may set: a day.
const RETRY_MS_MAX: u64 = 86_400_000;

impl KvClientOptions {
    /// Refuses values a client cannot run with: a share of appends past 100 percent,
    /// a first retry wait of zero, or retry waits past a day. A protocol hosting the
    /// client calls it from `build`.
    pub fn check(&self) -> Result<(), faultline_api::SetupError> {
        let invalid = |why: String| Err(faultline_api::SetupError::Invalid(why));
        if self.append_percent > 100 {
            return invalid("append_percent must be 0 to 100".into());
        }
        if !(1..=RETRY_MS_MAX).contains(&self.client_retry_ms) {
            return invalid(format!("client_retry_ms must be 1 to {RETRY_MS_MAX}"));
        }
        if self.client_retry_max_ms > RETRY_MS_MAX {
            return invalid(format!(
                "client_retry_max_ms must be at most {RETRY_MS_MAX}"
            ));
        }
        Ok(())
    }
}
