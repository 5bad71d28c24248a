//! Transactional histories: what a protocol whose clients run multi-key transactions
//! gives the harness, which checks them for isolation at the end of every run (the
//! harness property `isolation`, judged by `faultline-isolation`, Elle's method).
//!
//! A protocol opts in with [`crate::Protocol::isolation`]: the kind of objects its
//! transactions work on ([`TxnModel`]: list-append or rw-register) and the consistency
//! it promises ([`Consistency`]). Its transactions come from
//! [`crate::Protocol::transactions`]; by default, from the client history: a client
//! records a transaction as a [`crate::ClientEvent`] with `f` [`TXN`] and its
//! micro-operations as the value, in Jepsen's notation ([`txn_value`]:
//! `[[:append 3 7] [:r 4 [1 7]]]`), invoked with its reads unknown and completed
//! `ok` with what they saw (`fail`: certainly not committed; `info`: unknown). The
//! history `faultline run --history` writes is then one `faultline check --model
//! list-append` reads back.

use crate::history::{ClientEventKind, TimedClientEvent};
pub use faultline_isolation::{parse_txn, Consistency, Mop, TxnHistory, TxnModel};
use faultline_isolation::{txn_edn, Status, TxnHistoryBuilder};

/// The `f` of a client event that is a transaction.
pub const TXN: &str = "txn";

/// What a run's transactions are and the isolation they must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Isolation {
    pub model: TxnModel,
    pub consistency: Consistency,
}

/// A transaction's micro-operations as a client event's value (reads not yet known,
/// as at invocation, are written `nil`).
pub fn txn_value(mops: &[Mop]) -> String {
    txn_edn(mops)
}

/// The transactions of a client history: every event whose `f` is [`TXN`], its value
/// read as `model` micro-operations, invocations paired with their process's next
/// completion. Other events are ignored. Each transaction's `line` is its
/// invocation's 1-based position in `events`, the line of the history file `faultline
/// run --history` writes. An error names the event and what is wrong with it.
pub fn transactions_of(events: &[TimedClientEvent], model: TxnModel) -> Result<TxnHistory, String> {
    let mut builder = TxnHistoryBuilder::new();
    for (index, event) in events.iter().enumerate() {
        let event = &event.value;
        if event.f != TXN {
            continue;
        }
        let at = || format!("client event {} (process {})", index + 1, event.process);
        let text = event.value.as_deref().unwrap_or("");
        let mops = parse_txn(text, model).map_err(|e| format!("{}: `{text}`: {e}", at()))?;
        let status = match event.kind {
            ClientEventKind::Invoke => {
                builder.invoke(event.process, mops, index + 1);
                continue;
            }
            ClientEventKind::Ok => Status::Ok,
            ClientEventKind::Fail => Status::Fail,
            ClientEventKind::Info => Status::Info,
        };
        builder
            .complete(event.process, status, mops)
            .map_err(|e| format!("{}: {e}", at()))?;
    }
    Ok(builder.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::ClientEvent;
    use faultline_sim::world::Observed;
    use faultline_sim::NodeId;

    fn event(
        process: u64,
        kind: ClientEventKind,
        f: &'static str,
        value: &str,
    ) -> TimedClientEvent {
        Observed {
            time_ns: 0,
            node: NodeId(process as u32),
            value: ClientEvent {
                process,
                kind,
                f,
                key: None,
                value: Some(value.into()),
            },
        }
    }

    #[test]
    fn transactions_are_read_from_txn_events_only() {
        use ClientEventKind::*;
        let events = vec![
            event(3, Invoke, TXN, "[[:append 1 5] [:r 1 nil]]"),
            event(4, Invoke, "get", ""),
            event(3, Ok, TXN, "[[:append 1 5] [:r 1 [5]]]"),
        ];
        let history = transactions_of(&events, TxnModel::ListAppend).expect("reads");
        assert_eq!(history.txns.len(), 1);
        assert_eq!(history.txns[0].line, 1);
        assert_eq!(
            txn_value(&history.txns[0].mops),
            "[[:append 1 5] [:r 1 [5]]]"
        );
    }

    #[test]
    fn a_malformed_transaction_is_named_by_its_event() {
        use ClientEventKind::*;
        let events = vec![event(3, Invoke, TXN, "[[:append 1]]")];
        let error = transactions_of(&events, TxnModel::ListAppend).unwrap_err();
        assert!(error.starts_with("client event 1 (process 3)"), "{error}");
        let events = vec![event(3, Ok, TXN, "[]")];
        let error = transactions_of(&events, TxnModel::ListAppend).unwrap_err();
        assert!(error.contains("no transaction open"), "{error}");
    }
}
