//! The acceptor: promises not to accept lower ballots (phase 1b) and accepts values
//! (phase 2b), making both durable before it replies.

use crate::paxos::messages::{Ballot, Msg, Value, Vote};
use crate::paxos::server::{Ctx, Role, Server};
use crate::paxos::situations as s;
use faultline_sim::NodeId;

impl Server {
    pub fn on_prepare(
        &mut self,
        ctx: &mut Ctx<'_>,
        proposer: NodeId,
        ballot: Ballot,
        from_slot: u64,
    ) {
        if ballot < self.promised {
            ctx.sometimes(s::REFUSED_PREPARE);
            ctx.send(
                proposer,
                Msg::Nack {
                    ballot,
                    promised: self.promised,
                },
            );
            return;
        }
        if ballot > self.promised {
            self.promised = ballot;
            // Durable before the promise leaves, unless the bug skips the fsync.
            self.persist_promise(ctx, !self.config.bugs.promise_not_persisted);
            self.notice_higher_ballot(ctx, ballot);
        }
        let votes = self
            .accepted
            .range(from_slot..)
            .map(|(_, v)| v.clone())
            .collect();
        ctx.send(proposer, Msg::Promise { ballot, votes });
    }

    pub fn on_accept(
        &mut self,
        ctx: &mut Ctx<'_>,
        proposer: NodeId,
        ballot: Ballot,
        slot: u64,
        value: Value,
    ) {
        if ballot < self.promised && !self.config.bugs.accept_lower_ballot {
            ctx.sometimes(s::REFUSED_ACCEPT);
            ctx.send(
                proposer,
                Msg::Nack {
                    ballot,
                    promised: self.promised,
                },
            );
            return;
        }
        self.promised = self.promised.max(ballot);
        debug_assert!(
            self.config.bugs.accept_lower_ballot
                || self.accepted.get(&slot).is_none_or(|v| v.ballot <= ballot),
            "a slot's accepted ballot never decreases"
        );
        let vote = Vote {
            slot,
            ballot,
            value,
        };
        self.accepted.insert(slot, vote.clone());
        debug_assert!(ballot <= self.promised, "accepted within the promise");
        self.persist_vote(ctx, vote.clone());
        self.accept_log.push(vote);
        self.follow(ctx, ballot);
        let executed = self.durable_executed;
        ctx.send(
            proposer,
            Msg::Accepted {
                ballot,
                slot,
                executed,
            },
        );
    }

    /// A live leader with `ballot` was heard from.
    pub fn follow(&mut self, ctx: &mut Ctx<'_>, ballot: Ballot) {
        self.notice_higher_ballot(ctx, ballot);
        if ballot.proposer != self.id || self.role == Role::Follower {
            self.leader_hint = Some(ballot.proposer);
        }
        self.leader_heard_at = Some(ctx.now());
        if self.role == Role::Follower {
            self.reset_election_timer(ctx);
        }
    }

    /// Steps down if someone holds a higher ballot than ours.
    pub fn notice_higher_ballot(&mut self, ctx: &mut Ctx<'_>, ballot: Ballot) {
        if self.role != Role::Follower && ballot > self.ballot {
            self.step_down(ctx);
        }
    }
}
