//! What a scenario may set for a two-phase commit run: the workload, the bank's size and
//! the protocol's timing, with their defaults, declared once (listing, validation, the
//! JSON Schema and `build` all read this).

faultline_api::option_choices! {
    /// What the clients run.
    pub enum TwoPcWorkload { Bank = "bank", ListAppend = "list_append" }
}

faultline_api::protocol_options! {
    /// Two-phase commit's options.
    pub struct TwoPcOptions {
        /// "bank": transfers between accounts, checked by the books; "list_append":
        /// transactions of appends and reads over workload.keys keys, checked strict
        /// serializable
        workload: TwoPcWorkload = TwoPcWorkload::Bank,
        /// bank accounts a0, a1, ..., spread round-robin over the participants
        accounts: u64 = 8,
        /// what each account holds at the start
        initial_balance: u64 = 100,
        /// largest amount a random transfer moves
        amount_max: u64 = 30,
        /// list_append: most micro-operations in a random transaction
        txn_ops_max: u64 = 4,
        /// attempts a client makes at a transfer before giving up
        attempts_max: u64 = 3,
        /// the coordinator aborts an attempt whose votes are not all in by then
        vote_timeout_ms: u64 = 200,
        /// how often decisions are resent and prepared participants ask
        resend_ms: u64 = 50,
    }
}
