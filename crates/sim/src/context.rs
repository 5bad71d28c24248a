//! The Context: everything an actor may touch while it handles an event.
//!
//! A protocol sees the world only through this: its own id and clock, its random
//! stream, sending, timers, its disk, observations for the checkers, and coverage
//! marks (`sometimes`). Effects go straight into the World's queue; the network
//! decides latency, loss and cuts. A node that cannot go on safely (an fsync
//! failed) halts: what its handler does after `halt` is discarded, and the World
//! crashes it when the handler returns.

use crate::actor::Actor;
use crate::disk::Disk;
use crate::halt::Halt;
use crate::instant_keys::InstantKeys;
use crate::node::NodeId;
use crate::rng::{SimRng, Stream};
use crate::time::Nanos;
use crate::world::Kernel;

/// Names a pending timer so it can be cancelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimerId(pub u64);

pub struct Context<'a, A: Actor> {
    pub(crate) node: NodeId,
    pub(crate) kernel: &'a mut Kernel<A>,
    /// Whether this handler's node stream has been moved to its key yet.
    pub(crate) rng_keyed: bool,
}

impl<A: Actor> Context<'_, A> {
    /// This node's id.
    pub fn id(&self) -> NodeId {
        self.node
    }

    /// This node's clock reading (skewed and drifting if the scenario says so).
    pub fn now(&self) -> Nanos {
        self.kernel.clocks[self.node.index()].local(self.kernel.now)
    }

    /// All nodes, servers first, then clients.
    pub fn node_count(&self) -> usize {
        self.kernel.nodes.len()
    }

    /// Servers are nodes `0..server_count`.
    pub fn server_count(&self) -> usize {
        self.kernel.server_count
    }

    /// How many times this node has crashed before (0 on its first start). A
    /// restarted client takes a fresh identity from it, as a new process would.
    pub fn incarnation(&self) -> u32 {
        self.kernel.nodes[self.node.index()].incarnation
    }

    /// This node's own random stream. What one handler draws depends only on the
    /// node and the instant, not on what earlier handlers drew, so an election
    /// timeout drawn at a given moment is the same however many messages came before.
    pub fn rng(&mut self) -> &mut SimRng {
        let rng = &mut self.kernel.handler_rng;
        if !self.rng_keyed {
            self.rng_keyed = true;
            let (node, now) = (self.node, self.kernel.now);
            let nth = self.kernel.handler_keys.nth(node, 0, now);
            rng.seek(
                Stream::Handler { node: node.0, nth },
                InstantKeys::block(now),
            );
        }
        rng
    }

    /// Hands a message to the network.
    #[inline]
    pub fn send(&mut self, to: NodeId, msg: A::Msg) {
        if self.kernel.halt.is_some() {
            return; // the node crashed at a point, or halted, earlier in this handler
        }
        self.kernel.send(self.node, to, msg);
    }

    /// Fires `timer` after `delay_ns` of this node's clock.
    #[inline]
    pub fn set_timer(&mut self, delay_ns: Nanos, timer: A::Timer) -> TimerId {
        if self.kernel.halt.is_some() {
            return TimerId(u64::MAX); // never pending: the node is about to crash
        }
        self.kernel.set_timer(self.node, delay_ns, timer)
    }

    /// Replaces the timer kept in `slot` (cancelling it if pending) with a new one.
    /// A pending timer moved later keeps its id and its place in the queue (see
    /// `timers`): it fires exactly when a new one would have.
    pub fn reset_timer(
        &mut self,
        slot: &mut Option<TimerId>,
        delay_ns: Nanos,
        mut timer: A::Timer,
    ) {
        if let Some(old) = slot.take() {
            if self.kernel.halt.is_none() {
                match self.kernel.move_timer(self.node, old, delay_ns, timer) {
                    Ok(()) => return *slot = Some(old),
                    Err(given_back) => timer = given_back,
                }
            }
            self.cancel_timer(old);
        }
        *slot = Some(self.set_timer(delay_ns, timer));
    }

    /// Cancels a pending timer; cancelling one that already fired is harmless.
    #[inline]
    pub fn cancel_timer(&mut self, id: TimerId) {
        self.kernel.timers.cancel(id.0);
    }

    /// This node's disk.
    pub fn disk(&mut self) -> &mut Disk<A::Record> {
        &mut self.kernel.disks[self.node.index()]
    }

    /// Reports something for the checkers (a client invoking or completing an operation).
    pub fn observe(&mut self, observation: A::Observation) {
        if self.kernel.halt.is_none() {
            self.kernel.observe(self.node, observation);
        }
    }

    /// Stops this node (fail-stop): nothing it does after this point in the
    /// handler reaches the world (sends, timers, disk writes and syncs,
    /// observations are discarded), and when the handler returns the World crashes
    /// it, recording the halt and `why`. It restarts like any crashed node: after
    /// a drawn time, or at the end of the fault period. The correct answer to an
    /// fsync that failed: never acknowledge, vote or reply on what is not durable.
    pub fn halt(&mut self, why: impl std::fmt::Display) {
        if self.kernel.halt.is_none() {
            let why = why.to_string();
            self.stop_here(Halt::FailStop { why });
        }
    }

    /// Whether this node halted in the running handler.
    pub fn is_halted(&self) -> bool {
        self.kernel.halt.is_some()
    }

    /// Fsyncs this node's disk and halts if the fsync fails: the fail-stop way to
    /// make a write durable. Returns whether it is (after a halt, nothing the
    /// handler does next takes effect, so callers may carry on).
    pub fn fsync_or_halt(&mut self) -> bool {
        let synced = self.disk().fsync();
        if let Err(error) = synced {
            self.halt(error);
        }
        synced.is_ok()
    }

    /// Notes that this run reached `situation`, an interesting path worth covering
    /// (a conflicting suffix truncated, a recovery from disk). Cheap, and invisible
    /// to the run: it changes neither the trace nor its hash. A campaign reports how
    /// many seeds reached each situation the protocol declares, and names those none
    /// did. Pass a `pub const` the protocol also lists in `Protocol::situations`.
    #[inline]
    pub fn sometimes(&mut self, situation: &'static str) {
        self.kernel.reached.mark(situation);
    }

    /// Marks a place inside a handler where a crash is interesting (between an fsync
    /// and the reply it allows, between two of a decision's messages). Pass a `pub
    /// const` the protocol also lists in `Protocol::crash_points`. Nothing happens
    /// unless a scenario or the nemesis armed a crash of this node at this point:
    /// then the node crashes here. The handler runs on to its end (write nothing
    /// that assumes otherwise), but nothing it does from here on reaches the world:
    /// its sends and observations are discarded and its disk keeps what it held
    /// at the point. The check is one branch while nothing is armed.
    #[inline]
    pub fn crash_point(&mut self, point: &'static str) {
        if self.kernel.halt.is_some() {
            return;
        }
        let Some(armed) = self.kernel.armed_points.take(self.node, point) else {
            return;
        };
        self.stop_here(Halt::AtPoint {
            point: armed.point,
            restart_after_ns: armed.restart_after_ns,
        });
    }

    /// From here on nothing this handler does reaches the world: its disk is
    /// frozen, and sends, timers and observations are dropped until the World
    /// crashes the node as the handler returns.
    #[cold]
    fn stop_here(&mut self, halt: Halt) {
        self.kernel.disks[self.node.index()].freeze();
        self.kernel.halt = Some(Box::new(halt));
    }
}
