//! Two-phase commit's safety properties (the atomic commitment conditions AC1–AC5 of
//! Bernstein, Hadzilacos & Goodman, plus durability and the bank's books), declared
//! once: `invariants` raises violations only through these, named bugs cite them,
//! and `faultline list protocols` shows them.

use crate::property::Property;

pub const AGREEMENT: Property = Property::new(
    "agreement",
    "no two processes reach different outcomes for one attempt (AC1)",
);
pub const NO_REVERSAL: Property = Property::new(
    "no_reversal",
    "a process never changes its outcome for an attempt, across restarts too (AC2)",
);
pub const COMMIT_NEEDS_ALL_YES: Property = Property::new(
    "commit_needs_all_yes",
    "the coordinator commits only after every participant involved voted yes (AC3)",
);
pub const ABORT_WITHOUT_CAUSE: Property = Property::new(
    "abort_without_cause",
    "holding every yes vote, with no fault since the attempt began, it commits (AC4)",
);
pub const ALL_DECIDED: Property = Property::new(
    "all_decided",
    "at the end every attempt begun is decided and no participant is prepared (AC5)",
);
pub const PREPARED_DURABLE: Property = Property::new(
    "prepared_durable",
    "a participant's PREPARED record is on disk before its yes vote leaves",
);
pub const DECISION_DURABLE: Property = Property::new(
    "decision_durable",
    "the coordinator's decision is on disk before it is sent",
);
pub const LOCKS_HELD_BY_PREPARED: Property = Property::new(
    "locks_held_by_prepared",
    "a participant's write locks (on accounts, or keys appended to) are held exactly by its \
     prepared attempts, each released when its attempt resolves",
);
pub const MONEY_CONSERVED: Property = Property::new(
    "money_conserved",
    "at the end the balances add up to what the bank started with",
);

pub const BALANCES_AS_TOLD: Property = Property::new(
    "balances_as_told",
    "at the end every account holds its opening balance plus the transfers its clients \
     were told committed (those told aborted moved nothing)",
);

pub const PROPERTIES: &[Property] = &[
    AGREEMENT,
    NO_REVERSAL,
    COMMIT_NEEDS_ALL_YES,
    ABORT_WITHOUT_CAUSE,
    ALL_DECIDED,
    PREPARED_DURABLE,
    DECISION_DURABLE,
    LOCKS_HELD_BY_PREPARED,
    MONEY_CONSERVED,
    BALANCES_AS_TOLD,
];
