//! The situations a saga run should reach: interesting paths its nodes mark with
//! `ctx.sometimes(..)`. A fuzz campaign names those no seed reached, a hole in its
//! scenario. Call sites use these constants, so a misspelt name does not compile.

pub const ORCHESTRATOR_RECOVERED: &str = "a restarted orchestrator recovered its outbox";
pub const RESENT_AFTER_RESTART: &str =
    "a restarted orchestrator resent a pending command from its outbox";
pub const RESENT_UNANSWERED_COMMAND: &str = "the orchestrator resent a command still unanswered";
pub const IGNORED_STALE_REPLY: &str = "the orchestrator ignored a duplicate or late reply";
pub const REFUSED_AT_PIVOT: &str = "a saga was refused at its pivot (no delivery slot)";
pub const COMPENSATING: &str = "a saga compensated a step it had done";
pub const CANCELLED_AFTER_COMPENSATING: &str = "a saga was cancelled after compensating";
pub const RETRY_TOLD_THE_END: &str = "a customer's retry was told how its saga ended";
pub const SERVICE_ANSWERED_FROM_TABLE: &str =
    "a service answered a redelivered command from its table";
pub const SERVICE_RECOVERED: &str = "a restarted service rebuilt its books from its table";
pub const CUSTOMER_RETRIED: &str = "a customer sent an unanswered order again";

pub const SITUATIONS: &[&str] = &[
    ORCHESTRATOR_RECOVERED,
    RESENT_AFTER_RESTART,
    RESENT_UNANSWERED_COMMAND,
    IGNORED_STALE_REPLY,
    REFUSED_AT_PIVOT,
    COMPENSATING,
    CANCELLED_AFTER_COMPENSATING,
    RETRY_TOLD_THE_END,
    SERVICE_ANSWERED_FROM_TABLE,
    SERVICE_RECOVERED,
    CUSTOMER_RETRIED,
];
