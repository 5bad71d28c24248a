//! Commitment and application: the leader commits an index once a majority stores it
//! and it belongs to the leader's own term (the current-term rule of §5.4.2); every
//! server applies committed entries in order to its state machine (`Machine::apply`,
//! which for the key-value store also answers the client that asked).

use crate::raft::machine::Machine;
use crate::raft::messages::Payload;
use crate::raft::server::{Ctx, Role, Server};

impl<M: Machine> Server<M> {
    pub fn advance_commit(&mut self, ctx: &mut Ctx<'_, M>) {
        if self.role != Role::Leader {
            return;
        }
        let majority = self.config.majority();
        let mut candidate = self.log.last_index();
        while candidate > self.commit_index {
            let replicas = self.match_index.iter().filter(|&&m| m >= candidate).count();
            let own_term = self.log.term_at(candidate) == Some(self.term);
            if replicas >= majority && (own_term || self.config.bugs.commit_previous_term) {
                self.commit_index = candidate;
                self.apply_committed(ctx);
                return;
            }
            candidate -= 1;
        }
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
