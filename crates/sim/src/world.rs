//! The World: one single-threaded simulation of actors, network, disks, clocks and faults.
//!
//! `step` pops the earliest event and runs it; everything an actor does goes back into
//! the queue through its [`Context`]. The World alone owns randomness (one stream per
//! purpose), keeps true time, applies faults and records what happened.
//!
//! Architecture invariant: a run is a pure function of (actors, config, seed, fault
//! plan). Nothing here reads the wall clock, spawns a thread or iterates a hash map.

use crate::actor::Actor;
use crate::clock::NodeClock;
use crate::context::{Context, TimerId};
use crate::coverage::Reached;
use crate::crash_point::{ArmedPoint, ArmedPoints};
use crate::disk::{Disk, UnsyncedOnCrash};
use crate::fault::{AppliedFault, FaultAction, PartitionShape, Target};
use crate::halt::Halt;
use crate::instant_keys::InstantKeys;
use crate::network::{Fate, Network, NetworkConfig};
use crate::node::{NodeId, NodeRuntime, NodeStatus};
use crate::partition;
use crate::plan_stream::PlanStream;
use crate::planned_faults::PlannedFaults;
use crate::queue::{prefetch, Addressed, EventQueue};
use crate::read_log::ReadLog;
use crate::rng::{SimRng, Stream};
use crate::time::Nanos;
use crate::timers::{Due, Moved, Timers};
use crate::touches::Touches;
use crate::trace::{DropReason, Recorder, TraceEvent};
use disk_errors::DiskErrorState;

mod disk_errors;

/// How to build a World.
#[derive(Clone, Debug)]
pub struct WorldConfig {
    pub seed: u64,
    /// Servers are nodes `0..server_count`; the rest are clients.
    pub server_count: usize,
    pub client_count: usize,
    pub network: NetworkConfig,
    pub unsynced_on_crash: UnsyncedOnCrash,
    /// Keep every event in memory for export (costs memory; the hash is always kept).
    pub keep_trace: bool,
}

/// Something a node reported for the checkers, stamped with true time.
#[derive(Clone, Debug)]
pub struct Observed<O> {
    pub time_ns: Nanos,
    pub node: NodeId,
    pub value: O,
}

/// Counters for reports and benchmarks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub messages_sent: u64,
    pub messages_delivered: u64,
    pub messages_duplicated: u64,
    pub messages_dropped: u64,
    pub timers_fired: u64,
    pub faults_applied: u64,
}

pub(crate) enum Event<A: Actor> {
    Start {
        node: NodeId,
    },
    Deliver {
        from: NodeId,
        to: NodeId,
        incarnation: u32,
        msg: A::Msg,
    },
    Timer {
        node: NodeId,
        incarnation: u32,
        id: u64,
        timer: A::Timer,
    },
    Fault {
        index: u32,
    },
}

impl<A: Actor> Addressed for Event<A> {
    #[inline(always)]
    fn addressee(&self) -> Option<u32> {
        match self {
            Event::Start { node } | Event::Timer { node, .. } => Some(node.0),
            Event::Deliver { to, .. } => Some(to.0),
            Event::Fault { .. } => None,
        }
    }
}

/// Everything but the actors, so a handler can hold its actor and a Context at once.
pub struct Kernel<A: Actor> {
    pub(crate) now: Nanos,
    pub(crate) server_count: usize,
    pub(crate) queue: EventQueue<Event<A>>,
    /// Every message's fate, and the network's cuts.
    pub(crate) network: Network,
    /// Keys each handler's draws from its node's stream by node and time.
    pub(crate) handler_keys: InstantKeys,
    pub(crate) nodes: Vec<NodeRuntime>,
    pub(crate) clocks: Vec<NodeClock>,
    pub(crate) disks: Vec<Disk<A::Record>>,
    /// Every handler's draws: keyed per (node, instant) by `handler_keys`, so one
    /// generator serves every node (each `ctx.rng()` seeks before its first draw).
    pub(crate) handler_rng: SimRng,
    /// Messages held at a cut link (`hold_across_cut`), in the order they met it.
    pub(crate) held: Vec<Event<A>>,
    /// Deferred events of paused nodes, replayed in order when they resume.
    pub(crate) deferred: Vec<Vec<Event<A>>>,
    pub(crate) timers: Timers<A::Timer>,
    pub(crate) recorder: Recorder<A::Msg, A::Timer, A::Observation>,
    pub(crate) observations: ReadLog<Observed<A::Observation>>,
    pub(crate) stats: Stats,
    /// The situations handlers marked with `sometimes`: not events, not hashed.
    pub(crate) reached: Reached,
    /// Whether some disk has slow fsyncs: only then do handlers stall and nodes
    /// wait (`busy_until_ns`), so a run without them pays one test per event.
    pub(crate) slow_disks: bool,
    /// Crashes waiting for their node to reach a named point.
    pub(crate) armed_points: ArmedPoints,
    /// Set when the running handler passed an armed point or halted itself: from
    /// then on nothing it does reaches the world, and its node crashes when it
    /// returns. Boxed: the check on every send and handler is one pointer test.
    pub(crate) halt: Option<Box<Halt>>,
    /// The nodes whose version moved, in order, for checkers that visit only those.
    pub(crate) touches: Touches,
}

