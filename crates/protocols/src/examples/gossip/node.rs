//! One gossiping node: it ticks on its own clock, sometimes starts a rumor, and
//! forwards each rumor it hears for the first time to `fanout` peers drawn from its
//! random stream (infect-and-die push gossip: a node passes a rumor on once).
//!
//! The Actor API it shows beyond broadcast's: `ctx.rng()` for every choice (which
//! tick starts a rumor, which peers hear it), so a run is a function of its seed;
//! state bounded per node (`memory.rs`), so a cluster's memory is linear in its
//! nodes however long it runs; and a separate record of what the application was
//! handed (`audit.rs`) for the checker to read.

use super::audit::Audit;
use super::memory::Memory;
use faultline_sim::{Actor, Context, Nanos, NodeId};
use serde::Serialize;

/// A rumor's identity, ordered by when it was started: its origin's clock reading
/// then, the origin, and the origin's count of rumors started (since its last
/// restart). Later rumors have higher ids, up to the origins' clock differences.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct RumorId {
    pub born_ns: Nanos,
    pub origin: u32,
    pub seq: u32,
}

/// The one message: a rumor, passed on.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Rumor(pub RumorId);

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Tick {
    /// Time to decide whether to start a rumor.
    Tick,
}

/// Largest `fanout`: a node forwards to at most this many peers.
pub const FANOUT_MAX: usize = 64;

/// What every node of a run shares.
#[derive(Clone, Copy, Debug)]
pub struct GossipConfig {
    pub interval_ns: Nanos,
    pub fanout: usize,
    pub memory: usize,
    pub forget_without_floor: bool,
}

pub struct GossipNode {
    config: GossipConfig,
    memory: Memory,
    /// Rumors this node started since its last restart.
    started: u32,
    /// What its application was handed.
    pub audit: Audit,
}

impl GossipNode {
    pub fn new(config: GossipConfig) -> Self {
        GossipNode {
            config,
            memory: Memory::new(config.memory, config.forget_without_floor),
            started: 0,
            audit: Audit::new(config.memory),
        }
    }

    /// How many rumor ids it remembers now (at most the `memory` option).
    pub fn remembered(&self) -> usize {
        self.memory.len()
    }

    /// Hands `id` to the application and passes it on, if it is news.
    pub fn hear(&mut self, ctx: &mut Context<'_, Self>, id: RumorId) {
        if !self.memory.learn(id) {
            return;
        }
        self.audit.delivered(id);
        let mut peers = [NodeId(0); FANOUT_MAX];
        let drawn = self.draw_peers(ctx, &mut peers);
        for &peer in &peers[..drawn] {
            ctx.send(peer, Rumor(id));
        }
    }

    /// Draws `fanout` distinct peers other than this node (all of them when there are
    /// no more), in the order drawn, into the start of `peers`; how many. On the
    /// stack rather than in the node: a list kept per node was one more cold cache
    /// line for every rumor forwarded, at ten thousand nodes.
    fn draw_peers(&self, ctx: &mut Context<'_, Self>, peers: &mut [NodeId; FANOUT_MAX]) -> usize {
        let me = ctx.id();
        let others = ctx.node_count() as u64 - 1;
        let wanted = self.config.fanout.min(others as usize);
        let mut drawn_count = 0;
        while drawn_count < wanted {
            let drawn = ctx.rng().below(others) as u32;
            let peer = NodeId(if drawn >= me.0 { drawn + 1 } else { drawn });
            if !peers[..drawn_count].contains(&peer) {
                peers[drawn_count] = peer;
                drawn_count += 1;
            }
        }
        drawn_count
    }
}

impl Actor for GossipNode {
    type Msg = Rumor;
    type Timer = Tick;
    type Record = ();
    type Observation = ();

    /// The first tick falls anywhere in the first interval, so nodes do not all tick
    /// at the same instants.
    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        let first = ctx.rng().below(self.config.interval_ns) + 1;
        ctx.set_timer(first, Tick::Tick);
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, _from: NodeId, rumor: Rumor) {
        self.hear(ctx, rumor.0);
    }

    /// Starts a rumor with chance 1/nodes, so the cluster starts one per interval on
    /// average whatever its size.
    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, _tick: Tick) {
        let nodes = ctx.node_count() as u64;
        if ctx.rng().below(nodes) == 0 {
            let id = RumorId {
                born_ns: ctx.now(),
                origin: ctx.id().0,
                seq: self.started,
            };
            self.started += 1;
            self.hear(ctx, id);
        }
        ctx.set_timer(self.config.interval_ns, Tick::Tick);
    }
}
