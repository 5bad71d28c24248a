//! The client history judged as the run goes: each client event, as it is observed,
//! goes to the linearizability stream and to the tally a stuck verdict is judged
//! from. A run whose stream passes is judged without reading its history back, so a
//! run that keeps no history in its outcome (fuzzing, `faultline bench`) never copies
//! it; any other run reads it back and is judged exactly as before (the whole-history
//! check, with its counterexample), since the world still holds every observation.

use crate::linearizability::{feed, stream_limits};
use crate::stuck::ClientTally;
use faultline_api::ClientEvent;
use faultline_check::{HistoryModel, HistoryStream, Verdict};
use faultline_sim::NodeId;

/// What the run has judged of its client history so far.
pub(crate) struct LiveHistory<'m> {
    /// The linearizability stream; `None` without a model, or once an event was
    /// refused (a malformed history: the whole-history check says what is wrong).
    stream: Option<Box<dyn HistoryStream + 'm>>,
    /// Client events seen: the next one's place in the history, from 0.
    events: usize,
    tally: ClientTally,
}

impl<'m> LiveHistory<'m> {
    pub(crate) fn new(model: Option<&'m dyn HistoryModel>) -> Self {
        LiveHistory {
            stream: model.map(|m| m.stream(stream_limits())),
            events: 0,
            tally: ClientTally::default(),
        }
    }

    /// Takes in client event `event`, observed on node `node`.
    pub(crate) fn record(&mut self, node: NodeId, event: &ClientEvent) {
        self.events += 1;
        self.tally.record(node, event);
        if let Some(stream) = self.stream.as_mut() {
            if feed(stream.as_mut(), event, self.events).is_err() {
                self.stream = None;
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
    fn a_malformed_event_or_no_model_is_not_a_pass() {
        use ClientEventKind::Ok;
        assert!(!passes(&[event(1, Ok, "write", "1")]), "never invoked");
        let mut live = LiveHistory::new(None);
        live.record(NodeId(1), &event(1, ClientEventKind::Invoke, "read", ""));
        assert!(!live.stream_passes());
        assert_eq!(live.tally().unanswered(|_| true), 1);
    }
}
