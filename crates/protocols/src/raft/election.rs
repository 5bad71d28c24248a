//! Leader election: randomized timeouts, PreVote, votes with the §5.4.1 up-to-date
//! check, and CheckQuorum (a leader that cannot hear a majority steps down).

use crate::raft::machine::Machine;
use crate::raft::messages::{Msg, Timer};
use crate::raft::server::{Ctx, Role, Server};
use crate::raft::situations as s;
use faultline_sim::actor::Role as NodeRole;
use faultline_sim::NodeId;

impl<M: Machine> Server<M> {
    pub fn reset_election_timer(&mut self, ctx: &mut Ctx<'_, M>) {
        let (lo, hi) = (
            self.config.election_timeout_ns_min,
            self.config.election_timeout_ns_max,
        );
        let timeout = ctx.rng().range_inclusive(lo, hi);
        ctx.reset_timer(&mut self.election_timer, timeout, Timer::Election);
    }

    pub fn on_election_timeout(&mut self, ctx: &mut Ctx<'_, M>) {
        self.election_timer = None;
        if self.role == Role::Leader {
            return;
        }
        if self.config.pre_vote {
            self.start_pre_vote(ctx);
        } else {
            self.start_election(ctx);
        }
        self.reset_election_timer(ctx);
    }

    fn start_pre_vote(&mut self, ctx: &mut Ctx<'_, M>) {
        self.role = Role::PreCandidate;
        self.votes = [self.id].into();
        self.ask_for_votes(ctx, self.term + 1, true);
        self.maybe_win(ctx, true);
    }

    fn start_election(&mut self, ctx: &mut Ctx<'_, M>) {
        self.role = Role::Candidate;
        self.term += 1;
        self.voted_for = Some(self.id);
        self.save_hard_state(ctx, true);
        self.leader_hint = None;
        self.votes = [self.id].into();
        self.ask_for_votes(ctx, self.term, false);
        self.maybe_win(ctx, false);
    }

    fn ask_for_votes(&mut self, ctx: &mut Ctx<'_, M>, term: u64, pre_vote: bool) {
        let (last_log_index, last_log_term) = (self.log.last_index(), self.log.last_term());
        for peer in self.peers().collect::<Vec<_>>() {
            let msg = Msg::RequestVote {
                term,
                last_log_index,
                last_log_term,
                pre_vote,
            };
            ctx.send(NodeId(peer), msg);
        }
    }

    /// §5.4.1: the candidate's log is at least as up to date as ours.
    fn log_up_to_date(&self, (last_index, last_term): (u64, u64)) -> bool {
        if self.config.bugs.no_up_to_date_check {
            return true;
        }
        (last_term, last_index) >= (self.log.last_term(), self.log.last_index())
    }

    /// A leader was heard from within the minimum election timeout, by this server's
    /// clock. A clock that has gone back since says nothing of how long ago that was:
    /// not recent, or a jump back would hold off every election for its size.
    fn leader_is_recent(&self, ctx: &Ctx<'_, M>) -> bool {
        self.role == Role::Leader
            || self.leader_heard_at.is_some_and(|at| {
                let elapsed_ns = ctx.now().checked_sub(at);
                elapsed_ns.is_some_and(|ns| ns < self.config.election_timeout_ns_min)
            })
    }

    pub fn on_request_vote(
        &mut self,
        ctx: &mut Ctx<'_, M>,
        candidate: u32,
        term: u64,
        log: (u64, u64),
        pre_vote: bool,
    ) {
        if pre_vote {
            // Grant a pre-vote only if we would vote and have no live leader.
            let granted =
                term > self.term && self.log_up_to_date(log) && !self.leader_is_recent(ctx);
            if !granted {
                ctx.sometimes(s::PRE_VOTE_REFUSED);
            }
            // A grant names the term it was asked about; a refusal names ours, so a
            // pre-candidate behind us learns our term (it would otherwise ask about a
            // term we are past for ever, and with a server down for good the others
            // could wait on each other with no leader).
            let term = if granted { term } else { self.term };
            ctx.send(
                NodeId(candidate),
                Msg::Vote {
                    term,
                    granted,
                    pre_vote: true,
                },
            );
            return;
        }
        self.observe_term(ctx, term);
        let free = self.voted_for.is_none() || self.voted_for == Some(candidate);
        let granted = term == self.term && free && self.log_up_to_date(log);
        if granted {
            self.voted_for = Some(candidate);
            // Durable before the vote leaves, unless the bug skips the fsync.
            self.save_hard_state(ctx, !self.config.bugs.vote_not_persisted);
            self.reset_election_timer(ctx);
        }
        ctx.send(
            NodeId(candidate),
            Msg::Vote {
                term: self.term,
                granted,
                pre_vote: false,
            },
        );
    }

    pub fn on_vote(
        &mut self,
        ctx: &mut Ctx<'_, M>,
        voter: u32,
        term: u64,
        granted: bool,
        pre_vote: bool,
    ) {
        if pre_vote {
            if !granted {
                // A refusal carries the voter's term: catch up if it is ahead.
                self.observe_term(ctx, term);
            } else if self.role == Role::PreCandidate && term == self.term + 1 {
                self.votes.insert(voter);
                self.maybe_win(ctx, true);
            }
            return;
        }
        self.observe_term(ctx, term);
        if self.role == Role::Candidate && term == self.term && granted {
            self.votes.insert(voter);
            self.maybe_win(ctx, false);
        }
    }

    fn maybe_win(&mut self, ctx: &mut Ctx<'_, M>, pre_vote: bool) {
        if self.votes.len() < self.config.majority() {
            return;
        }
        if pre_vote {
            ctx.sometimes(s::PRE_VOTE_WON);
            self.start_election(ctx);
        } else {
            self.become_leader(ctx);
        }
    }

    fn become_leader(&mut self, ctx: &mut Ctx<'_, M>) {
        debug_assert_eq!(self.voted_for, Some(self.id), "a leader voted for itself");
        self.role = Role::Leader;
        self.leader_hint = Some(self.id);
        let (next, servers) = (self.log.last_index() + 1, self.config.servers as usize);
        self.next_index.clear();
        self.next_index.resize(servers, next);
        self.match_index.clear();
        self.match_index.resize(servers, 0);
        self.match_past_commit = 0;
        self.acked_since_check.clear();
        self.set_match(self.id as usize, self.durable_index);
        if self.commit_index < self.log.last_index() {
            ctx.sometimes(s::ELECTED_WITH_UNCOMMITTED);
        }
        // Catch followers up first; the no-op of the new term, which lets entries of
        // earlier terms commit under the current-term rule (§5.4.2), follows with the
        // first heartbeat.
        self.noop_pending = self.config.leader_noop;
        self.broadcast_append(ctx);
        ctx.set_timer(self.config.heartbeat_ns, Timer::Heartbeat);
    }

    pub fn on_check_quorum(&mut self, ctx: &mut Ctx<'_, M>) {
        if self.role == Role::Leader && self.acked_since_check.len() + 1 < self.config.majority() {
            ctx.sometimes(s::CHECK_QUORUM_STEP_DOWN);
            self.become_follower(ctx);
        }
        self.acked_since_check.clear();
        ctx.set_timer(self.config.election_timeout_ns_max, Timer::CheckQuorum);
    }

    /// What fault targets see: the leader, ranked by term.
    pub fn node_role(&self) -> Option<NodeRole> {
        (self.role == Role::Leader).then_some(NodeRole {
            name: "leader",
            rank: self.term,
        })
    }
}
