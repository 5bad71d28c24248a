//! How a two-phase commit run is set up: the bank, the timeouts, and the bugs on.

use crate::list_append::TxnShape;
use crate::twopc::bank::Bank;
use crate::twopc::bugs::TwoPcBugs;
use faultline_sim::Nanos;

#[derive(Clone, Debug, PartialEq)]
pub struct TwoPcConfig {
    pub bank: Bank,
    /// The coordinator aborts an attempt whose votes have not all arrived by then.
    pub vote_timeout_ns: Nanos,
    /// Coordinator: how often unacknowledged decisions are sent again. Participant:
    /// how often it asks about prepared transactions still undecided.
    pub resend_ns: Nanos,
    /// How long a prepared participant waits before the `participant_timeout_abort`
    /// bug gives up on the coordinator.
    pub decision_patience_ns: Nanos,
    /// How often writes made without an fsync are flushed (the lazily-syncing bugs).
    pub group_commit_ns: Nanos,
    /// Attempts a client makes at a transfer before it gives up on it.
    pub attempts_max: u32,
    /// Largest amount a random transfer moves.
    pub amount_max: i64,
    /// The list-append workload's transactions; `None`: the clients make transfers.
    pub txn: Option<TxnShape>,
    pub bugs: TwoPcBugs,
}
