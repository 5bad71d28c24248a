//! The proposer: a server that suspects the leader is gone runs phase 1 with a higher
//! ballot for every open slot at once, adopts the highest-ballot value any promise
//! reports for each slot (holes become no-ops), then, as the distinguished leader,
//! runs only phase 2 for new client commands. Without a stable leader every server
//! with a request competes for the slot; one that lost a ballot keeps its requests and
//! competes again only after a random backoff whose window doubles with each ballot
//! lost in a row (`backoff`), so duelling proposers stop preempting each other.

use crate::kv::{KvRequest, KvResponse};
use crate::paxos::messages::{Ballot, Msg, Timer, Value, Vote};
use crate::paxos::server::{Ctx, Proposal, Role, Server};
use crate::paxos::situations as s;
use faultline_sim::NodeId;
use std::collections::BTreeMap;

impl Server {
    pub fn on_election_timeout(&mut self, ctx: &mut Ctx<'_>) {
        self.election_timer = None;
        // By this server's clock; one that has gone back since it heard the leader
        // says nothing of how long ago that was, and would hold off phase 1 for the
        // size of the jump: not recent.
        let leader_recent = self.leader_heard_at.is_some_and(|at| {
            let elapsed_ns = ctx.now().checked_sub(at);
            elapsed_ns.is_some_and(|ns| ns < self.config.election_timeout_ns_min)
        });
        if self.role == Role::Follower && !leader_recent {
            self.start_prepare(ctx);
        } else if self.role == Role::Preparing {
            ctx.sometimes(s::RETRIED_PHASE_ONE);
            self.start_prepare(ctx); // phase 1 stalled: try again, higher
        }
        if self.role != Role::Leader {
            self.reset_election_timer(ctx);
        }
    }

    pub fn start_prepare(&mut self, ctx: &mut Ctx<'_>) {
        let round = self.promised.round.max(self.ballot.round) + 1;
        // The bug drops the proposer-id tiebreak: two proposers may share a ballot.
        let proposer = if self.config.bugs.non_unique_ballots {
            0
        } else {
            self.id
        };
        self.ballot = Ballot { round, proposer };
        self.role = Role::Preparing;
        self.promised_by.clear();
        self.promise_votes.clear();
        for server in self.all_servers().collect::<Vec<_>>() {
            ctx.send(
                server,
                Msg::Prepare {
                    ballot: self.ballot,
                    from_slot: self.next_exec,
                },
            );
        }
    }

    /// Counts a vote from `acceptor`: each acceptor once, unless the bug counts messages.
    fn count(voters: &mut Vec<u32>, acceptor: u32, duplicates_count: bool) {
        if duplicates_count || !voters.contains(&acceptor) {
            voters.push(acceptor);
        }
    }

    pub fn on_promise(
        &mut self,
        ctx: &mut Ctx<'_>,
        acceptor: u32,
        ballot: Ballot,
        votes: Vec<Vote>,
    ) {
        if self.role != Role::Preparing || ballot != self.ballot {
            return;
        }
        Self::count(
            &mut self.promised_by,
            acceptor,
            self.config.bugs.count_duplicate_votes,
        );
        self.promise_votes.extend(votes);
        if self.promised_by.len() >= self.config.majority() {
            self.become_leader(ctx);
        }
    }

    fn become_leader(&mut self, ctx: &mut Ctx<'_>) {
        debug_assert!(
            self.config.bugs.count_duplicate_votes
                || distinct(&self.promised_by) >= self.config.majority(),
            "phase 1 needs promises from a majority of distinct acceptors"
        );
        self.role = Role::Leader;
        self.lost_ballots = 0;
        self.leader_hint = Some(self.id);
        self.proposals.clear();
        let recovered = self.recovered_values();
        let last_voted = recovered.keys().next_back().copied().unwrap_or(0);
        self.next_slot = self.next_exec.max(last_voted + 1);
        for slot in self.next_exec..self.next_slot {
            let value = recovered.get(&slot).cloned().unwrap_or(Value::Noop);
            let was_voted = recovered.contains_key(&slot);
            ctx.sometimes(if was_voted {
                s::REPROPOSED_ACCEPTED_VALUE
            } else {
                s::FILLED_HOLE_WITH_NOOP
            });
            self.propose(ctx, slot, value);
        }
        for (client, request) in std::mem::take(&mut self.queued) {
            self.on_client_request(ctx, client, request);
        }
        ctx.set_timer(self.config.heartbeat_ns, Timer::Heartbeat);
    }

    /// For each slot, the value of the highest-ballot vote among the promises (P2c),
    /// or, with the bug, a no-op regardless of what was accepted.
    fn recovered_values(&self) -> BTreeMap<u64, Value> {
        let mut best: BTreeMap<u64, &Vote> = BTreeMap::new();
        for vote in &self.promise_votes {
            if vote.slot < self.next_exec {
                continue;
            }
            let entry = best.entry(vote.slot).or_insert(vote);
            if vote.ballot > entry.ballot {
                *entry = vote;
            }
        }
        best.into_iter()
            .map(|(slot, vote)| {
                let value = if self.config.bugs.ignore_accepted_value {
                    Value::Noop
                } else {
                    vote.value.clone()
                };
                (slot, value)
            })
            .collect()
    }

