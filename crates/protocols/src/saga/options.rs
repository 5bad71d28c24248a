//! What a scenario may set for a saga run: the shop's size and the retry timing, with
//! their defaults, declared once (listing, validation, the JSON Schema and `build` all
//! read this).

faultline_api::protocol_options! {
    /// The saga's options.
    pub struct SagaOptions {
        /// units of each item on hand at the start
        stock_per_item: u64 = 50,
        /// each customer's money at the start
        balance: u64 = 250,
        /// price of one unit of any item
        price: u64 = 5,
        /// deliveries the delivery service can schedule in all
        delivery_slots: u64 = 100,
        /// orchestrator: resend a command (same id) after this long without a reply
        command_retry_ms: u64 = 100,
        /// customer: resend an order (same request id) after this long without an answer
        order_retry_ms: u64 = 300,
    }
}
