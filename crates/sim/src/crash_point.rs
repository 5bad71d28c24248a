//! Crash points: a crash that lands inside a handler, at a place the protocol names.
//!
//! Between events is not where most crash bugs live: they live between the fsync and
//! the reply, between the decision record and the second of three commit messages.
//! A protocol marks such places with `ctx.crash_point("after_fsync_before_reply")`
//! (in the spirit of FoundationDB's BUGGIFY); a scenario or the nemesis arms a crash
//! of a node at a named point ([`crate::FaultAction::CrashAtPoint`]). The next time
//! that node passes the point, its handler is *halted*: nothing it does from there on
//! reaches the world ([`crate::halt`]: sends and observations are discarded, the disk
//! frozen as it was at the point), and when the handler returns the node crashes as
//! any crashed node does (unsynced writes lost or torn). A point never reached by
//! the end of the fault period is recorded as a skipped fault.

use crate::node::NodeId;
use crate::time::Nanos;

/// A crash waiting for its node to reach a point.
#[derive(Clone, Debug)]
pub(crate) struct ArmedPoint {
    pub node: NodeId,
    pub point: String,
    pub restart_after_ns: Option<Nanos>,
}

/// Every armed crash point, in the order armed.
#[derive(Debug)]
pub(crate) struct ArmedPoints(Vec<ArmedPoint>);

impl ArmedPoints {
    pub fn new() -> Self {
        ArmedPoints(Vec::new())
    }

    pub fn arm(&mut self, armed: ArmedPoint) {
        self.0.push(armed);
    }

    /// The first crash armed for `node` at `point`, disarmed.
    #[inline]
    pub fn take(&mut self, node: NodeId, point: &str) -> Option<ArmedPoint> {
        if self.0.is_empty() {
            return None;
        }
        let i = self
            .0
            .iter()
            .position(|a| a.node == node && a.point == point)?;
        Some(self.0.remove(i))
    }

    /// Every crash still armed, disarmed (the fault period is over).
    pub fn drain(&mut self) -> Vec<ArmedPoint> {
        std::mem::take(&mut self.0)
    }
}