    fn propose(&mut self, ctx: &mut Ctx<'_>, slot: u64, value: Value) {
        let proposal = Proposal {
            value: value.clone(),
            accepted_by: Vec::new(),
            chosen: false,
        };
        self.proposals.insert(slot, proposal);
        for server in self.all_servers().collect::<Vec<_>>() {
            ctx.send(
                server,
                Msg::Accept {
                    ballot: self.ballot,
                    slot,
                    value: value.clone(),
                },
            );
        }
    }

    pub fn on_accepted(&mut self, ctx: &mut Ctx<'_>, acceptor: u32, ballot: Ballot, slot: u64) {
        if self.role != Role::Leader || ballot != self.ballot {
            return;
        }
        let majority = self.config.majority();
        let duplicates_count = self.config.bugs.count_duplicate_votes;
        let Some(proposal) = self.proposals.get_mut(&slot) else {
            return;
        };
        Self::count(&mut proposal.accepted_by, acceptor, duplicates_count);
        if proposal.chosen || proposal.accepted_by.len() < majority {
            return;
        }
        debug_assert!(duplicates_count || distinct(&proposal.accepted_by) >= majority);
        proposal.chosen = true;
        let value = proposal.value.clone();
        for server in self
            .all_servers()
            .filter(|&s| s.0 != self.id)
            .collect::<Vec<_>>()
        {
            ctx.send(
                server,
                Msg::Decide {
                    slot,
                    value: value.clone(),
                },
            );
        }
        // The leader learns at once: its own Decide could be lost on the network.
        self.on_decide(ctx, slot, value);
    }

    pub fn on_nack(&mut self, ctx: &mut Ctx<'_>, ballot: Ballot, promised: Ballot) {
        if ballot != self.ballot || promised <= self.ballot || self.role == Role::Follower {
            return;
        }
        if self.config.stable_leader {
            self.step_down(ctx);
            return;
        }
        let queued = std::mem::take(&mut self.queued);
        self.step_down(ctx);
        self.queued = queued;
        self.lost_ballots += 1;
        if !self.queued.is_empty() {
            self.compete(ctx);
        }
    }

    pub fn step_down(&mut self, ctx: &mut Ctx<'_>) {
        if self.role == Role::Leader {
            ctx.sometimes(s::LEADER_STEPPED_DOWN);
        }
        self.role = Role::Follower;
        self.proposals.clear();
        self.pending_replies.clear();
        self.queued.clear();
        self.reset_election_timer(ctx);
    }

    pub fn on_client_request(&mut self, ctx: &mut Ctx<'_>, client: NodeId, request: KvRequest) {
        match self.role {
            Role::Leader => {
                let slot = self.next_slot;
                self.next_slot += 1;
                let command = &request.command;
                let waiting = (client.0, command.client, command.seq);
                self.pending_replies.insert(slot, waiting);
                self.propose(ctx, slot, Value::Command(request.command));
            }
            Role::Preparing => self.queued.push((client, request)),
            Role::Follower if !self.config.stable_leader => {
                // No distinguished leader: this server competes for the slot itself.
                self.queued.push((client, request));
                self.compete(ctx);
            }
            Role::Follower => {
                let leader_hint = self.leader_hint.filter(|&l| l != self.id);
                let response = KvResponse::NotLeader {
                    seq: request.command.seq,
                    leader_hint,
                };
                ctx.send(client, Msg::Response(response));
            }
        }
    }

    /// Tells followers the leader lives, and re-sends phase 2 for unchosen slots.
    pub fn send_heartbeats(&mut self, ctx: &mut Ctx<'_>) {
        if self.role != Role::Leader {
            return;
        }
        let chosen_through = self.next_exec - 1;
        self.note_executed(self.id, self.durable_executed);
        let gc_below = self.executed_by.iter().copied().min().unwrap_or(0) + 1;
        for server in self.all_servers().collect::<Vec<_>>() {
            ctx.send(
                server,
                Msg::Heartbeat {
                    ballot: self.ballot,
                    chosen_through,
                    gc_below,
                },
            );
        }
        let unchosen: Vec<(u64, Value)> = self
            .proposals
            .iter()
            .filter(|(_, p)| !p.chosen)
            .map(|(&s, p)| (s, p.value.clone()))
            .collect();
        for (slot, value) in unchosen {
            for server in self.all_servers().collect::<Vec<_>>() {
                ctx.send(
                    server,
                    Msg::Accept {
                        ballot: self.ballot,
                        slot,
                        value: value.clone(),
                    },
                );
            }
        }
        ctx.set_timer(self.config.heartbeat_ns, Timer::Heartbeat);
    }
}

/// How many different acceptors are in `voters`.
fn distinct(voters: &[u32]) -> usize {
    voters
        .iter()
        .collect::<std::collections::BTreeSet<_>>()
        .len()
}
