//! Multi-Paxos's safety invariants, checked from the omniscient view after every event.
//!
//! At most one value is chosen per slot (chosen: a majority of acceptors accepted the
//! same ballot and value); only values clients proposed (or no-ops) are chosen; an
//! acceptor's promise never goes backwards, even across restarts; a slot's accepted
//! ballot never decreases and never exceeds the promise; learners execute only chosen
//! values. Incremental: each event, only new votes and executions are read; when a
//! server comes back from a crash, its recovered votes are compared with the ones it
//! was seen to cast (a vote lost on restart is an accepted ballot going backwards),
//! and with what it had made durable (`recovery`).

use crate::kv::KvOp;
use crate::paxos::messages::{Ballot, Value};
use crate::paxos::node::PaxosNode;
use crate::paxos::properties::{
    ACCEPTED_MONOTONIC, ACCEPTED_WITHIN_PROMISE, LEARN_ONLY_CHOSEN, ONE_VALUE_PER_SLOT,
    ONLY_PROPOSED_CHOSEN, PROMISE_DURABLE,
};
use crate::paxos::recovery::RecoveryChecker;
use crate::paxos::server::Server;
use crate::property::Property;
use crate::protocol::Violation;
use faultline_sim::hash::TraceHasher;
use faultline_sim::watch::ChangeWatch;
use faultline_sim::{NodeId, World};
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};

#[derive(Debug, Default)]
pub struct PaxosChecker {
    majority: usize,
    max_promised: Vec<Ballot>,
    accept_cursor: Vec<usize>,
    exec_cursor: Vec<usize>,
    /// Servers seen crashed at the last check: their next appearance is a restart.
    down: Vec<bool>,
    /// Which servers changed since the checker last looked.
    examined: ChangeWatch,
    /// (slot, ballot, value hash) → acceptors that accepted it.
    votes: BTreeMap<(u64, Ballot, u64), BTreeSet<u32>>,
    /// (acceptor, slot) → highest ballot it accepted there.
    accepted_ballot: BTreeMap<(u32, u64), Ballot>,
    /// slot → chosen value hash.
    chosen: BTreeMap<u64, u64>,
    /// slot → [`proposal_key`] of the command chosen there (no-ops are not listed).
    chosen_commands: BTreeMap<u64, u64>,
    /// Restarted servers against what they had made durable.
    recovery: RecoveryChecker,
}

fn value_hash(value: &Value) -> u64 {
    let mut h = TraceHasher::new();
    value.hash(&mut h);
    h.finish()
}

fn violation(property: &Property, detail: String) -> Result<(), Violation> {
    Err(Violation::of(property, detail))
}

impl PaxosChecker {
    pub fn new(servers: usize) -> Self {
        PaxosChecker {
            majority: servers / 2 + 1,
            max_promised: vec![Ballot::default(); servers],
            accept_cursor: vec![0; servers],
            exec_cursor: vec![0; servers],
            down: vec![false; servers],
            examined: ChangeWatch::new(servers),
            recovery: RecoveryChecker::new(servers),
            ..PaxosChecker::default()
        }
    }

    pub fn check(&mut self, world: &World<PaxosNode>) -> Result<(), Violation> {
        for i in 0..self.max_promised.len() {
            let node = NodeId(i as u32);
            if !self.examined.changed(world, node) {
                continue; // nothing happened to it since its last examination
            }
            let Some(server) = world.actor(node).and_then(PaxosNode::as_server) else {
                self.accept_cursor[i] = 0;
                self.exec_cursor[i] = 0;
                self.down[i] = true;
                // A server that halted inside a handler synced what was never seen.
                let mid_handler = world.crashed_mid_handler(node);
                self.recovery.on_crashed(i, mid_handler);
                continue;
            };
            let restarted = std::mem::take(&mut self.down[i]);
            if restarted {
                self.check_votes_recovered(i as u32, server)?;
            }
            self.recovery
                .on_live(i, server, world.disk(node), restarted)?;
            if server.promised < self.max_promised[i] {
                return violation(
                    &PROMISE_DURABLE,
                    format!(
                        "n{i} promised {:?} but now only {:?}",
                        self.max_promised[i], server.promised
                    ),
                );
            }
            self.max_promised[i] = server.promised;
            let new_votes =
                server.accept_log[self.accept_cursor[i].min(server.accept_log.len())..].to_vec();
            self.accept_cursor[i] = server.accept_log.len();
            for vote in new_votes {
                self.record_vote(
                    i as u32,
                    vote.slot,
                    vote.ballot,
                    &vote.value,
                    server.promised,
                )?;
            }
            let new_execs =
                server.exec_log[self.exec_cursor[i].min(server.exec_log.len())..].to_vec();
            self.exec_cursor[i] = server.exec_log.len();
            for (slot, value) in new_execs {
                if self.chosen.get(&slot) != Some(&value_hash(&value)) {
                    return violation(
                        &LEARN_ONLY_CHOSEN,
                        format!("n{i} executed a value in slot {slot} that was not chosen there"),
                    );
                }
            }
        }
        Ok(())
    }

