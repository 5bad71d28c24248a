//! `writes_as_told`: at the end of a run, a log of accepted writes (a fenced
//! resource's, a store's) agrees with what its clients were told. The lock service
//! and zk call it on their resource; a protocol of your own with such a log adds
//! [`WRITES_AS_TOLD`] to its properties and calls [`check`] from `check_end`.
//!
//! Checking the order of what a resource accepts (fencing tokens) says nothing about
//! whether it is what the clients were told. A resource that applies a retried or
//! delayed copy of a write a second time, answers `ok` to a write it never logged, or
//! logs one it answered as refused keeps its tokens in order and passes. So, per
//! client and value written: the log holds it at least as often as the client was
//! told `ok`, and at most that plus the writes whose answer never came (`info`, or an
//! invocation still open, or abandoned by a restarted client); and no client
//! operation is logged twice. Values must tell one client's writes apart for the
//! count to mean much (`check_unique_values` helps).
//!
//! What the clients were told can be read from the whole history ([`check`]) or
//! event by event as the run goes ([`ToldWrites`]), which is what a protocol whose
//! checks read observations as they come keeps.

use crate::history::{ClientEvent, ClientEventKind, TimedClientEvent};
use crate::property::Property;
use crate::protocol::Violation;
use faultline_sim::NodeId;
use std::collections::BTreeMap;

pub const WRITES_AS_TOLD: Property = Property::new(
    "writes_as_told",
    "at the end the resource has logged each write once: every write a client was told \
     accepted, none it was told refused",
);

/// One write in the log: the client node that wrote it, its operation number (a
/// retry keeps it) and the value written (as the client's invocation names it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoggedWrite<'a> {
    pub client: u32,
    pub op: u64,
    pub value: &'a str,
}

