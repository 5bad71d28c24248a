//! Commitment and application: the leader commits an index once a majority stores it
//! and it belongs to the leader's own term (the current-term rule of §5.4.2); every
//! server applies committed entries in order to its state machine (`Machine::apply`,
//! which for the key-value store also answers the client that asked).

use crate::raft::machine::Machine;
use crate::raft::messages::Payload;
use crate::raft::server::{Ctx, Role, Server};

impl<M: Machine> Server<M> {
    /// Records that server `p` stores the log up to `index`.
    pub fn set_match(&mut self, p: usize, index: u64) {
        let was_past = self.match_index[p] > self.commit_index;
        self.match_index[p] = index;
        let is_past = index > self.commit_index;
        match (was_past, is_past) {
            (false, true) => self.match_past_commit += 1,
            (true, false) => self.match_past_commit -= 1,
            _ => {}
        }
    }

    /// Commits the highest index a majority stores, if it is of the leader's term:
    /// entries below it are of earlier terms or the same one (terms never fall along a
    /// log), so no lower index could commit when it cannot.
    pub fn advance_commit(&mut self, ctx: &mut Ctx<'_, M>) {
        if self.role != Role::Leader {
            return;
        }
        debug_assert_eq!(
            self.match_past_commit,
            self.count_match_past(self.commit_index),
            "match_past_commit counts the match indexes past the commit"
        );
        let majority = self.config.majority();
        if self.match_past_commit < majority {
            return;
        }
        let stored_by_majority = self.highest_stored_by(majority);
        if stored_by_majority <= self.commit_index {
            return; // the log ends at the commit (a bug may have pushed it past)
        }
        let own_term = self.log.term_at(stored_by_majority) == Some(self.term);
        if own_term || self.config.bugs.commit_previous_term {
            self.commit_index = stored_by_majority;
            self.match_past_commit = self.count_match_past(stored_by_majority);
            self.apply_committed(ctx);
        }
    }

    /// The highest index at least `quorum` servers' match indexes reach.
    fn highest_stored_by(&self, quorum: usize) -> u64 {
        let mut matches = self.match_index.clone();
        let (_, nth, _) = matches.select_nth_unstable_by(quorum - 1, |a, b| b.cmp(a));
        (*nth).min(self.log.last_index())
    }

    fn count_match_past(&self, index: u64) -> usize {
        self.match_index.iter().filter(|&&m| m > index).count()
    }

    pub fn apply_committed(&mut self, ctx: &mut Ctx<'_, M>) {
        debug_assert!(
            self.commit_index <= self.log.last_index(),
            "commit within the log"
        );
        while self.last_applied < self.commit_index {
            let index = self.last_applied + 1;
            let Some(entry) = self.log.entry(index) else {
                break; // only with commit_index_unbounded on a short log
            };
            self.last_applied = index;
            let Payload::Command(command) = &entry.payload else {
                continue;
            };
            let command = command.clone();
            M::apply(self, ctx, index, &command);
        }
        self.maybe_compact(ctx);
    }
}