impl<A: Actor> Kernel<A> {
    /// Notes that `node`'s actor or status may have changed.
    #[inline]
    pub(crate) fn bump(&mut self, node: NodeId) {
        self.nodes[node.index()].version += 1;
        self.touches.touch(node);
    }

    /// Sends a message: the network decides its fate, the kernel carries it out.
    #[inline]
    pub(crate) fn send(&mut self, from: NodeId, to: NodeId, msg: A::Msg) {
        assert!(to.index() < self.nodes.len(), "send to unknown node {to}");
        self.stats.messages_sent += 1;
        let incarnation = self.nodes[to.index()].incarnation;
        let sent_ns = self.departure_ns(from);
        let (at_ns, copy_at_ns) = match self.network.fate_at_send(from, to, sent_ns) {
            Fate::Dropped(reason) => return self.drop_message(to, from, &msg, reason),
            Fate::Held => {
                let event = Event::Deliver {
                    from,
                    to,
                    incarnation,
                    msg,
                };
                return self.held.push(event);
            }
            Fate::Arrives { at_ns, copy_at_ns } => (at_ns, copy_at_ns),
        };
        if let Some(copy_at_ns) = copy_at_ns {
            self.stats.messages_duplicated += 1;
            let copy = Event::Deliver {
                from,
                to,
                incarnation,
                msg: msg.clone(),
            };
            self.queue.push(copy_at_ns, copy);
        }
        let event = Event::Deliver {
            from,
            to,
            incarnation,
            msg,
        };
        self.queue.push(at_ns, event);
    }

    /// When what `node`'s running handler does now takes effect: after the fsyncs
    /// it waited on so far.
    #[inline]
    fn departure_ns(&self, node: NodeId) -> Nanos {
        match self.slow_disks {
            true => self.now + self.disks[node.index()].stall_ns(),
            false => self.now,
        }
    }

    fn drop_message(&mut self, to: NodeId, from: NodeId, msg: &A::Msg, reason: DropReason) {
        self.stats.messages_dropped += 1;
        self.recorder.drop(self.now, to, from, msg, reason);
    }

    /// When a timer `node` sets now for `delay_ns` of its clock comes due.
    #[inline]
    fn timer_due_ns(&self, node: NodeId, delay_ns: Nanos) -> Nanos {
        let delay_ns = self.clocks[node.index()].true_delay(delay_ns);
        self.departure_ns(node).saturating_add(delay_ns)
    }

    #[inline]
    pub(crate) fn set_timer(&mut self, node: NodeId, delay_ns: Nanos, timer: A::Timer) -> TimerId {
        let at = self.timer_due_ns(node, delay_ns);
        let incarnation = self.nodes[node.index()].incarnation;
        let id = self.timers.add(at, incarnation);
        self.queue.push(
            at,
            Event::Timer {
                node,
                incarnation,
                id,
                timer,
            },
        );
        TimerId(id)
    }

    /// Moves `node`'s pending timer `id` to `delay_ns` from now, keeping its queued
    /// event (see `timers`); gives `timer` back when it must be queued anew.
    #[inline]
    pub(crate) fn move_timer(
        &mut self,
        node: NodeId,
        id: TimerId,
        delay_ns: Nanos,
        timer: A::Timer,
    ) -> Result<(), A::Timer> {
        let at = self.timer_due_ns(node, delay_ns);
        let incarnation = self.nodes[node.index()].incarnation;
        let queue = &mut self.queue;
        self.timers
            .try_move(id.0, incarnation, at, timer, || queue.reserve_sequence())
    }

    pub(crate) fn observe(&mut self, node: NodeId, value: A::Observation) {
        self.recorder.observe(self.now, node, &value);
        self.observations.push(Observed {
            time_ns: self.now,
            node,
            value,
        });
    }

    fn status(&self, node: NodeId) -> NodeStatus {
        self.nodes[node.index()].status
    }
}

/// A simulation of one actor type. See the module docs.
pub struct World<A: Actor> {
    kernel: Kernel<A>,
    actors: Vec<Option<A>>,
    factory: Box<dyn FnMut(NodeId) -> A>,
    fault_plan: Vec<FaultAction>,
    /// Faults planned before the run ([`World::plan_faults`]), out of the queue.
    planned: PlannedFaults,
    fault_rng: SimRng,
    unsynced_on_crash: UnsyncedOnCrash,
    applied: ReadLog<AppliedFault>,
    seed: u64,
    /// Failing disks and halted nodes (`disk_errors`).
    disk_errors: DiskErrorState,
    /// Whether clients crash too (`set_clients_crash`); otherwise a crash aimed at
    /// a client is skipped.
    clients_crash: bool,
}