/// The property over a run's client `history`, whose writes are the operations
/// named `write_f` with their value on the invocation, and the final `log`.
pub fn check(
    history: &[TimedClientEvent],
    write_f: &str,
    log: &[LoggedWrite<'_>],
) -> Result<(), Violation> {
    ToldWrites::of(history, write_f).check(log)
}

/// How the writes of one client and value were answered.
#[derive(Clone, Copy, Debug, Default)]
struct Told {
    ok: usize,
    /// Answered `info`, or never answered: either way they may have been applied.
    unknown: usize,
}

/// The first disagreement between the resource's `log` and the `history`'s writes, in
/// words, or `None` when they agree.
pub fn disagreement(
    history: &[TimedClientEvent],
    write_f: &str,
    log: &[LoggedWrite<'_>],
) -> Option<String> {
    ToldWrites::of(history, write_f).disagreement(log)
}

/// How each client's writes were answered, per (client node, value), read event by
/// event. A write's value is on its invocation; its completion follows on the same
/// process.
#[derive(Clone, Debug)]
pub struct ToldWrites {
    /// The operation name of a write.
    write_f: String,
    told: BTreeMap<(u32, String), Told>,
    /// Per process, the write it awaits an answer to.
    open: BTreeMap<u64, (u32, String)>,
}

impl ToldWrites {
    /// Nothing told yet, of the operations named `write_f`.
    pub fn new(write_f: &str) -> Self {
        ToldWrites {
            write_f: write_f.to_string(),
            told: BTreeMap::new(),
            open: BTreeMap::new(),
        }
    }

    /// What a whole history told.
    pub fn of(history: &[TimedClientEvent], write_f: &str) -> Self {
        let mut told = ToldWrites::new(write_f);
        for event in history {
            told.record(event.node, &event.value);
        }
        told
    }

    /// Takes in client event `event`, observed on client node `node`.
    pub fn record(&mut self, node: NodeId, event: &ClientEvent) {
        let process = event.process;
        if event.kind == ClientEventKind::Invoke {
            // A write left open by a process that invoked again (a client that
            // restarted) may have been applied.
            if let Some(abandoned) = self.open.remove(&process) {
                self.told.entry(abandoned).or_default().unknown += 1;
            }
            if let (true, Some(value)) = (event.f == self.write_f, &event.value) {
                self.open.insert(process, (node.0, value.clone()));
            }
            return;
        }
        let Some(key) = self.open.remove(&process) else {
            return;
        };
        let entry = self.told.entry(key).or_default();
        match event.kind {
            ClientEventKind::Ok => entry.ok += 1,
            ClientEventKind::Info => entry.unknown += 1,
            _ => {}
        }
    }

    /// The property over what was told so far and the resource's final `log`.
    pub fn check(&self, log: &[LoggedWrite<'_>]) -> Result<(), Violation> {
        match self.disagreement(log) {
            Some(detail) => Err(Violation::of(&WRITES_AS_TOLD, detail)),
            None => Ok(()),
        }
    }

    /// The first disagreement between the resource's `log` and what was told, in
    /// words, or `None` when they agree. Writes still awaiting an answer may or may
    /// not have been applied.
    pub fn disagreement(&self, log: &[LoggedWrite<'_>]) -> Option<String> {
        if let Some(twice) = logged_twice(log) {
            return Some(twice);
        }
        let mut told: BTreeMap<(u32, &str), Told> = self
            .told
            .iter()
            .map(|((client, value), told)| ((*client, value.as_str()), *told))
            .collect();
        for (client, value) in self.open.values() {
            told.entry((*client, value.as_str())).or_default().unknown += 1;
        }
        first_disagreement(&told, log)
    }
}

/// The first disagreement between the writes `told` and the `log`.
fn first_disagreement(
    told: &BTreeMap<(u32, &str), Told>,
    log: &[LoggedWrite<'_>],
) -> Option<String> {
    let mut logged: BTreeMap<(u32, &str), usize> = BTreeMap::new();
    for write in log {
        *logged.entry((write.client, write.value)).or_default() += 1;
    }
    for (&(client, value), told) in told {
        let times = logged.remove(&(client, value)).unwrap_or(0);
        if times < told.ok {
            return Some(format!(
                "n{client} was told its write {value} was accepted ({} time{}), but the \
                 resource's log holds it {times} time{}",
                told.ok,
                plural(told.ok),
                plural(times)
            ));
        }
        if times > told.ok + told.unknown {
            return Some(format!(
                "the resource's log holds n{client}'s write {value} {times} time{}, but the \
                 client was told it was accepted {} time{} and refused the rest",
                plural(times),
                told.ok,
                plural(told.ok)
            ));
        }
    }
    let ((client, value), _) = logged.into_iter().next()?;
    Some(format!(
        "the resource's log holds a write {value} of n{client} that no client invoked"
    ))
}

/// A client operation the log holds twice.
fn logged_twice(log: &[LoggedWrite<'_>]) -> Option<String> {
    let mut seen: BTreeMap<(u32, u64), &str> = BTreeMap::new();
    for write in log {
        if let Some(first) = seen.insert((write.client, write.op), write.value) {
            return Some(format!(
                "the resource accepted n{}'s operation {} twice ({first}, then {}): a retry \
                 or a late copy was applied again",
                write.client, write.op, write.value
            ));
        }
    }
    None
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::ClientEvent;
    use faultline_sim::world::Observed;
    use faultline_sim::NodeId;

    fn event(node: u32, kind: ClientEventKind, value: Option<&str>) -> TimedClientEvent {
        Observed {
            time_ns: 0,
            node: NodeId(node),
            value: ClientEvent {
                process: u64::from(node),
                kind,
                f: "write",
                key: Some("lock".into()),
                value: value.map(str::to_string),
            },
        }
    }

    fn write(client: u32, op: u64, value: &str) -> LoggedWrite<'_> {
        LoggedWrite { client, op, value }
    }

    fn disagreement(history: &[TimedClientEvent], log: &[LoggedWrite<'_>]) -> Option<String> {
        super::disagreement(history, "write", log)
    }

    fn history(outcomes: &[(u32, &'static str, ClientEventKind)]) -> Vec<TimedClientEvent> {
        let mut history = Vec::new();
        for &(node, value, kind) in outcomes {
            history.push(event(node, ClientEventKind::Invoke, Some(value)));
            history.push(event(node, kind, None));
        }
        history
    }

    #[test]
    fn a_log_as_told_agrees() {
        let told = history(&[
            (3, "a", ClientEventKind::Ok),
            (3, "b", ClientEventKind::Fail),
            (4, "c", ClientEventKind::Info),
        ]);
        assert_eq!(
            disagreement(&told, &[write(3, 1, "a"), write(4, 1, "c")]),
            None
        );
        assert_eq!(
            disagreement(&told, &[write(3, 1, "a")]),
            None,
            "info: either"
        );
    }

    #[test]
    fn a_write_abandoned_by_a_new_invocation_may_or_may_not_be_logged() {
        let mut told = vec![event(3, ClientEventKind::Invoke, Some("a"))];
        told.extend(history(&[(3, "b", ClientEventKind::Ok)]));
        assert_eq!(disagreement(&told, &[write(3, 2, "b")]), None);
        assert_eq!(
            disagreement(&told, &[write(3, 1, "a"), write(3, 2, "b")]),
            None
        );
        let log = [write(3, 1, "a"), write(3, 2, "a"), write(3, 3, "b")];
        assert!(disagreement(&told, &log).is_some(), "at most once");
    }

    #[test]
    fn every_disagreement_is_named() {
        let told = history(&[
            (3, "a", ClientEventKind::Ok),
            (3, "b", ClientEventKind::Fail),
        ]);
        let lost = disagreement(&told, &[]).unwrap();
        assert!(lost.contains("was told its write a was accepted"), "{lost}");
        let refused = disagreement(&told, &[write(3, 1, "a"), write(3, 2, "b")]).unwrap();
        assert!(refused.contains("n3's write b 1 time"), "{refused}");
        let twice = disagreement(&told, &[write(3, 1, "a"), write(3, 1, "a")]).unwrap();
        assert!(twice.contains("operation 1 twice"), "{twice}");
        let invented = disagreement(&told, &[write(3, 1, "a"), write(4, 1, "z")]).unwrap();
        assert!(invented.contains("no client invoked"), "{invented}");
    }
}
