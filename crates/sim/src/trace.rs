//! What happened in a run, event by event.
//!
//! Every event the World processes is folded into the running trace hash (always on,
//! cheap). When the caller asks for a trace, events are also kept in memory as
//! [`TraceEvent`]s and can be rendered as the JSON objects of the trace file (one per
//! line). Sends are not events: a message appears when it is delivered or dropped.

use crate::fault::AppliedFault;
use crate::hash::TraceHasher;
use crate::node::NodeId;
use crate::time::Nanos;
use serde::Serialize;
use serde_json::{json, Value};
use std::hash::{Hash, Hasher};

/// Why a message was not delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// The network lost it (random loss).
    Lost,
    /// Its link was cut by a partition when it was sent or when it arrived.
    Partitioned,
    /// Its destination crashed (or restarted) before it arrived.
    NodeDown,
}

/// One event of a run, generic over the actor's message, timer and observation types.
#[derive(Clone, Debug)]
pub struct TraceEvent<M, T, O> {
    pub time_ns: Nanos,
    /// The node the event happened on; `None` for network-wide faults.
    pub node: Option<NodeId>,
    pub kind: TraceKind<M, T, O>,
}

#[derive(Clone, Debug)]
pub enum TraceKind<M, T, O> {
    /// The node started: at time zero, or after a restart.
    Start,
    Deliver {
        from: NodeId,
        msg: M,
    },
    /// A message from `from` to `node` that will never arrive.
    Drop {
        from: NodeId,
        msg: M,
        reason: DropReason,
    },
    Timer {
        timer: T,
    },
    Fault(AppliedFault),
    /// The node reported something for the checkers.
    Observe(O),
}

impl<M, T, O> TraceKind<M, T, O> {
    pub fn name(&self) -> &'static str {
        match self {
            TraceKind::Start => "start",
            TraceKind::Deliver { .. } => "deliver",
            TraceKind::Drop { .. } => "drop",
            TraceKind::Timer { .. } => "timer",
            TraceKind::Fault(_) => "fault",
            TraceKind::Observe(_) => "observe",
        }
    }
}

/// Folds every event into the trace hash and, when asked, keeps it for export.
#[derive(Debug)]
pub struct Recorder<M, T, O> {
    hasher: TraceHasher,
    events: u64,
    kept: Option<Vec<TraceEvent<M, T, O>>>,
}

impl<M: Clone + Hash, T: Clone + Hash, O: Clone + Hash> Recorder<M, T, O> {
    pub fn new(keep_events: bool) -> Self {
        Recorder {
            hasher: TraceHasher::new(),
            events: 0,
            kept: keep_events.then(Vec::new),
        }
    }

    #[inline]
    fn begin(&mut self, time_ns: Nanos, node: Option<NodeId>, tag: u8) {
        self.events += 1;
        self.hasher.write_u64(time_ns);
        self.hasher.write_u32(node.map_or(u32::MAX, |n| n.0));
        self.hasher.write_u8(tag);
    }

    #[inline]
    fn keep(
        &mut self,
        time_ns: Nanos,
        node: Option<NodeId>,
        kind: impl FnOnce() -> TraceKind<M, T, O>,
    ) {
        if let Some(kept) = &mut self.kept {
            kept.push(TraceEvent {
                time_ns,
                node,
                kind: kind(),
            });
        }
    }

    pub fn start(&mut self, time_ns: Nanos, node: NodeId) {
        self.begin(time_ns, Some(node), 1);
        self.keep(time_ns, Some(node), || TraceKind::Start);
    }

    #[inline]
    pub fn deliver(&mut self, time_ns: Nanos, node: NodeId, from: NodeId, msg: &M) {
        self.begin(time_ns, Some(node), 2);
        self.hasher.write_u32(from.0);
        msg.hash(&mut self.hasher);
        self.keep(time_ns, Some(node), || TraceKind::Deliver {
            from,
            msg: msg.clone(),
        });
    }

    #[inline]
    pub fn drop(
        &mut self,
        time_ns: Nanos,
        node: NodeId,
        from: NodeId,
        msg: &M,
        reason: DropReason,
    ) {
        self.begin(time_ns, Some(node), 3);
        self.hasher.write_u32(from.0);
        msg.hash(&mut self.hasher);
        reason.hash(&mut self.hasher);
        self.keep(time_ns, Some(node), || TraceKind::Drop {
            from,
            msg: msg.clone(),
            reason,
        });
    }

    #[inline]
    pub fn timer(&mut self, time_ns: Nanos, node: NodeId, timer: &T) {
        self.begin(time_ns, Some(node), 4);
        timer.hash(&mut self.hasher);
        self.keep(time_ns, Some(node), || TraceKind::Timer {
            timer: timer.clone(),
        });
    }

    pub fn fault(&mut self, time_ns: Nanos, node: Option<NodeId>, applied: &AppliedFault) {
        self.begin(time_ns, node, 5);
        // Faults are rare: hashing their rendered form keeps this simple.
        self.hasher.write(format!("{applied:?}").as_bytes());
        self.keep(time_ns, node, || TraceKind::Fault(applied.clone()));
    }

    pub fn observe(&mut self, time_ns: Nanos, node: NodeId, observation: &O) {
        self.begin(time_ns, Some(node), 6);
        observation.hash(&mut self.hasher);
        self.keep(time_ns, Some(node), || {
            TraceKind::Observe(observation.clone())
        });
    }

    /// Events recorded so far (kept or not).
    pub fn event_count(&self) -> u64 {
        self.events
    }

    /// The hash of every event so far.
    pub fn hash(&self) -> u64 {
        self.hasher.finish()
    }

    /// The kept events (empty when the recorder was not asked to keep them).
    pub fn take_events(&mut self) -> Vec<TraceEvent<M, T, O>> {
        self.kept.as_mut().map(std::mem::take).unwrap_or_default()
    }
}

impl<M: Serialize, T: Serialize, O: Serialize> TraceEvent<M, T, O> {
    /// The event as one JSON object of the trace file.
    pub fn to_json(&self) -> Value {
        let mut line = json!({ "t": self.time_ns });
        let object = line.as_object_mut().expect("json! object");
        if let Some(node) = self.node {
            object.insert("node".into(), json!(node.0));
        }
        object.insert("kind".into(), json!(self.kind.name()));
        match &self.kind {
            TraceKind::Start => {}
            TraceKind::Deliver { from, msg } => {
                object.insert("from".into(), json!(from.0));
                object.insert("msg".into(), to_value(msg));
            }
            TraceKind::Drop { from, msg, reason } => {
                object.insert("from".into(), json!(from.0));
                object.insert("msg".into(), to_value(msg));
                object.insert("reason".into(), to_value(reason));
            }
            TraceKind::Timer { timer } => {
                object.insert("timer".into(), to_value(timer));
            }
            TraceKind::Fault(applied) => {
                object.insert("fault".into(), to_value(&applied.action));
                object.insert("text".into(), json!(applied.action.to_string()));
                if let Some(why) = &applied.skipped {
                    object.insert("skipped".into(), json!(why));
                }
            }
            TraceKind::Observe(observation) => {
                object.insert("observe".into(), to_value(observation));
            }
        }
        line
    }
}

fn to_value<S: Serialize>(value: &S) -> Value {
    serde_json::to_value(value).unwrap_or_else(|e| json!(format!("<unserialisable: {e}>")))
}