impl<A: Actor> World<A> {
    /// Builds the nodes with `factory` and schedules their start at time zero.
    pub fn new(config: WorldConfig, mut factory: impl FnMut(NodeId) -> A + 'static) -> Self {
        let node_count = config.server_count + config.client_count;
        assert!(node_count > 0, "a world needs at least one node");
        let node_ids = (0..node_count as u32).map(NodeId);
        let actors = node_ids.clone().map(|id| Some(factory(id))).collect();
        let mut kernel = Kernel {
            now: 0,
            server_count: config.server_count,
            queue: EventQueue::default(),
            network: Network::new(config.network, node_count, config.seed),
            handler_keys: InstantKeys::new(),
            nodes: node_ids.clone().map(|_| NodeRuntime::new()).collect(),
            clocks: vec![NodeClock::default(); node_count],
            disks: node_ids.clone().map(|_| Disk::default()).collect(),
            // Its starting stream is never drawn from: every handler seeks first.
            handler_rng: SimRng::new(config.seed, Stream::Network),
            held: Vec::new(),
            deferred: node_ids.clone().map(|_| Vec::new()).collect(),
            timers: Timers::default(),
            recorder: Recorder::new(config.keep_trace),
            observations: ReadLog::default(),
            stats: Stats::default(),
            reached: Reached::default(),
            slow_disks: false,
            armed_points: ArmedPoints::new(),
            halt: None,
            touches: Touches::default(),
        };
        for id in node_ids {
            kernel.queue.push(0, Event::Start { node: id });
        }
        World {
            kernel,
            actors,
            factory: Box::new(factory),
            fault_plan: Vec::new(),
            planned: PlannedFaults::default(),
            fault_rng: SimRng::new(config.seed, Stream::Faults),
            unsynced_on_crash: config.unsynced_on_crash,
            applied: ReadLog::default(),
            seed: config.seed,
            disk_errors: DiskErrorState::default(),
            clients_crash: false,
        }
    }

    /// Makes every fsync of `nodes`' disks take from `ns_min` to `ns_max` (each
    /// disk draws from its own stream): a handler that fsyncs waits that long
    /// before what it does next takes effect, and its node handles nothing else
    /// meanwhile. Without it fsyncs are instant and nothing waits.
    pub fn set_slow_fsync(&mut self, ns_min: Nanos, ns_max: Nanos, nodes: &[NodeId]) {
        for &node in nodes {
            let rng = SimRng::new(self.seed, Stream::Disk { node: node.0 });
            self.kernel.disks[node.index()].set_slow_fsync(ns_min, ns_max, rng);
        }
        self.kernel.slow_disks |= !nodes.is_empty();
    }

    /// Schedules a fault at true time `at_ns`.
    pub fn schedule_fault(&mut self, at_ns: Nanos, action: FaultAction) {
        let index = u32::try_from(self.fault_plan.len()).expect("fewer than 2^32 faults");
        self.fault_plan.push(action);
        self.kernel
            .queue
            .push(at_ns.max(self.kernel.now), Event::Fault { index });
    }

    /// Schedules `faults` at their true times, in the order given, exactly as
    /// [`World::schedule_fault`] would, but keeps them out of the event queue until
    /// their turn: a whole run's plan costs a list, not a queued event each for the
    /// whole run.
    pub fn plan_faults(&mut self, faults: impl IntoIterator<Item = (Nanos, FaultAction)>) {
        let now = self.kernel.now;
        let queue = &mut self.kernel.queue;
        let planned: Vec<_> = faults
            .into_iter()
            .map(|(at_ns, action)| (at_ns.max(now), queue.reserve_sequence(), action))
            .collect();
        self.planned.add(planned);
    }

    /// Plans the nemesis's faults, drawn as they fall due ([`PlanStream`]): the
    /// same run as [`World::plan_faults`] of the whole plan at this point, without
    /// holding it. Its faults take the next sequence numbers, as they would have.
    pub fn plan_nemesis(&mut self, plan: PlanStream) {
        let queue = &mut self.kernel.queue;
        // Consecutive: the queue hands out sequence numbers one after another.
        let first = (0..plan.len()).map(|_| queue.reserve_sequence()).min();
        self.planned
            .add_stream(plan, first.unwrap_or(0), self.kernel.now);
    }

    /// True time.
    pub fn now(&self) -> Nanos {
        self.kernel.now
    }

    /// Events waiting in the queue, and planned faults still to come.
    pub fn pending_events(&self) -> usize {
        self.kernel.queue.len() + self.planned.len()
    }

    /// When the next event or planned fault falls due.
    pub fn peek_time(&self) -> Option<Nanos> {
        let planned = self.planned.next_key().map(|(at_ns, _)| at_ns);
        match (self.kernel.queue.peek_time(), planned) {
            (Some(queued), Some(planned)) => Some(queued.min(planned)),
            (queued, planned) => queued.or(planned),
        }
    }

    /// Runs every event up to and including `until_ns`, then sets the time to it.
    pub fn run_until(&mut self, until_ns: Nanos) {
        while self.peek_time().is_some_and(|t| t <= until_ns) {
            self.step();
        }
        self.kernel.now = self.kernel.now.max(until_ns);
    }

    /// Processes the earliest event. Returns `false` when nothing is left to do.
    pub fn step(&mut self) -> bool {
        if self.planned_fault_first() {
            let (at_ns, action) = self.planned.take().expect("a planned fault");
            self.advance_to(at_ns);
            self.apply_fault(action);
            return true;
        }
        let Some((time, event)) = self.kernel.queue.pop() else {
            return false;
        };
        self.advance_to(time);
        self.prefetch_next_addressee();
        match event {
            Event::Start { node } => self.start(node),
            Event::Deliver { .. } => self.deliver(event),
            Event::Timer { .. } => self.fire_timer(event),
            Event::Fault { index } => {
                let action = self.fault_plan[index as usize].clone();
                self.apply_fault(action);
            }
        }
        true
    }

    /// Moves the run's clock to `now`, where the next event happens.
    #[inline(always)]
    fn advance_to(&mut self, now: Nanos) {
        debug_assert!(now >= self.kernel.now, "time never goes backwards");
        self.kernel.now = now;
        self.kernel.handler_keys.forget_before(now);
        self.kernel.network.forget_keys_before(now);
    }

