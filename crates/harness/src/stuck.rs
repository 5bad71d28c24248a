//! Words for a `stuck` verdict: did the clients stop, or were they still going?
//!
//! A run is stuck when client operations remain at its end. That has two very different
//! causes: the system stopped making progress (a liveness bug), or it was still
//! completing operations and the workload simply did not fit in the run (the scenario's
//! `quiet` is too short for its `ops` under these faults). The verdict is the same; the
//! detail says which one the history shows, so a user knows whether to read the protocol
//! or lengthen the run.

use faultline_api::{ClientEvent, ClientEventKind, TimedClientEvent};
use faultline_sim::time::{format_nanos, Nanos};
use faultline_sim::NodeId;
use std::collections::BTreeMap;

/// The detail of a stuck verdict at `now_ns`, from the client history and the end of the
/// fault period.
pub fn detail(
    unfinished: usize,
    now_ns: Nanos,
    fault_period_end_ns: Nanos,
    history: &[TimedClientEvent],
) -> String {
    let head = format!(
        "{} still unfinished at {} (the quiet period after the faults healed ran out)",
        operations(unfinished).replacen("operation", "client operation", 1),
        format_nanos(now_ns)
    );
    let completed_after: Vec<Nanos> = history
        .iter()
        .filter(|e| e.time_ns > fault_period_end_ns && e.value.kind != ClientEventKind::Invoke)
        .map(|e| e.time_ns)
        .collect();
    match completed_after.last() {
        None => format!(
            "{head}; no operation completed after {}",
            format_nanos(fault_period_end_ns)
        ),
        Some(last_ns) => format!(
            "{head}; {} completed in the quiet period, the last at {}: if the system was \
             still making progress, the workload may not fit the run (raise `quiet` or \
             lower `ops`)",
            operations(completed_after.len()),
            format_nanos(*last_ns)
        ),
    }
}

/// What a stuck verdict is judged from, tallied client event by client event as
/// the run goes (so judging it needs no history read back): each process's open
/// invocation, and how many operations completed and how many `ok`.
#[derive(Debug, Default)]
pub struct ClientTally {
    /// Per process: the node and operation of its invocation if its last event is
    /// one.
    waiting: BTreeMap<u64, Option<(NodeId, &'static str)>>,
    completed: usize,
    ok: usize,
}

impl ClientTally {
    /// The tally of a whole history.
    #[cfg(test)]
    pub fn of(history: &[TimedClientEvent]) -> Self {
        let mut tally = ClientTally::default();
        for event in history {
            tally.record(event.node, &event.value);
        }
        tally
    }

    /// Counts `event`, observed on client node `node`.
    pub fn record(&mut self, node: NodeId, event: &ClientEvent) {
        let invoked = event.kind == ClientEventKind::Invoke;
        self.waiting
            .insert(event.process, invoked.then_some((node, event.f)));
        if !invoked {
            self.completed += 1;
            self.ok += usize::from(event.kind == ClientEventKind::Ok);
        }
    }

    /// Operations invoked and never answered on client nodes that `lived` (ran to
    /// the end as one process: a crashed client's operation died with it): each
    /// such process whose last event is an invocation. A protocol whose
    /// `unfinished_ops` counts fewer is wrong about its own clients, and the run is
    /// judged by the history.
    pub fn unanswered(&self, lived: impl Fn(NodeId) -> bool) -> usize {
        let waiting = self.waiting.values().flatten();
        waiting.filter(|&&(node, _)| lived(node)).count()
    }

