//! The Actor API: what a protocol node implements to run inside the World.
//!
//! Handlers react to a start, a message or a timer and push effects (sends, timers,
//! disk writes, observations) through their [`Context`]; the World decides when and
//! whether those effects happen. Handlers never block, sleep, spawn or read real
//! time. After a crash the World builds a fresh actor and calls `on_start` again,
//! which is where a protocol recovers its state from `ctx.disk()`.

use crate::context::Context;
use crate::node::NodeId;
use serde::Serialize;
use std::fmt::Debug;
use std::hash::Hash;

/// A role a node reports for itself, so faults can target it ("crash the leader").
/// When several nodes claim the same role, the highest `rank` (for Raft, the term)
/// is taken as current.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Role {
    pub name: &'static str,
    pub rank: u64,
}

pub trait Actor: Sized + 'static {
    /// What nodes send each other. Hashed into the trace hash; serialised in traces.
    type Msg: Clone + Debug + Hash + Serialize;
    /// What a node's timers carry back to it when they fire.
    type Timer: Clone + Debug + Hash + Serialize;
    /// What a node writes to its disk.
    type Record: Clone + Debug;
    /// What a node reports for the checkers (client invocations and completions, ...).
    type Observation: Clone + Debug + Hash + Serialize;

    /// Called when the node starts, and again after every restart (with an empty
    /// actor and the surviving disk).
    fn on_start(&mut self, ctx: &mut Context<'_, Self>);

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Self::Msg);

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, timer: Self::Timer);

    /// The role this node claims right now, if any (e.g. Raft's leader).
    fn role(&self) -> Option<Role> {
        None
    }

    /// The node's state in one short line for a person reading a timeline or a
    /// report (e.g. Raft's `leader term 3 commit 5`), if the protocol offers one.
    /// Read after events only when a run keeps its trace; it must not change state.
    fn summary(&self) -> Option<String> {
        None
    }
}