    /// Asks the processor for the state of the node the next event is for, so it
    /// arrives while this event is handled: at thousands of nodes that state is
    /// mostly not in cache, and handling an event began with waiting for it.
    #[inline(always)]
    fn prefetch_next_addressee(&self) {
        if let Some(node) = self.kernel.queue.next_addressee() {
            let node = node as usize;
            if let (Some(actor), Some(runtime)) =
                (self.actors.get(node), self.kernel.nodes.get(node))
            {
                prefetch(actor);
                prefetch(runtime);
            }
        }
    }

    /// Whether the next planned fault comes before the queue's earliest event, by
    /// (time, sequence) as the queue orders its own.
    #[inline]
    fn planned_fault_first(&self) -> bool {
        match (self.planned.next_key(), self.kernel.queue.peek_key()) {
            (Some(planned), Some(queued)) => planned < queued,
            (planned, _) => planned.is_some(),
        }
    }

    fn start(&mut self, node: NodeId) {
        if self.kernel.status(node) != NodeStatus::Up {
            return;
        }
        self.kernel.recorder.start(self.kernel.now, node);
        self.with_actor(node, |actor, ctx| actor.on_start(ctx));
    }

    /// The event back, unless its node is still busy with slow fsyncs: then it
    /// waits, in order, until the node is free.
    #[inline]
    fn unless_busy(&mut self, event: Event<A>) -> Option<Event<A>> {
        if !self.kernel.slow_disks {
            return Some(event);
        }
        let node = match &event {
            Event::Deliver { to, .. } => *to,
            Event::Timer { node, .. } => *node,
            _ => return Some(event),
        };
        let busy_until_ns = self.kernel.nodes[node.index()].busy_until_ns;
        if self.kernel.now >= busy_until_ns {
            return Some(event);
        }
        self.kernel.queue.push(busy_until_ns, event);
        None
    }

    #[inline]
    fn deliver(&mut self, event: Event<A>) {
        let Some(event) = self.unless_busy(event) else {
            return;
        };
        let Event::Deliver {
            from,
            to,
            incarnation,
            msg,
        } = event
        else {
            unreachable!("deliver takes deliveries")
        };
        let runtime = &self.kernel.nodes[to.index()];
        if runtime.status == NodeStatus::Crashed || runtime.incarnation != incarnation {
            self.kernel
                .drop_message(to, from, &msg, DropReason::NodeDown);
            return;
        }
        match self.kernel.network.fate_at_delivery(from, to) {
            Some(Fate::Dropped(reason)) => {
                return self.kernel.drop_message(to, from, &msg, reason);
            }
            Some(_held) => {
                let event = Event::Deliver {
                    from,
                    to,
                    incarnation,
                    msg,
                };
                return self.kernel.held.push(event);
            }
            None => {}
        }
        if runtime.status == NodeStatus::Paused {
            let event = Event::Deliver {
                from,
                to,
                incarnation,
                msg,
            };
            self.kernel.deferred[to.index()].push(event);
            return;
        }
        self.kernel.stats.messages_delivered += 1;
        self.kernel
            .recorder
            .deliver(self.kernel.now, to, from, &msg);
        self.with_actor(to, |actor, ctx| actor.on_message(ctx, from, msg));
    }

    #[inline]
    fn fire_timer(&mut self, event: Event<A>) {
        let Event::Timer { id, .. } = &event else {
            unreachable!("fire_timer takes timers")
        };
        match self.kernel.timers.due(*id) {
            Due::Fire => {}
            Due::Cancelled => return,
            Due::Moved(moved) => return self.requeue_moved_timer(event, moved),
        }
        let Some(event) = self.unless_busy(event) else {
            return;
        };
        let Event::Timer {
            node,
            incarnation,
            id,
            ..
        } = &event
        else {
            unreachable!("fire_timer takes timers")
        };
        let (node, incarnation, id) = (*node, *incarnation, *id);
        let runtime = &self.kernel.nodes[node.index()];
        if runtime.incarnation != incarnation || runtime.status == NodeStatus::Crashed {
            self.kernel.timers.remove(id);
            return;
        }
        if runtime.status == NodeStatus::Paused {
            self.kernel.deferred[node.index()].push(event);
            return;
        }
        self.kernel.timers.remove(id);
        let Event::Timer { timer, .. } = event else {
            unreachable!()
        };
        self.kernel.stats.timers_fired += 1;
        self.kernel.recorder.timer(self.kernel.now, node, &timer);
        self.with_actor(node, |actor, ctx| actor.on_timer(ctx, timer));
    }

    /// Queues a reset timer's event again where the reset moved it, in the order
    /// the reset reserved.
    fn requeue_moved_timer(&mut self, event: Event<A>, moved: Moved<A::Timer>) {
        let Event::Timer {
            node,
            incarnation,
            id,
            ..
        } = event
        else {
            unreachable!("fire_timer takes timers")
        };
        let event = Event::Timer {
            node,
            incarnation,
            id,
            timer: moved.timer,
        };
        self.kernel
            .queue
            .push_reserved(moved.at, moved.sequence, event);
    }

