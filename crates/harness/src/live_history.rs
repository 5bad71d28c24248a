//! The client history judged as the run goes: each client event, as it is observed,
//! goes to the linearizability stream and to the tally a stuck verdict is judged
//! from. A run whose stream passes is judged without reading its history back, so a
//! run that keeps no history in its outcome (fuzzing, `faultline bench`) never copies
//! it; any other run reads it back and is judged exactly as before (the whole-history
//! check, with its counterexample), since the world still holds every observation.

use crate::linearizability::{feed, stream_limits};
use crate::stuck::ClientTally;
use faultline_api::ClientEvent;
use faultline_check::{Func, HistoryModel, HistoryStream, Status, Val, Verdict};
use faultline_sim::NodeId;
use std::collections::BTreeSet;

/// What the run has judged of its client history so far.
pub(crate) struct LiveHistory<'m> {
    /// The linearizability stream; `None` without a model, or once an event was
    /// refused (a malformed history: the whole-history check says what is wrong).
    stream: Option<Box<dyn HistoryStream + 'm>>,
    /// Client events seen: the next one's place in the history, from 0.
    events: usize,
    /// Processes whose operation a crash ended: gone, so one that invokes again is
    /// a malformed history (the whole-history check says so).
    crashed: BTreeSet<u64>,
    tally: ClientTally,
}

impl<'m> LiveHistory<'m> {
    pub(crate) fn new(model: Option<&'m dyn HistoryModel>) -> Self {
        LiveHistory {
            stream: model.map(|m| m.stream(stream_limits())),
            events: 0,
            crashed: BTreeSet::new(),
            tally: ClientTally::default(),
        }
    }

    /// Takes in client event `event`, observed on node `node`.
    pub(crate) fn record(&mut self, node: NodeId, event: &ClientEvent) {
        self.events += 1;
        self.tally.record(node, event);
        if !self.crashed.is_empty() && self.crashed.contains(&event.process) {
            self.stream = None;
        }
        if let Some(stream) = self.stream.as_mut() {
            if feed(stream.as_mut(), event, self.events).is_err() {
                self.stream = None;
            }
        }
    }

    /// Ends the open operations of client nodes that `crashed`: a crashed client's
    /// process is gone (it comes back as a new one), so its operation will never
    /// complete and is `info`, which is what the whole-history check makes of it.
    /// Said now, its key's later events need not wait for the end of the run.
    pub(crate) fn end_crashed(&mut self, crashed: impl Fn(NodeId) -> bool) {
        let waiting = self.tally.waiting();
        let ended: Vec<(u64, &'static str)> = waiting
            .filter(|&(process, node, _)| crashed(node) && !self.crashed.contains(&process))
            .map(|(process, _, f)| (process, f))
            .collect();
        self.crashed
            .extend(ended.iter().map(|&(process, _)| process));
        let Some(stream) = self.stream.as_mut() else {
            return;
        };
        for (process, f) in ended {
            let ended =
                stream.complete(process, Func::named(f), Status::Info, Val::Nil, self.events);
            if ended.is_err() {
                self.stream = None;
                return;
            }
        }
    }

    pub(crate) fn tally(&self) -> &ClientTally {
        &self.tally
    }

    /// Ends the stream: whether it found the history linearizable. Anything else
    /// (a violation, a malformed event, too much concurrency, no model) is `false`,
    /// and the history is then checked whole. Asked once; `false` after.
    pub(crate) fn stream_passes(&mut self) -> bool {
        let stream = self.stream.take();
        stream.is_some_and(|s| s.finish().verdict == Verdict::Linearizable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_api::ClientEventKind;
    use faultline_check::models::register::Register;

    fn event(process: u64, kind: ClientEventKind, f: &'static str, value: &str) -> ClientEvent {
        ClientEvent {
            process,
            kind,
            f,
            key: None,
            value: Some(value.to_string()),
        }
    }

    fn passes(events: &[ClientEvent]) -> bool {
        let model = Register;
        let mut live = LiveHistory::new(Some(&model));
        for e in events {
            live.record(NodeId(e.process as u32), e);
        }
        live.stream_passes()
    }

    #[test]
    fn a_stale_read_fails_the_stream_and_a_fresh_one_passes() {
        use ClientEventKind::{Invoke, Ok};
        let write = [event(1, Invoke, "write", "1"), event(1, Ok, "write", "1")];
        let read = |value| [event(2, Invoke, "read", ""), event(2, Ok, "read", value)];
        assert!(passes(&[write.clone(), read("1")].concat()));
        assert!(!passes(&[write.clone(), read("0")].concat()));
    }

    #[test]
    fn a_crashed_clients_write_is_info_and_may_explain_a_later_read() {
        use ClientEventKind::{Invoke, Ok};
        let model = Register;
        let mut live = LiveHistory::new(Some(&model));
        live.record(NodeId(1), &event(1, Invoke, "write", "7"));
        live.end_crashed(|node| node == NodeId(2));
        assert!(
            live.crashed.is_empty(),
            "only a crashed client's operation ends"
        );
        live.end_crashed(|node| node == NodeId(1));
        assert!(live.crashed.contains(&1));
        live.record(NodeId(3), &event(3, Invoke, "read", ""));
        live.record(NodeId(3), &event(3, Ok, "read", "7"));
        assert!(
            live.stream_passes(),
            "the crashed write may have taken effect"
        );
    }

    #[test]
    fn a_process_ended_by_a_crash_that_invokes_again_is_left_to_the_whole_check() {
        use ClientEventKind::{Invoke, Ok};
        let model = Register;
        let mut live = LiveHistory::new(Some(&model));
        live.record(NodeId(1), &event(1, Invoke, "write", "7"));
        live.end_crashed(|_| true);
        live.record(NodeId(1), &event(1, Invoke, "read", ""));
        live.record(NodeId(1), &event(1, Ok, "read", "7"));
        assert!(!live.stream_passes(), "a malformed history is not passed");
    }

    #[test]
    fn a_malformed_event_or_no_model_is_not_a_pass() {
        use ClientEventKind::Ok;
        assert!(!passes(&[event(1, Ok, "write", "1")]), "never invoked");
        let mut live = LiveHistory::new(None);
        live.record(NodeId(1), &event(1, ClientEventKind::Invoke, "read", ""));
        assert!(!live.stream_passes());
        assert_eq!(live.tally().unanswered(|_| true), 1);
    }
}