    fn record_vote(
        &mut self,
        acceptor: u32,
        slot: u64,
        ballot: Ballot,
        value: &Value,
        promised: Ballot,
    ) -> Result<(), Violation> {
        let hash = value_hash(value);
        if ballot > promised {
            return violation(
                &ACCEPTED_WITHIN_PROMISE,
                format!("n{acceptor} accepted {ballot:?} above its promise {promised:?}"),
            );
        }
        let previous = self.accepted_ballot.insert((acceptor, slot), ballot);
        if previous.is_some_and(|p| p > ballot) {
            return violation(
                &ACCEPTED_MONOTONIC,
                format!(
                    "n{acceptor} accepted {ballot:?} in slot {slot} after {:?}",
                    previous.unwrap()
                ),
            );
        }
        let voters = self.votes.entry((slot, ballot, hash)).or_default();
        voters.insert(acceptor);
        if voters.len() < self.majority {
            return Ok(());
        }
        if let Value::Command(command) = value {
            self.chosen_commands
                .insert(slot, proposal_key(command.client, &command.op));
        }
        match self.chosen.insert(slot, hash) {
            Some(other) if other != hash => violation(
                &ONE_VALUE_PER_SLOT,
                format!(
                    "two different values were chosen in slot {slot} (the second with {ballot:?})"
                ),
            ),
            _ => Ok(()),
        }
    }

    /// A restarted acceptor still holds every vote it cast in a slot it has not
    /// executed into a durable snapshot, at a ballot no lower than it was seen to use.
    /// (Votes of executed, snapshotted slots may be garbage-collected.)
    fn check_votes_recovered(&self, acceptor: u32, server: &Server) -> Result<(), Violation> {
        let cast = self
            .accepted_ballot
            .range((acceptor, server.next_exec)..(acceptor + 1, 0));
        for (&(_, slot), &ballot) in cast {
            let kept = server.accepted.get(&slot).map(|vote| vote.ballot);
            if kept.is_none_or(|kept| kept < ballot) {
                return violation(
                    &ACCEPTED_MONOTONIC,
                    format!(
                        "n{acceptor} accepted {ballot:?} in slot {slot} but after a restart holds \
                            {kept:?}"
                    ),
                );
            }
        }
        Ok(())
    }

    /// Chosen commands must be ones a client invoked (`proposed` holds the
    /// [`proposal_key`]s of every invocation); no-ops are always allowed.
    pub fn check_only_proposed(&self, proposed: &BTreeSet<u64>) -> Result<(), Violation> {
        match self
            .chosen_commands
            .iter()
            .find(|(_, key)| !proposed.contains(key))
        {
            Some((slot, _)) => violation(
                &ONLY_PROPOSED_CHOSEN,
                format!("slot {slot} chose a value no client proposed"),
            ),
            None => Ok(()),
        }
    }
}

/// Identifies a client's operation by client and operation (written values are unique
/// per client), not by its session number, which observations do not carry.
pub fn proposal_key(client: u64, op: &KvOp) -> u64 {
    let mut h = TraceHasher::new();
    (client, op).hash(&mut h);
    h.finish()
}
