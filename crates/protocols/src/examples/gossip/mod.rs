//! Gossip: rumor spreading by random push. Every `interval` of its clock a node
//! starts a rumor with chance 1/nodes (so the cluster starts one per interval on
//! average, whatever its size); a node that hears a rumor for the first time hands
//! it to its application and forwards it to `fanout` peers drawn from its random
//! stream, and never again. Each rumor reaches most of the cluster in about
//! log(nodes)/log(fanout + 1) hops, with about `fanout` messages per node.
//!
//! Events per simulated second are about `nodes * (1 + fanout) / interval` (a tick
//! per node per interval, `fanout` forwards per node per rumor), so the work of a
//! fixed duration grows with the cluster in proportion and events per wall second
//! show what one event costs at each size: the kernel's scaling benchmark
//! (`benches/scale/`), up to 10,000 nodes.
//!
//! Read it after broadcast for the rest of the Actor API (`node.rs`): random choices
//! from `ctx.rng()` only, and state bounded per node (`memory.rs`), so memory is
//! linear in nodes however long a run. Its invariant (`delivered_once`) is read
//! from a record kept apart from the gossip layer (`audit.rs`), and the named bug
//! `gossip.forget_without_floor` (a memory that forgets without refusing what it
//! forgot) shows it failing.

pub mod audit;
pub mod memory;
pub mod node;

use crate::bugs::{BugInfo, Bugs};
use crate::property::Property;
use crate::protocol::{Protocol, Setup, SetupError, Violation};
use faultline_sim::{NodeId, World};
use node::{GossipConfig, GossipNode, FANOUT_MAX};

/// Its one safety property.
pub const DELIVERED_ONCE: Property = Property::new(
    "delivered_once",
    "no node hands its application a rumor twice, nor one older than every rumor it has \
        forgotten (which it could not tell from a repeat)",
);

pub const BUGS: &[BugInfo] = &[BugInfo {
    name: "gossip.forget_without_floor",
    mechanism: "a node's bounded memory forgets its oldest rumor without refusing rumors that \
        old from then on, so a late copy (held by a partition, duplicated) is news again",
    violates: &[DELIVERED_ONCE.name],
    scenario: "nemesis",
}];

faultline_api::protocol_options! {
    /// The gossip example's options.
    pub struct GossipOptions {
        /// microseconds between a node's ticks (each starts a rumor with chance 1/nodes)
        interval_us: u64 = 10_000,
        /// peers a node forwards a new rumor to (1 to 64)
        fanout: u64 = 3,
        /// rumor ids a node remembers; it refuses rumors older than the ones it forgot
        memory: u64 = 64,
    }
}

pub struct Gossip {
    config: GossipConfig,
    /// How far into the world's log of touched nodes `check_step` has read.
    touches_read: u64,
}

impl Gossip {
    /// The first broken delivery on `node`, as a violation.
    fn audit(world: &World<GossipNode>, node: usize) -> Result<(), Violation> {
        let audit = world.actors()[node].as_ref().map(|n| &n.audit);
        match audit.and_then(|a| a.first_repeat) {
            None => Ok(()),
            Some(id) => Err(Violation::of(
                &DELIVERED_ONCE,
                format!(
                    "n{node} delivered rumor {}.{} (started at {} ns) twice, or after forgetting \
                        rumors newer than it",
                    id.origin, id.seq, id.born_ns
                ),
            )),
        }
    }
}

impl Protocol for Gossip {
    type Node = GossipNode;
    type Options = GossipOptions;
    const NAME: &'static str = "gossip";
    const SUMMARY: &'static str =
        "example: rumors spread by random push to a few peers (kernel scaling benchmark)";
    const HISTORY_MODEL: Option<&'static str> = None;

    fn bugs() -> &'static [BugInfo] {
        BUGS
    }

    fn properties() -> &'static [Property] {
        &[DELIVERED_ONCE]
    }

    fn build(setup: &Setup) -> Result<Self, SetupError> {
        let options = setup.read_options::<GossipOptions>()?;
        if options.interval_us == 0 {
            return Err(SetupError::Invalid("interval_us must be positive".into()));
        }
        if !(1..=FANOUT_MAX as u64).contains(&options.fanout) {
            let why = format!("fanout must be 1 to {FANOUT_MAX}");
            return Err(SetupError::Invalid(why));
        }
        if options.memory == 0 || options.memory > u64::from(u32::MAX) {
            let why = "memory must be 1 to 4294967295 rumors";
            return Err(SetupError::Invalid(why.into()));
        }
        let bugs: &Bugs = &setup.bugs;
        let config = GossipConfig {
            interval_ns: options.interval_us * 1_000,
            fanout: options.fanout as usize,
            memory: options.memory as usize,
            forget_without_floor: bugs.is_on("gossip.forget_without_floor"),
        };
        Ok(Gossip {
            config,
            touches_read: 0,
        })
    }

    fn node_factory(&self) -> Box<dyn FnMut(NodeId) -> GossipNode> {
        let config = self.config;
        Box::new(move |_| GossipNode::new(config))
    }

    /// Reads the audit of each node touched since the last event (from the world's
    /// log of touched nodes): constant work per event at any size, and a broken
    /// delivery is named at the event that made it. It used to read one node per
    /// event in turn, naming a broken delivery up to `nodes` events late.
    fn check_step(&mut self, world: &World<GossipNode>) -> Result<(), Violation> {
        let touches = world.touches();
        let since = touches.since(self.touches_read);
        self.touches_read = touches.end();
        match since {
            Some(nodes) => nodes.iter().try_for_each(|n| Self::audit(world, n.index())),
            None => self.check_end(world),
        }
    }

    fn check_end(&mut self, world: &World<GossipNode>) -> Result<(), Violation> {
        (0..world.node_count()).try_for_each(|node| Self::audit(world, node))
    }

    /// Its checks read observations only in `check_step`, each once.
    fn reads_observations_as_they_come(&self) -> bool {
        true
    }

    fn unfinished_ops(&self, _world: &World<GossipNode>) -> usize {
        0
    }
}