    #[inline]
    fn with_actor(&mut self, node: NodeId, handler: impl FnOnce(&mut A, &mut Context<'_, A>)) {
        self.with_context(node, handler);
    }

    /// Runs `handler` on a live node as if inside one of its event handlers: for tests,
    /// tools and drivers that need to poke a node (inject a send, read its clock).
    #[inline]
    pub fn with_context<R>(
        &mut self,
        node: NodeId,
        handler: impl FnOnce(&mut A, &mut Context<'_, A>) -> R,
    ) -> R {
        let actor = self.actors[node.index()]
            .as_mut()
            .expect("with_context needs a live node");
        self.kernel.bump(node);
        let mut ctx = Context {
            node,
            kernel: &mut self.kernel,
            rng_keyed: false,
        };
        let result = handler(actor, &mut ctx);
        if self.kernel.halt.is_some() {
            self.crash_halted(node);
            return result;
        }
        if self.kernel.slow_disks {
            let stall_ns = self.kernel.disks[node.index()].take_stall();
            if stall_ns > 0 {
                self.kernel.nodes[node.index()].busy_until_ns = self.kernel.now + stall_ns;
            }
        }
        result
    }

    // ----- faults -----

    /// Applies a fault now, resolving its targets, and records what was applied.
    pub fn apply_fault(&mut self, action: FaultAction) {
        if let FaultAction::CrashAtPoint { .. } = action {
            return self.arm_crash_point(action);
        }
        let (resolved, node, skipped) = match self.resolve_and_apply(action.clone()) {
            Ok((resolved, node)) => (resolved, node, None),
            Err(why) => (action, None, Some(why)),
        };
        if skipped.is_none() {
            self.kernel.stats.faults_applied += 1;
        }
        self.record_applied(resolved, node, skipped);
    }

    /// Records a fault as applied now (or skipped, and why) in the trace and timeline.
    fn record_applied(
        &mut self,
        action: FaultAction,
        node: Option<NodeId>,
        skipped: Option<String>,
    ) {
        let applied = AppliedFault {
            at_ns: self.kernel.now,
            action,
            skipped,
        };
        self.kernel.recorder.fault(self.kernel.now, node, &applied);
        self.applied.push(applied);
    }

    fn resolve_and_apply(
        &mut self,
        action: FaultAction,
    ) -> Result<(FaultAction, Option<NodeId>), String> {
        use FaultAction as F;
        match action {
            F::Partition(_) | F::Heal | F::Cut { .. } | F::HealCut(_) => {
                self.apply_network_fault(action)
            }
            F::Crash { .. }
            | F::Replace { .. }
            | F::Restart(_)
            | F::Pause { .. }
            | F::Resume(_) => self.apply_node_fault(action),
            F::ClockJump { .. } | F::ClockDrift { .. } => self.apply_clock_fault(action),
            F::Halt { .. } | F::Corrupt { .. } => self.apply_disk_error(action),
            F::RecoverAll => {
                self.recover_all();
                Ok((F::RecoverAll, None))
            }
            F::CrashAtPoint { .. } => unreachable!("armed, not applied at once"),
        }
    }

    /// A fault of the network: a partition, a cut, or a heal.
    fn apply_network_fault(
        &mut self,
        action: FaultAction,
    ) -> Result<(FaultAction, Option<NodeId>), String> {
        use FaultAction as F;
        match action {
            F::Partition(shape) => {
                let resolved = self.resolve_partition(shape)?;
                self.apply_partition(&resolved);
                Ok((F::Partition(resolved), None))
            }
            F::Heal => {
                self.kernel.network.partitions.heal();
                self.release_held();
                Ok((F::Heal, None))
            }
            F::Cut {
                shape,
                heal_after_ns,
            } => {
                let resolved = self.resolve_partition(shape)?;
                self.apply_partition(&resolved);
                if let Some(delay) = heal_after_ns {
                    let heal = F::HealCut(resolved.clone());
                    self.schedule_fault(self.kernel.now + delay, heal);
                }
                let shape = resolved;
                Ok((
                    F::Cut {
                        shape,
                        heal_after_ns,
                    },
                    None,
                ))
            }
            F::HealCut(shape) => {
                if !self.kernel.network.partitions.heal_cut(&shape) {
                    return Err(format!("no live cut {shape}"));
                }
                self.release_held();
                Ok((F::HealCut(shape), None))
            }
            other => unreachable!("not a network fault: {other:?}"),
        }
    }

    /// A fault of one node: a crash, a replacement, a pause, or the end of one.
    fn apply_node_fault(
        &mut self,
        action: FaultAction,
    ) -> Result<(FaultAction, Option<NodeId>), String> {
        use FaultAction as F;
        let node_of = |n: NodeId| Target::Node(n.0);
        match action {
            F::Crash {
                target,
                restart_after_ns,
            } => {
                let node = self.resolve(&target, |s| s != NodeStatus::Crashed)?;
                self.crashable(node)?;
                self.crash(node);
                self.restart_after(node, restart_after_ns);
                let resolved = F::Crash {
                    target: node_of(node),
                    restart_after_ns,
                };
                Ok((resolved, Some(node)))
            }
            F::Replace {
                target,
                restart_after_ns,
            } => {
                let node = self.replace(&target)?;
                self.restart_after(node, restart_after_ns);
                let resolved = F::Replace {
                    target: node_of(node),
                    restart_after_ns,
                };
                Ok((resolved, Some(node)))
            }
            F::Restart(target) => {
                let node = self.resolve(&target, |s| s == NodeStatus::Crashed)?;
                self.restart(node);
                Ok((F::Restart(node_of(node)), Some(node)))
            }
            F::Pause {
                target,
                resume_after_ns,
            } => {
                let node = self.resolve(&target, |s| s == NodeStatus::Up)?;
                self.kernel.nodes[node.index()].status = NodeStatus::Paused;
                self.kernel.bump(node);
                if let Some(delay) = resume_after_ns {
                    self.schedule_fault(self.kernel.now + delay, F::Resume(node_of(node)));
                }
                let resolved = F::Pause {
                    target: node_of(node),
                    resume_after_ns,
                };
                Ok((resolved, Some(node)))
            }
            F::Resume(target) => {
                let node = self.resolve(&target, |s| s == NodeStatus::Paused)?;
                self.resume(node);
                Ok((F::Resume(node_of(node)), Some(node)))
            }
            other => unreachable!("not a node fault: {other:?}"),
        }
    }

    /// A fault of one node's clock: a jump or a drift.
    fn apply_clock_fault(
        &mut self,
        action: FaultAction,
    ) -> Result<(FaultAction, Option<NodeId>), String> {
        use FaultAction as F;
        let node_of = |n: NodeId| Target::Node(n.0);
        match action {
            F::ClockJump { target, by_ns } => {
                let node = self.resolve(&target, |_| true)?;
                self.kernel.clocks[node.index()].jump(by_ns);
                let resolved = F::ClockJump {
                    target: node_of(node),
                    by_ns,
                };
                Ok((resolved, Some(node)))
            }
            F::ClockDrift { target, drift_ppm } => {
                let node = self.resolve(&target, |_| true)?;
                let now = self.kernel.now;
                self.kernel.clocks[node.index()].set_drift(now, drift_ppm);
                let resolved = F::ClockDrift {
                    target: node_of(node),
                    drift_ppm,
                };
                Ok((resolved, Some(node)))
            }
            other => unreachable!("not a clock fault: {other:?}"),
        }
    }

    /// Arms a crash at a point: it is applied, and recorded, when the node reaches
    /// it. A target that resolves to no live server is recorded as skipped now.
    fn arm_crash_point(&mut self, action: FaultAction) {
        let FaultAction::CrashAtPoint {
            target,
            point,
            restart_after_ns,
        } = action
        else {
            unreachable!("arms crash points only")
        };
        let node = self.resolve(&target, |s| s != NodeStatus::Crashed);
        match node.and_then(|node| self.crashable(node).map(|()| node)) {
            Ok(node) => self.kernel.armed_points.arm(ArmedPoint {
                node,
                point,
                restart_after_ns,
            }),
            Err(why) => {
                let action = FaultAction::CrashAtPoint {
                    target,
                    point,
                    restart_after_ns,
                };
                self.record_applied(action, None, Some(why));
            }
        }
    }

    /// Whether clients crash too: a restarted client must then come back as a new
    /// process (its protocol's clients restart). Off by default: a crash aimed at a
    /// client is skipped.
    pub fn set_clients_crash(&mut self, on: bool) {
        self.clients_crash = on;
    }

    /// Whether clients crash too (`set_clients_crash`).
    pub fn clients_crash(&self) -> bool {
        self.clients_crash
    }

    /// A server, or a client when clients crash too.
    fn crashable(&self, node: NodeId) -> Result<(), String> {
        if node.index() >= self.kernel.server_count && !self.clients_crash {
            return Err(format!("{node} is a client, and clients do not crash here"));
        }
        Ok(())
    }

    /// The running handler of `node` halted (`crate::halt`): the node crashes now.
    #[cold]
    #[inline(never)]
    fn crash_halted(&mut self, node: NodeId) {
        match *self.kernel.halt.take().expect("a halted handler") {
            Halt::AtPoint {
                point,
                restart_after_ns,
            } => self.crash_at_point(node, point, restart_after_ns),
            Halt::FailStop { why } => self.fail_stop(node, why),
        }
    }

    /// The running handler of `node` passed an armed point: its disk holds what it
    /// held there (frozen since), and the node crashes now.
    fn crash_at_point(&mut self, node: NodeId, point: String, restart_after_ns: Option<Nanos>) {
        self.crash(node);
        self.kernel.nodes[node.index()].crashed_mid_handler = true;
        self.kernel.stats.faults_applied += 1;
        self.restart_after(node, restart_after_ns);
        let action = FaultAction::CrashAtPoint {
            target: Target::Node(node.0),
            point,
            restart_after_ns,
        };
        self.record_applied(action, Some(node), None);
    }

    /// Schedules `node`'s restart `delay_ns` from now (`None`: it stays down until
    /// the fault period ends).
    fn restart_after(&mut self, node: NodeId, delay_ns: Option<Nanos>) {
        if let Some(delay) = delay_ns {
            let restart = FaultAction::Restart(Target::Node(node.0));
            self.schedule_fault(self.kernel.now + delay, restart);
        }
    }

    /// Crashes still armed when the fault period ends were never reached.
    fn expire_crash_points(&mut self) {
        for armed in self.kernel.armed_points.drain() {
            let why = format!("{} never reached point {}", armed.node, armed.point);
            let action = FaultAction::CrashAtPoint {
                target: Target::Node(armed.node.0),
                point: armed.point,
                restart_after_ns: armed.restart_after_ns,
            };
            self.record_applied(action, Some(armed.node), Some(why));
        }
    }

    fn crash(&mut self, node: NodeId) {
        let i = node.index();
        self.actors[i] = None;
        let runtime = &mut self.kernel.nodes[i];
        runtime.status = NodeStatus::Crashed;
        runtime.incarnation += 1;
        runtime.busy_until_ns = 0;
        runtime.crashed_mid_handler = false;
        self.kernel.bump(node);
        self.kernel.deferred[i].clear();
        self.kernel.disks[i].crash(self.unsynced_on_crash, &mut self.fault_rng);
    }

    /// Crashes a server (if it is not down already) and empties its disk.
    fn replace(&mut self, target: &Target) -> Result<NodeId, String> {
        let node = self.resolve(target, |_| true)?;
        if node.index() >= self.kernel.server_count {
            return Err(format!("{node} is a client; only servers are replaced"));
        }
        if self.kernel.status(node) != NodeStatus::Crashed {
            self.crash(node);
        }
        self.kernel.disks[node.index()].wipe();
        Ok(node)
    }

    fn restart(&mut self, node: NodeId) {
        let i = node.index();
        debug_assert_eq!(self.kernel.nodes[i].status, NodeStatus::Crashed);
        self.actors[i] = Some((self.factory)(node));
        self.kernel.nodes[i].status = NodeStatus::Up;
        self.kernel.bump(node);
        self.disks_on_restart(node);
        self.start(node);
    }

    fn resume(&mut self, node: NodeId) {
        let i = node.index();
        self.kernel.nodes[i].status = NodeStatus::Up;
        self.kernel.bump(node);
        let now = self.kernel.now;
        for event in std::mem::take(&mut self.kernel.deferred[i]) {
            self.kernel.queue.push(now, event);
        }
    }

    fn recover_all(&mut self) {
        self.expire_crash_points();
        self.end_disk_errors();
        self.kernel.network.partitions.heal();
        self.release_held();
        for i in 0..self.actors.len() {
            let node = NodeId(i as u32);
            match self.kernel.status(node) {
                NodeStatus::Crashed => self.restart(node),
                NodeStatus::Paused => self.resume(node),
                NodeStatus::Up => {}
            }
        }
    }

    /// Resolves a target to one node whose status passes `eligible`; `random` picks
    /// among the servers.
    fn resolve(
        &mut self,
        target: &Target,
        eligible: impl Fn(NodeStatus) -> bool,
    ) -> Result<NodeId, String> {
        match target {
            Target::Node(n) => {
                let node = NodeId(*n);
                if node.index() >= self.actors.len() {
                    return Err(format!("no node {n}"));
                }
                if !eligible(self.kernel.status(node)) {
                    let status = self.kernel.status(node);
                    return Err(format!("{node} is {status:?}"));
                }
                Ok(node)
            }
            Target::Random => {
                let candidates: Vec<NodeId> = (0..self.kernel.server_count as u32)
                    .map(NodeId)
                    .filter(|&n| eligible(self.kernel.status(n)))
                    .collect();
                self.fault_rng
                    .pick(&candidates)
                    .copied()
                    .ok_or_else(|| "no server to pick".to_string())
            }
            Target::Role(name) => self
                .holder_of(name)
                .filter(|&n| eligible(self.kernel.status(n)))
                .ok_or_else(|| format!("no {name}")),
        }
    }

    /// The live node claiming `role` with the highest rank (lowest index on ties), and
    /// that rank. Servers and clients alike: a role can be a client's (a lock client
    /// that believes it holds the lock claims `holder`), so faults can target it.
    pub fn holder_and_rank(&self, role: &str) -> Option<(NodeId, u64)> {
        holder_among(&self.actors, role)
    }

    /// The live node claiming `role` with the highest rank (lowest index on ties).
    pub fn holder_of(&self, role: &str) -> Option<NodeId> {
        self.holder_and_rank(role).map(|(node, _)| node)
    }

    /// Resolves a partition's shape to concrete nodes (the policy is `partition`'s).
    fn resolve_partition(&mut self, shape: PartitionShape) -> Result<PartitionShape, String> {
        let actors = &self.actors;
        let holder = |role: &str| holder_among(actors, role).map(|(node, _)| node.0);
        let nodes = partition::Nodes {
            node_count: actors.len(),
            server_count: self.kernel.server_count,
            role_holder: &holder,
        };
        partition::resolve(shape, &nodes, &mut self.fault_rng)
    }

    fn apply_partition(&mut self, resolved: &PartitionShape) {
        let links = partition::cut_links(resolved);
        self.kernel.network.partitions.cut(resolved.clone(), links);
    }

    /// Sends on every held message whose link is open again, now, in the order they
    /// were held; the rest keep waiting.
    fn release_held(&mut self) {
        let now = self.kernel.now;
        for event in std::mem::take(&mut self.kernel.held) {
            let Event::Deliver { from, to, .. } = &event else {
                unreachable!("only messages are held")
            };
            if self.kernel.network.partitions.is_blocked(*from, *to) {
                self.kernel.held.push(event);
            } else {
                self.kernel.queue.push(now, event);
            }
        }
    }

    // ----- inspection -----

    /// Every node's actor; `None` for a crashed node.
    pub fn actors(&self) -> &[Option<A>] {
        &self.actors
    }

    pub fn actor(&self, node: NodeId) -> Option<&A> {
        self.actors[node.index()].as_ref()
    }

    /// Changes whenever `node`'s actor may have changed or its status did: a checker
    /// that remembers it can skip nodes nothing happened to since its last look.
    pub fn node_version(&self, node: NodeId) -> u64 {
        self.kernel.nodes[node.index()].version
    }

    /// Every node whose version moved, in order: what `ChangeWatch` reads to visit
    /// only the nodes an event touched.
    pub fn touches(&self) -> &Touches {
        &self.kernel.touches
    }

    pub fn status(&self, node: NodeId) -> NodeStatus {
        self.kernel.status(node)
    }

    /// How many times `node` crashed (its incarnation): 0 for a node that has run
    /// since the start as one process.
    pub fn crash_count(&self, node: NodeId) -> u32 {
        self.kernel.nodes[node.index()].incarnation
    }

    /// Whether `node`'s last crash happened inside a handler (at a crash point, or
    /// because it halted), so its disk may hold more than it was seen to make
    /// durable between events: what that handler wrote before it stopped. A checker
    /// that compares a crashed disk with the node's last state holds such a node
    /// to less.
    pub fn crashed_mid_handler(&self, node: NodeId) -> bool {
        self.kernel.nodes[node.index()].crashed_mid_handler
    }

    pub fn disk(&self, node: NodeId) -> &Disk<A::Record> {
        &self.kernel.disks[node.index()]
    }

    pub fn clock(&self, node: NodeId) -> NodeClock {
        self.kernel.clocks[node.index()]
    }

    pub fn server_count(&self) -> usize {
        self.kernel.server_count
    }

    pub fn node_count(&self) -> usize {
        self.actors.len()
    }

    pub fn is_partitioned(&self) -> bool {
        self.kernel.network.partitions.is_partitioned()
    }

    /// The hash of every event so far: equal hashes, identical runs.
    pub fn trace_hash(&self) -> u64 {
        self.kernel.recorder.hash()
    }

    /// How many events were processed (deliveries, drops, timers, faults, starts, observations).
    pub fn event_count(&self) -> u64 {
        self.kernel.recorder.event_count()
    }

    pub fn stats(&self) -> &Stats {
        &self.kernel.stats
    }

    /// Every observation so far, in order. Panics in a run that forgot some
    /// ([`World::forget_read`]): a check that reads them whole needs every one.
    pub fn observations(&self) -> &[Observed<A::Observation>] {
        self.kernel.observations.all()
    }

    /// How many observations were made so far (forgotten ones too).
    pub fn observation_count(&self) -> usize {
        self.kernel.observations.len()
    }

    /// The observations from position `*cursor` on (0 for the first), moving the
    /// cursor past them: how a check reads them as they come, each once, and what
    /// lets a run forget them once read.
    pub fn unread_observations(&self, cursor: &mut usize) -> &[Observed<A::Observation>] {
        self.kernel.observations.unread(cursor)
    }

    /// The situations handlers marked with `ctx.sometimes`, and how often.
    pub fn reached(&self) -> &Reached {
        &self.kernel.reached
    }

    /// Every fault applied (or skipped) so far, with targets resolved. Panics in
    /// a run that forgot some ([`World::forget_read`]).
    pub fn applied_faults(&self) -> &[AppliedFault] {
        self.applied.all()
    }

    /// How many faults were applied or skipped so far (forgotten ones too).
    pub fn applied_fault_count(&self) -> usize {
        self.applied.len()
    }

    /// The applied faults from position `*cursor` on, moving the cursor past them
    /// (as [`World::unread_observations`]).
    pub fn unread_faults(&self, cursor: &mut usize) -> &[AppliedFault] {
        self.applied.unread(cursor)
    }

    /// Every fault applied so far and still kept, moved out: the world's own list
    /// is left empty (a run's outcome takes them once the world is done).
    pub fn take_applied_faults(&mut self) -> Vec<AppliedFault> {
        self.applied.take()
    }

    /// Drops the observations and applied faults made so far, for a run whose
    /// every reader has read them (with [`World::unread_observations`] and
    /// [`World::unread_faults`]): what keeps a long run's memory flat. Reading a
    /// forgotten entry afterwards panics rather than return less than there was.
    pub fn forget_read(&mut self) {
        if !self.kernel.observations.kept().is_empty() {
            self.kernel.observations.forget_kept();
        }
        if !self.applied.kept().is_empty() {
            self.applied.forget_kept();
        }
    }

    /// Whether [`World::forget_read`] dropped observations so far (the client
    /// history is then no longer whole).
    pub fn forgot_observations(&self) -> bool {
        self.kernel.observations.forgot_any()
    }

    /// The kept events (empty unless `keep_trace` was set).
    pub fn take_trace(&mut self) -> Vec<TraceEvent<A::Msg, A::Timer, A::Observation>> {
        self.kernel.recorder.take_events()
    }
}

/// The live actor claiming `role` with the highest rank (lowest index on ties), and
/// that rank.
fn holder_among<A: Actor>(actors: &[Option<A>], role: &str) -> Option<(NodeId, u64)> {
    let mut best: Option<(u64, NodeId)> = None;
    for (i, actor) in actors.iter().enumerate() {
        let Some(claimed) = actor.as_ref().and_then(|a| a.role()) else {
            continue;
        };
        if claimed.name == role && best.is_none_or(|(rank, _)| claimed.rank > rank) {
            best = Some((claimed.rank, NodeId(i as u32)));
        }
    }
    best.map(|(rank, node)| (node, rank))
}
