//! The situations a lock run should reach: interesting paths its servers, resource
//! and clients mark with `ctx.sometimes(..)`. A fuzz campaign names those no seed
//! reached, a hole in its scenario. One protocol, two services: the primary-backup
//! ones (epochs, takeover, owner check) are reached only by single-service
//! scenarios, `REDLOCK_NO_MAJORITY` only by Redlock scenarios. Call sites use these
//! constants, so a misspelt name does not compile.

pub const SERVER_RECOVERED: &str = "a restarted lock server recovered its state from disk";
pub const RETRY_GOT_SAME_LEASE: &str = "a retried acquire got the same lease again";
pub const REFUSED_WHILE_LEASE_LIVE: &str = "an acquire was refused while a lease was live";
pub const GRANTED_OVER_EXPIRED_LEASE: &str =
    "a lease (or Redlock key) was granted over one that had expired";
pub const RELEASE_OWNER_CHECK_REFUSED: &str =
    "a release of another lease (or Redlock key) deleted nothing";
pub const BACKUP_TOOK_OVER: &str = "the backup took over as primary";
pub const STALE_PRIMARY_FENCED: &str = "a stale primary heard of a newer epoch and stepped down";
pub const WRITE_FENCED_OFF: &str = "the resource refused a write with a stale token";
pub const RESOURCE_RECOVERED: &str = "a restarted resource recovered its accepted writes";
pub const LEASE_RAN_OUT: &str = "a client's lease ran out before it released";
pub const WROTE_AFTER_LEASE: &str = "a client sent a write after its lease had ended";
pub const GRANT_TOO_LATE: &str = "a grant arrived too late to use and was given back";
pub const UNWANTED_GRANT_RETURNED: &str = "a grant for an abandoned attempt was given back";
pub const ACQUIRE_TIMED_OUT: &str = "an acquire timed out unanswered";
pub const REDLOCK_NO_MAJORITY: &str = "a Redlock attempt lost the majority and unlocked everywhere";

pub const SITUATIONS: &[&str] = &[
    SERVER_RECOVERED,
    RETRY_GOT_SAME_LEASE,
    REFUSED_WHILE_LEASE_LIVE,
    GRANTED_OVER_EXPIRED_LEASE,
    RELEASE_OWNER_CHECK_REFUSED,
    BACKUP_TOOK_OVER,
    STALE_PRIMARY_FENCED,
    WRITE_FENCED_OFF,
    RESOURCE_RECOVERED,
    LEASE_RAN_OUT,
    WROTE_AFTER_LEASE,
    GRANT_TOO_LATE,
    UNWANTED_GRANT_RETURNED,
    ACQUIRE_TIMED_OUT,
    REDLOCK_NO_MAJORITY,
];
