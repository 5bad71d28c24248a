//! Building a [`TxnHistory`] event by event: an invocation opens a transaction for its
//! process, the process's next completion closes it. Importers feed it parsed lines;
//! a simulation feeds it the client events of a run, so both pair operations the same
//! way (a process invoking again before completing leaves the first one `info`).

use crate::txn::{Mop, Status, Txn, TxnHistory};
use std::collections::BTreeMap;

/// A history under construction.
#[derive(Debug, Default)]
pub struct TxnHistoryBuilder {
    /// Process → its open transaction's position in `txns`.
    open: BTreeMap<u64, usize>,
    txns: Vec<Txn>,
    /// Events taken so far: the position of the next one (real-time order).
    events: usize,
}

impl TxnHistoryBuilder {
    pub fn new() -> Self {
        TxnHistoryBuilder::default()
    }

    /// `process` invokes a transaction of `mops` (what reads saw is not known yet and
    /// is forgotten); `line` is where it was written (0 when not from a file).
    pub fn invoke(&mut self, process: u64, mops: Vec<Mop>, line: usize) {
        if let Some(previous) = self.open.insert(process, self.txns.len()) {
            self.txns[previous].status = Status::Info;
        }
        self.txns.push(Txn {
            id: self.txns.len(),
            process,
            status: Status::Info,
            mops: mops.into_iter().map(forget_reads).collect(),
            invoke_index: self.events,
            complete_index: None,
            line,
        });
        self.events += 1;
    }

    /// `process`'s open transaction completed with `status`; a committed one's `mops`
    /// say what its reads saw (other completions' `mops` are not read).
    pub fn complete(&mut self, process: u64, status: Status, mops: Vec<Mop>) -> Result<(), String> {
        let Some(at) = self.open.remove(&process) else {
            return Err(format!(
                "a completion for process {process}, which has no transaction open"
            ));
        };
        let txn = &mut self.txns[at];
        txn.complete_index = Some(self.events);
        txn.status = status;
        self.events += 1;
        if status == Status::Ok {
            if mops.len() != txn.mops.len() {
                return Err(format!(
                    "the completion has {} micro-operations, its invocation {}",
                    mops.len(),
                    txn.mops.len()
                ));
            }
            txn.mops = mops;
        }
        Ok(())
    }

    /// The history; transactions never completed stay `info`.
    pub fn finish(self) -> TxnHistory {
        TxnHistory { txns: self.txns }
    }
}

/// An invocation's reads are not known yet.
fn forget_reads(mop: Mop) -> Mop {
    match mop {
        Mop::ReadList { key, .. } => Mop::ReadList { key, values: None },
        Mop::ReadRegister { key, .. } => Mop::ReadRegister { key, value: None },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(values: Option<Vec<&str>>) -> Mop {
        Mop::ReadList {
            key: "x".into(),
            values: values.map(|v| v.into_iter().map(String::from).collect()),
        }
    }

    #[test]
    fn completions_pair_with_their_process_invocation_in_event_order() {
        let mut builder = TxnHistoryBuilder::new();
        builder.invoke(1, vec![read(Some(vec!["9"]))], 1);
        builder.invoke(2, vec![read(None)], 2);
        builder
            .complete(2, Status::Fail, vec![read(None)])
            .expect("open");
        builder
            .complete(1, Status::Ok, vec![read(Some(vec!["1"]))])
            .expect("open");
        assert!(builder.complete(1, Status::Ok, vec![]).is_err());
        let history = builder.finish();
        let first = &history.txns[0];
        assert_eq!((first.invoke_index, first.complete_index), (0, Some(3)));
        assert_eq!(first.mops, vec![read(Some(vec!["1"]))]);
        assert_eq!(history.txns[1].status, Status::Fail);
        assert_eq!(history.txns[1].mops, vec![read(None)], "reads forgotten");
    }
}
