//! An isolation checker for transactional histories, in the manner of Jepsen's Elle.
//!
//! Linearizability judges single objects; transactions need more. A history of
//! transactions over list-append or read-write registers is turned into a dependency
//! graph: write-write (`ww`: T2 overwrote or appended after T1's version), write-read
//! (`wr`: T2 read what T1 wrote) and read-write (`rw`: T1 read a version T2 then
//! replaced), plus real-time order (`rt`: T1 completed before T2 began) for strict
//! serializability. Versions are inferred from what reads saw: list-append reads reveal
//! the whole order of a key's appends; register reads reveal writes and, where a
//! transaction read a value then wrote another, which came first.
//!
//! A cycle in that graph is an anomaly, named as Adya and Elle name them: `G0` (only
//! ww), `G1c` (ww and wr), `G-single` (exactly one rw), `G2` (more), each with
//! `-realtime` when it needs real-time edges. Anomalies visible without a cycle are
//! named too: `G1a` (a read of an aborted write), `G1b` (a read of an intermediate
//! write), `internal` (a transaction disagrees with itself), `incompatible-order` (two
//! reads of a list that neither extends), `duplicate-elements`. A consistency model
//! ([`Consistency`]) forbids some of them; the verdict says which were found and which
//! the model forbids, each cycle explained edge by edge in words.
//!
//! Reading: [`parse_edn`] (Jepsen's `:txn` histories) and [`parse_jsonl`]; one
//! transaction's text with [`parse_txn`] (written by [`txn_edn`]); a history built
//! event by event (a simulated run's) with [`TxnHistoryBuilder`].
//! Checking: [`check`].

mod anomaly;
mod builder;
mod check;
mod consistency;
mod cycles;
mod graph;
mod import;
mod list_append;
mod realtime;
mod rw_register;
mod txn;
mod writers;

pub use anomaly::{Anomaly, AnomalyKind};
pub use builder::TxnHistoryBuilder;
pub use check::{check, IsolationReport};
pub use consistency::Consistency;
pub use import::{parse_edn, parse_jsonl, parse_txn, ImportError};
pub use txn::{txn_edn, Mop, Status, Txn, TxnHistory, TxnModel};
