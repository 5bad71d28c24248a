//! What a Raft server replicates: a deterministic state machine behind its log.
//!
//! Raft itself only orders commands; what they mean is the machine's. The key-value
//! store (`kv_machine`) is one; the coordination service of `zk` is another, built on
//! the same servers, elections, log and snapshots. A machine names its command, the
//! messages its clients exchange with servers, the client timers and the records its
//! host node writes beside Raft's, and the node type that hosts the server (whose
//! messages, timers and records are Raft's, parameterised by the machine). It decides
//! what a client request becomes (`on_request`, usually a log entry on the leader)
//! and what applying a committed command does (`apply`, which may answer clients).

use crate::raft::messages::{Msg, Record, Timer};
use crate::raft::server::{Ctx, Server};
use faultline_sim::{Actor, NodeId};
use serde::Serialize;
use std::fmt::Debug;
use std::hash::Hash;

/// A value that can travel in a message or a trace.
pub trait Wire: Clone + Debug + PartialEq + Eq + Hash + Serialize + 'static {}
impl<T: Clone + Debug + PartialEq + Eq + Hash + Serialize + 'static> Wire for T {}

/// A replicated state machine for [`Server`]; the machine value is what a snapshot
/// holds.
pub trait Machine: Wire + Default + Sized {
    /// What a log entry carries.
    type Command: Wire;
    /// Client → server messages.
    type Request: Wire;
    /// Server → client messages.
    type Response: Wire;
    /// The timers of the clients that share the node type.
    type ClientTimer: Wire;
    /// What non-server nodes of the run write to their disks.
    type HostRecord: Clone + Debug;
    /// Volatile state a server keeps for the machine (e.g. when clients were heard).
    type Local: Clone + Debug + Default;
    /// The node type that hosts servers of this machine.
    type Node: Actor<Msg = Msg<Self>, Timer = Timer<Self>, Record = Record<Self>>;

    /// A client's request reached `server`.
    fn on_request(
        server: &mut Server<Self>,
        ctx: &mut Ctx<'_, Self>,
        from: NodeId,
        request: Self::Request,
    );

    /// The committed command at `index` is applied to `server.store`, in log order.
    fn apply(
        server: &mut Server<Self>,
        ctx: &mut Ctx<'_, Self>,
        index: u64,
        command: &Self::Command,
    );

    /// The Raft server `node` hosts, if it is one: what Raft's invariant checker
    /// (`raft::invariants`) reads, whatever the machine.
    fn server_of(node: &Self::Node) -> Option<&Server<Self>>;

    /// The leader's heartbeat tick: a chance to propose commands of its own.
    fn on_leader_tick(server: &mut Server<Self>, ctx: &mut Ctx<'_, Self>) {
        let _ = (server, ctx);
    }
}
