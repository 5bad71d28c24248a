//! What lock nodes say to each other, what their timers carry, and what they write to
//! disk.
//!
//! Every request carries the client operation it belongs to (an [`Attempt`] for
//! acquisitions, an operation number otherwise), so a late or duplicated answer to an
//! operation the client has moved on from is recognised and ignored (or, for a grant
//! nobody wants any more, given back).

use faultline_sim::Nanos;
use serde::Serialize;

/// A fencing token: the number the lock service hands out with each grant, strictly
/// increasing, which the protected resource compares.
pub type Token = u64;

/// One acquisition attempt: the client node and its operation number. The owner a
/// lock server records, so a retry of the same attempt is recognised as the holder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Attempt {
    pub client: u32,
    pub op: u64,
}

/// A lease as a lock server holds it: whose it is, its token, and since when (by
/// this server's own clock). It lasts `ttl` from `since_ns` by that clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Lease {
    pub token: Token,
    pub owner: Attempt,
    pub since_ns: Nanos,
}

/// A lease as the primary replicates it: the backup stamps its own `since`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct ReplicatedLease {
    pub token: Token,
    pub owner: Attempt,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Msg {
    // ----- client ↔ the single (primary-backup) lock service -----
    Acquire {
        attempt: Attempt,
    },
    Granted {
        attempt: Attempt,
        token: Token,
    },
    /// Someone else holds the lock.
    Busy {
        attempt: Attempt,
    },
    /// This server is not the primary; try `hint`.
    NotPrimary {
        op: u64,
        hint: u32,
    },
    /// Give back the lease with this token (the owner check: only that lease goes).
    Release {
        op: u64,
        token: Token,
    },
    Released {
        op: u64,
    },

    // ----- primary ↔ backup -----
    /// The primary's whole lock state, sent on every grant and as its heartbeat.
    /// `solo`: the primary answers grants without waiting for the backup, so a backup
    /// that adopts this state must not take over with it.
    Replicate {
        epoch: u64,
        counter: Token,
        lease: Option<ReplicatedLease>,
        solo: bool,
    },
    /// The backup holds the state up to `counter` of `epoch`, durably.
    ReplicateAck {
        epoch: u64,
        counter: Token,
    },
    /// The sender is at a higher epoch: the receiver is no longer primary.
    Fence {
        epoch: u64,
    },

    // ----- client ↔ Redlock servers -----
    /// Set the lock key for this attempt if it is free (SET NX PX ttl).
    Lock {
        attempt: Attempt,
    },
    /// The key was set with this token, or (`None`) is held by someone else.
    Locked {
        attempt: Attempt,
        token: Option<Token>,
    },
    /// The attempt won with `token`: count past it from now on.
    Raise {
        attempt: Attempt,
        token: Token,
    },
    Raised {
        attempt: Attempt,
    },
    /// Delete the key if this attempt owns it (and count past `token`).
    Unlock {
        attempt: Attempt,
        token: Token,
    },
    Unlocked {
        attempt: Attempt,
    },

    // ----- client ↔ the protected resource -----
    Write {
        op: u64,
        token: Token,
        value: String,
    },
    /// The write was accepted, or rejected because `highest` was accepted before.
    WriteReply {
        op: u64,
        accepted: bool,
        highest: Token,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timer {
    // ----- clients -----
    /// Time to invoke the next operation.
    NextOp,
    /// No answer for operation `op` yet: ask again (another server, for the single
    /// service; the silent servers, for Redlock).
    Retry { op: u64 },
    /// Acquisition `op` took too long: give up.
    AcquireTimeout { op: u64 },
    /// The value for write `op` is ready: send it.
    WorkDone { op: u64 },
    /// The lease with this token ends by the client's clock.
    LeaseEnd { token: Token },
    // ----- primary-backup servers -----
    /// Heartbeat (primary) or failure detection (backup).
    Tick,
}

/// What nodes persist. Lock servers write their whole state after each change and
/// fsync before any reply that depends on it; the resource logs each accepted write.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Record {
    Single(crate::lock::single::SingleState),
    Redlock(crate::lock::redlock::RedlockState),
    Accepted(crate::lock::fence::AcceptedWrite),
}
