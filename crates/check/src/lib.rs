//! faultline-check: client histories and a linearizability checker, independent of the
//! simulator, usable on its own for Jepsen and Porcupine histories.
//!
//! - [`history`]: operations with invoke and completion (`ok`, `fail`, `info`).
//! - [`model`]: the [`Model`] trait users implement; [`models`] holds `register`,
//!   `cas-register`, `kv` and `mutex`.
//! - [`search`]: Wing & Gong / Lowe search with a memo of (linearized set, state).
//! - [`check`]: partitioning by key (P-compositionality), parallel partitions,
//!   pruning, step budgets, and the report with its counterexample.
//! - [`import`]: Jepsen EDN, Porcupine's etcd logs, faultline's JSON Lines.

pub mod check;
pub mod history;
pub mod import;
pub mod model;
pub mod models;
pub mod search;
pub mod value;

pub use check::{check, CheckOptions, CheckReport, Verdict};
pub use history::{Func, History, HistoryError, Op, Status};
pub use model::Model;
pub use models::ModelKind;
pub use value::Val;
