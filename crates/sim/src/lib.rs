//! The faultline simulation kernel.
//!
//! One single-threaded [`World`] drives a set of [`Actor`]s over a seeded virtual
//! network ([`network`]), per-node virtual disks ([`disk`]) and per-node clocks
//! ([`clock`]), and injects the faults of [`fault`] at the times the caller schedules.
//! Everything that happens is folded into a running trace hash ([`trace`]) and, when
//! asked, recorded for export. The kernel performs no I/O and never reads the wall
//! clock: the same seed, actors and fault plan always produce the same events.

pub mod actor;
pub mod clock;
pub mod clock_jumps;
pub mod context;
pub mod coverage;
mod crash_point;
mod cuts;
pub mod disk;
pub mod fault;
mod halt;
pub mod hash;
pub mod instant_keys;
pub mod links;
mod lookup_map;
pub mod nemesis;
pub mod network;
pub mod node;
mod partition;
pub mod plan_stream;
mod planned_faults;
pub mod queue;
pub mod read_log;
pub mod rng;
pub mod role_watch;
mod slot_heap;
pub mod time;
mod timers;
pub mod touches;
pub mod trace;
pub mod watch;
pub mod world;

pub use actor::Actor;
pub use context::Context;
pub use coverage::Reached;
pub use disk::Disk;
pub use fault::{AppliedFault, FaultAction, PartitionShape, Target};
pub use network::{LatencyShape, NetworkConfig};
pub use node::NodeId;
pub use rng::SimRng;
pub use time::{Nanos, MICROSECOND, MILLISECOND, SECOND};
pub use trace::{TraceEvent, TraceKind};
pub use world::{World, WorldConfig};
