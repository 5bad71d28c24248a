//! faultline-check: client histories and a linearizability checker, independent of the
//! simulator, usable on its own for Jepsen and Porcupine histories.
//!
//! - [`event`]: history events as clients record them (the JSON Lines form), and
//!   [`builder`]: recording them in memory, for a harness.
//! - [`history`]: operations with invoke and completion (`ok`, `fail`, `info`).
//! - [`model`]: the [`Model`] trait users implement, with their own operation names
//!   ([`Func::named`]) if they like; [`models`] holds `register`, `cas-register`, `kv`
//!   and `mutex`.
//! - [`history_model`]: [`HistoryModel`], any model with its state type hidden, to
//!   hold as a `Box<dyn HistoryModel>`.
//! - [`search`]: Wing & Gong / Lowe search with a memo of (linearized set, state).
//! - [`check`](mod@check): partitioning by key (P-compositionality), parallel partitions,
//!   pruning, step budgets, and the report with its counterexample.
//! - [`stream`]: the same verdict from events as they are recorded, in memory that
//!   follows the history's concurrency, not its length (long runs, huge histories).
//! - [`import`]: Jepsen EDN, Porcupine's etcd logs, faultline's JSON Lines.

pub mod builder;
pub mod check;
pub mod event;
mod frontier;
pub mod history;
pub mod history_model;
pub mod import;
mod links;
mod look_ahead;
pub mod model;
pub mod models;
pub mod search;
mod slots;
pub mod stream;
pub mod value;

pub use builder::HistoryBuilder;
pub use check::{
    check, check_kind, CheckOptions, CheckReport, Counterexample, PartitionReport, Verdict,
    STEPS_PER_PARTITION_MAX,
};
pub use event::{EventKind, HistoryEvent};
pub use history::{Func, History, HistoryError, Op, Status};
pub use history_model::HistoryModel;
pub use model::Model;
pub use models::{CasFail, ModelKind};
pub use stream::{
    check_stream, HistoryStream, StreamCheck, StreamLimits, StreamReport, StreamViolation,
};
pub use value::Val;
