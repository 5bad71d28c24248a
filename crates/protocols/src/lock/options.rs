//! What a scenario may set for a lock run: the lock service and the lease timing, with
//! their defaults, declared once (listing, validation, the JSON Schema and `build` all
//! read this).

faultline_api::option_choices! {
    /// Which lock service protects the resource.
    pub enum Service {
        /// Node 0 the primary lock server, node 1 its backup, node 2 the resource.
        Single = "single",
        /// Nodes `0..N` independent lock servers, node N the resource.
        Redlock = "redlock",
    }
}

faultline_api::protocol_options! {
    /// The lock's options.
    pub struct LockOptions {
        /// "single": node 0 primary lock server, 1 its backup, 2 the resource (3 nodes);
        /// "redlock": nodes 0..N-1 independent lock servers, node N the resource
        service: Service = Service::Single,
        /// lease length, by the lock server's clock
        ttl_ms: u64 = 1000,
        /// what clients take off their validity for clock error between them and the
        /// servers (at most a third of the ttl; null: ttl/50 + 2)
        drift_allowance_ms: Option<u64> = None,
        /// longest time a client prepares a write after deciding to make it
        work_ms: u64 = 200,
        /// primary → backup heartbeat
        heartbeat_ms: u64 = 50,
        /// silence from the primary after which the backup takes over
        failover_ms: u64 = 300,
    }
}
