//! What a scenario may set for a two-phase commit run: the bank's size and the
//! protocol's timing, with their defaults, declared once (listing, validation, the JSON
//! Schema and `build` all read this).

faultline_api::protocol_options! {
    /// Two-phase commit's options.
    pub struct TwoPcOptions {
        /// bank accounts a0, a1, ..., spread round-robin over the participants
        accounts: u64 = 8,
        /// what each account holds at the start
        initial_balance: u64 = 100,
        /// largest amount a random transfer moves
        amount_max: u64 = 30,
        /// attempts a client makes at a transfer before giving up
        attempts_max: u64 = 3,
        /// the coordinator aborts an attempt whose votes are not all in by then
        vote_timeout_ms: u64 = 200,
        /// how often decisions are resent and prepared participants ask
        resend_ms: u64 = 50,
    }
}
