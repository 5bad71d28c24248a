//! A handler that stops its node partway: the one mechanism behind crash points and
//! fail-stop.
//!
//! Two things can end a node inside one of its handlers. A crash armed at a named
//! point fires when the handler passes it ([`crate::crash_point`]); or the protocol
//! itself calls `Context::halt` because it cannot go on safely (an fsync failed, a
//! record on disk is corrupt). Either way the same thing happens: from that moment
//! nothing the handler does reaches the world (sends, timers and observations are
//! dropped, the disk is frozen so later writes never land), and when the handler
//! returns the World crashes the node and records why. Keeping one kernel field for
//! both makes the per-send check a single pointer test.

use crate::time::Nanos;

/// Why the running handler's node stops when the handler returns.
#[derive(Debug)]
pub(crate) enum Halt {
    /// It passed a crash point armed for it: a fault, restarting as armed.
    AtPoint {
        point: String,
        restart_after_ns: Option<Nanos>,
    },
    /// The protocol stopped itself (`Context::halt`), for this reason.
    FailStop { why: String },
}
