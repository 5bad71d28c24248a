//! `answers_linearizable`: every answer a client accepted is what the committed log
//! gave its request.
//!
//! Every request (reads included) goes through the log, and the service answers it
//! from the state machine when its entry applies, so the log order is the service's
//! linearization: an operation takes effect at its entry's index, which lies after
//! its invocation (the entry carries the request's sequence number, made at the
//! invocation) and, if the answer came from the log, before the answer. The check
//! therefore holds the history to the sequential tree applied in log order (the
//! checker's own replica): an answer must be the one the replica produced for the
//! same session and request when it applied that entry. An answer to a request with
//! no committed entry yet (a server answering from its own state, or before commit)
//! or a different answer (a stale read, a lost write) is not linearizable.

use crate::protocol::Violation;
use crate::zk::node::ZkNode;
use crate::zk::ops::{SessionId, ZkOutput, ZkResponse, Zxid};
use crate::zk::properties::ANSWERS_LINEARIZABLE;
use crate::zk::tree::Notices;
use faultline_sim::time::format_nanos;
use faultline_sim::{NodeId, World};
use std::collections::BTreeMap;

#[derive(Debug, Default)]
pub struct AnswerCheck {
    /// (session, request) → the entry that answered it in the committed log, and
    /// the answer.
    committed: BTreeMap<(SessionId, u64), (Zxid, ZkOutput)>,
    /// Per client node: how many of its accepted answers were checked.
    read: BTreeMap<NodeId, usize>,
}

impl AnswerCheck {
    /// Notes the answers the replica produced applying the committed entry `zxid`.
    pub fn on_committed(&mut self, zxid: Zxid, notices: &Notices) {
        for (_, notice) in notices {
            if let ZkResponse::Reply {
                session,
                seq,
                output,
            } = notice
            {
                self.committed
                    .entry((*session, *seq))
                    .or_insert_with(|| (zxid, output.clone()));
            }
        }
    }

    /// Holds the answers `client` accepted since it was last looked at to the log.
    pub fn check_client(&mut self, world: &World<ZkNode>, node: NodeId) -> Result<(), Violation> {
        let Some(client) = world.actor(node).and_then(ZkNode::as_client) else {
            return Ok(());
        };
        let read = self.read.entry(node).or_insert(0);
        for (session, seq, answer) in &client.answers[*read..] {
            let wrong = match self.committed.get(&(*session, *seq)) {
                Some((_, committed)) if committed == answer => continue,
                Some((zxid, committed)) => {
                    format!("the log answered it at zxid {zxid} with {committed:?}")
                }
                None => "no committed entry answers it".to_string(),
            };
            let detail = format!(
                "n{} accepted {answer:?} for request {seq} of session {session:#x} at {}, but \
                    {wrong}",
                node.0,
                format_nanos(world.now())
            );
            return Err(Violation::of(&ANSWERS_LINEARIZABLE, detail));
        }
        *read = client.answers.len();
        Ok(())
    }
}
