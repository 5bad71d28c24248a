//! The replicated key-value workload shared by the consensus protocols.
//!
//! - [`op`]: operations, commands (operation + client session) and results.
//! - [`store`]: the deterministic state machine with client sessions, so a retried
//!   command applies at most once.
//! - [`properties`]: the safety property the protocols built on it share
//!   (`at_most_once`), and [`at_most_once`] its end-of-run check.
//! - [`script`]: explicit workloads (`workload.script`) of key-value operations.
//! - [`client`]: the client actor: finds the leader, retries across leader changes and
//!   partitions, records every operation for the linearizability checker.
//!
//! A protocol embeds [`client::KvClient`] as its client node and [`store::KvStore`]
//! behind its log; it only moves [`op::Command`]s and [`op::KvResponse`]s.

pub mod at_most_once;
pub mod client;
pub mod node;
pub mod op;
pub mod options;
pub mod properties;
pub mod script;
pub mod store;

pub use client::{ClientConfig, ClientPlan, ClientTimer, KvClient};
pub use node::{KvNode, KvServer};
pub use op::{Command, KvOp, KvOutput, KvRequest, KvResponse};
pub use options::KvClientOptions;
pub use store::{ApplyOutcome, KvStore};
