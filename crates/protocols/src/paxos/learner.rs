//! The learner: records chosen values and executes them strictly in slot order, so
//! every server's store goes through the same states; a learner that missed decisions
//! fetches them from the leader. A leader keeps the decisions it executed in this
//! incarnation only; one asked for slots before it (it restarted from a snapshot
//! past them) sends its store instead, which the learner installs: without it, a
//! learner that fell behind a restarted leader never caught up (`converged`;
//! `paxos.learner_no_snapshot` restores that behaviour).

use crate::kv::{ApplyOutcome, KvResponse, KvStore};
use crate::paxos::messages::{Ballot, Msg, Value};
use crate::paxos::server::{Ctx, Role, Server};
use crate::paxos::situations as s;
use faultline_sim::NodeId;

/// Decisions sent per fetch.
const FETCH_SLOTS_MAX: u64 = 32;
/// Executed slots between durable snapshots of the store.
const SNAPSHOT_EVERY_SLOTS: u64 = 32;

impl Server {
    pub fn on_decide(&mut self, ctx: &mut Ctx<'_>, slot: u64, value: Value) {
        if slot > self.next_exec && !self.decided.contains_key(&slot) {
            ctx.sometimes(s::LEARNED_OUT_OF_ORDER);
        }
        if slot >= self.next_exec {
            let earlier = self.decided.insert(slot, value.clone());
            debug_assert!(
                self.config.bugs.any() || earlier.is_none_or(|earlier| earlier == value),
                "one value per slot: n{} learned two values for slot {slot}",
                self.id
            );
        }
        self.execute(ctx);
    }

    fn execute(&mut self, ctx: &mut Ctx<'_>) {
        self.execute_decided(ctx);
        if self.next_exec > self.durable_executed + SNAPSHOT_EVERY_SLOTS {
            ctx.sometimes(s::WROTE_SNAPSHOT);
            self.write_snapshot(ctx);
        }
    }

    fn execute_decided(&mut self, ctx: &mut Ctx<'_>) {
        while let Some(value) = self.decided.remove(&self.next_exec) {
            let slot = self.next_exec;
            self.next_exec += 1;
            debug_assert!(
                self.exec_log.last().is_none_or(|(last, _)| *last < slot),
                "the executed log ascends: fetches search it"
            );
            self.exec_log.push((slot, value.clone()));
            let Value::Command(command) = value else {
                continue;
            };
            let outcome = self.store.apply(&command);
            if matches!(outcome, ApplyOutcome::Retry(_)) {
                ctx.sometimes(s::RETRY_ANSWERED_FROM_SESSION);
            }
            let waiting = self.pending_replies.remove(&slot);
            // Another leader may have filled this slot with a different command: answer
            // only the client whose command this is.
            let ours =
                waiting.filter(|&(_, client, seq)| client == command.client && seq == command.seq);
            if waiting.is_some() && ours.is_none() {
                ctx.sometimes(s::SLOT_TAKEN_BY_OTHER_COMMAND);
            }
            if let (Some((client, _, seq)), Some(output)) = (ours, outcome.output()) {
                let response = KvResponse::Applied {
                    seq,
                    output: output.clone(),
                };
                ctx.send(NodeId(client), Msg::Response(response));
            }
            if self.role == Role::Leader {
                if let Some(p) = self.proposals.get_mut(&slot) {
                    p.chosen = true;
                }
            }
        }
    }

    pub fn on_heartbeat(
        &mut self,
        ctx: &mut Ctx<'_>,
        leader: NodeId,
        ballot: Ballot,
        chosen_through: u64,
    ) {
        if ballot >= self.promised {
            self.follow(ctx, ballot);
        }
        // Decisions are final whoever holds them: a learner that promised a ballot
        // the serving leader never had to beat (a rival's, cut off since) still
        // fetches from it, or it would never catch up while a majority serves.
        if chosen_through >= self.next_exec {
            ctx.sometimes(s::FETCHED_MISSED_DECISIONS);
            ctx.send(
                leader,
                Msg::Fetch {
                    from_slot: self.next_exec,
                },
            );
        }
    }

    /// Sends a learner the decisions it lacks from `from_slot` on, from the log of
    /// executed slots, or a snapshot when that log does not hold `from_slot`: the
    /// slot is below where the log starts (it restarts empty), or in a hole left
    /// where this server itself caught up from a snapshot. Decisions past a hole
    /// would never let the learner execute the slot it asked for.
    pub fn on_fetch(&mut self, ctx: &mut Ctx<'_>, learner: NodeId, from_slot: u64) {
        if from_slot >= self.next_exec {
            return; // nothing executed here that the learner lacks
        }
        let start = self.exec_log.partition_point(|(slot, _)| *slot < from_slot);
        let held = self
            .exec_log
            .get(start)
            .is_some_and(|(slot, _)| *slot == from_slot);
        if !held && !self.config.bugs.learner_no_snapshot {
            let through = self.next_exec - 1;
            let store = self.store.clone();
            ctx.send(learner, Msg::Snapshot { through, store });
            return;
        }
        let through = (self.next_exec - 1).min(from_slot + FETCH_SLOTS_MAX);
        let fetched = self.exec_log[start..]
            .iter()
            .take_while(|(s, _)| *s <= through);
        for (slot, value) in fetched {
            ctx.send(
                learner,
                Msg::Decide {
                    slot: *slot,
                    value: value.clone(),
                },
            );
        }
    }

    /// Installs the leader's store as of `through`, if it is ahead of this learner;
    /// decisions past it then execute as usual. Made durable at once, like any
    /// snapshot, so garbage collection may count on it.
    pub fn on_snapshot(&mut self, ctx: &mut Ctx<'_>, through: u64, store: KvStore) {
        if through < self.next_exec {
            return; // caught up meanwhile
        }
        ctx.sometimes(s::CAUGHT_UP_FROM_SNAPSHOT);
        self.store = store;
        self.next_exec = through + 1;
        self.decided = self.decided.split_off(&self.next_exec);
        self.pending_replies = self.pending_replies.split_off(&self.next_exec);
        self.write_snapshot(ctx);
        self.execute(ctx);
    }
}