    /// The processes waiting for an answer: process, client node, operation.
    pub fn waiting(&self) -> impl Iterator<Item = (u64, NodeId, &'static str)> + '_ {
        let waiting = self.waiting.iter();
        waiting.filter_map(|(&process, open)| open.map(|(node, f)| (process, node, f)))
    }

    /// The detail of a run whose clients were answered but never served: at least
    /// `COMPLETIONS_MIN` operations completed and not one of them `ok`. Every check
    /// of what the service did passes vacuously when it does nothing (a lock service
    /// that times out every acquire grants no overlapping leases), so this is judged
    /// as no progress.
    pub fn never_served(&self) -> Option<String> {
        (self.completed >= COMPLETIONS_MIN && self.ok == 0).then(|| {
            format!(
                "no client operation succeeded: {} completed, none `ok` (every one failed or \
                 timed out), so the service answered but never served",
                operations(self.completed)
            )
        })
    }
}

/// The detail of a stuck verdict the protocol's own count missed: `unanswered`
/// operations waiting in the history while `unfinished_ops` said `unfinished`.
pub fn undercounted(unfinished: usize, unanswered: usize) -> String {
    format!(
        "the client history has {} invoked and never answered, but the protocol's \
         `unfinished_ops` counted {unfinished}: the run ended as if the clients were done",
        operations(unanswered)
    )
}

/// Completions a run needs before `never_served` judges it: fewer say too little.
const COMPLETIONS_MIN: usize = 10;

fn operations(count: usize) -> String {
    match count {
        1 => "1 operation".to_string(),
        n => format!("{n} operations"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_api::ClientEvent;

    fn event(time_ns: Nanos, kind: ClientEventKind) -> TimedClientEvent {
        let value = ClientEvent {
            process: 5,
            kind,
            f: "get",
            key: Some("k".into()),
            value: None,
        };
        TimedClientEvent {
            time_ns,
            node: NodeId(5),
            value,
        }
    }

    #[test]
    fn a_process_whose_last_event_is_an_invocation_is_unanswered() {
        let mut other = event(30, ClientEventKind::Invoke);
        other.value.process = 6;
        let history = [
            event(10, ClientEventKind::Invoke),
            event(20, ClientEventKind::Info),
            other,
            event(40, ClientEventKind::Invoke),
        ];
        let unanswered = |history: &[TimedClientEvent], lived: &dyn Fn(NodeId) -> bool| {
            ClientTally::of(history).unanswered(lived)
        };
        assert_eq!(unanswered(&history, &|_| true), 2);
        assert_eq!(unanswered(&history[..2], &|_| true), 0);
        assert_eq!(unanswered(&history, &|node| node != NodeId(5)), 0);
    }

    #[test]
    fn a_history_of_failures_only_was_never_served() {
        let mut history = Vec::new();
        for i in 0..COMPLETIONS_MIN as u64 {
            history.push(event(2 * i, ClientEventKind::Invoke));
            history.push(event(2 * i + 1, ClientEventKind::Fail));
        }
        let never_served = |history: &[TimedClientEvent]| ClientTally::of(history).never_served();
        let words = never_served(&history).expect("no op succeeded");
        assert!(
            words.starts_with("no client operation succeeded: 10 operations"),
            "{words}"
        );
        history.push(event(100, ClientEventKind::Invoke));
        history.push(event(101, ClientEventKind::Ok));
        assert_eq!(never_served(&history), None);
        assert_eq!(never_served(&history[..4]), None, "too few to judge");
    }

    #[test]
    fn a_history_silent_after_the_faults_reads_as_stopped() {
        const MS: Nanos = 1_000_000;
        let history = [
            event(10 * MS, ClientEventKind::Invoke),
            event(20 * MS, ClientEventKind::Ok),
        ];
        let words = detail(1, 100 * MS, 50 * MS, &history);
        assert!(
            words.ends_with("no operation completed after 50.000ms"),
            "{words}"
        );
    }

    #[test]
    fn completions_in_the_quiet_period_read_as_a_workload_too_big() {
        let history = [
            event(60, ClientEventKind::Invoke),
            event(70_000_000, ClientEventKind::Ok),
            event(80_000_000, ClientEventKind::Invoke),
        ];
        let words = detail(3, 100_000_000, 50, &history);
        assert!(words.contains("1 operation completed in the quiet period, the last at 70.000ms"));
        assert!(words.contains("raise `quiet`"), "{words}");
    }
}
