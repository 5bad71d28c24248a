//! What clients saw: invocations and completions, reported by client actors as
//! observations and turned into a history for the linearizability checker.
//!
//! The JSON form of a [`ClientEvent`] is one line of faultline's JSON Lines history
//! format (`{"process":3,"type":"invoke","f":"put","key":"k1","value":"<3.7>"}`),
//! which `faultline check` reads.

use faultline_sim::world::Observed;
use faultline_sim::{Actor, Context};
use serde::Serialize;

/// A client event as the World recorded it: with its true time and client node.
pub type TimedClientEvent = Observed<ClientEvent>;

/// The history's process id for the client running in `ctx`: its node id on its
/// first start, and a fresh id after each restart (the node id plus the incarnation
/// times the node count, so ids never collide). Jepsen's rule: a client that crashed
/// mid-operation is a process that never completes it; whoever takes over is a new
/// process. A client that used its old id again would leave two operations pending
/// on one process, and would reuse its old session with servers that remember it.
pub fn client_process<A: Actor>(ctx: &Context<'_, A>) -> u64 {
    let stride = ctx.node_count() as u64;
    u64::from(ctx.id().0) + u64::from(ctx.incarnation()) * stride
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientEventKind {
    Invoke,
    /// Completed and took effect.
    Ok,
    /// Completed and certainly did not take effect.
    Fail,
    /// Outcome unknown (crashed or timed out).
    Info,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct ClientEvent {
    pub process: u64,
    #[serde(rename = "type")]
    pub kind: ClientEventKind,
    /// The operation: `get`, `put`, `append`, `read`, `write`, `cas`, `acquire`, `release`.
    pub f: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// What a node reports through `Context::observe`, as the client history sees it:
/// client nodes report [`ClientEvent`]s, protocols without clients report `()`. The
/// harness reads every observation through this, so a protocol's history needs no
/// code of its own.
pub trait AsClientEvent {
    /// The client event this observation is, if it is one.
    fn client_event(&self) -> Option<&ClientEvent>;
}

impl AsClientEvent for ClientEvent {
    fn client_event(&self) -> Option<&ClientEvent> {
        Some(self)
    }
}

impl AsClientEvent for () {
    fn client_event(&self) -> Option<&ClientEvent> {
        None
    }
}
