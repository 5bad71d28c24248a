//! ABD's safety properties, checked from the omniscient view after every event.
//!
//! - `replica_timestamp_monotonic`: a replica's timestamp for a register never goes
//!   down, not even across a crash and the recovery from its disk (an acked store
//!   that was not durable comes back lower).
//! - `timestamp_unique`: one timestamp names one value, on every replica and in
//!   what clients were told; two values under one timestamp would let replicas
//!   disagree forever about which was written.
//! - `write_quorum`: once a write completed `ok` with timestamp `t`, a majority of
//!   replicas durably stores (fsynced on disk) `t` or a higher timestamp for that
//!   register, so every later read's quorum meets one of them.
//! - `read_quorum`: the same for a read that returned a value with timestamp `t`:
//!   its write-back left `t` durable on a majority, so no later read returns an older
//!   value.
//!
//! Each is declared in `properties` (a name and a one-line meaning) and raised only
//! through its const: `Violation::of(&WRITE_QUORUM, detail)`. Linearizability of the
//! client history is checked by faultline itself against the `register` model;
//! these properties name the step that breaks it.
//!
//! Incremental: only nodes something happened to are looked at (`ChangeWatch`); a
//! replica's disk is read only past what was read before (a synced prefix never
//! shrinks), and a client only when it completed a new operation. Durability is judged
//! when an operation completes: synced records survive every crash, so a majority
//! that holds then holds for the rest of the run.

use crate::api::{format_nanos, ChangeWatch, NodeId, Violation, World};
use crate::client::Receipt;
use crate::config::majority;
use crate::messages::OpId;
use crate::node::AbdNode;
use crate::properties::{READ_QUORUM, REPLICA_TIMESTAMP_MONOTONIC, TIMESTAMP_UNIQUE, WRITE_QUORUM};
use crate::replica::Replica;
use crate::timestamp::{Timestamp, Versioned};
use std::collections::BTreeMap;

/// What a replica's disk durably stores: the highest synced timestamp per register.
#[derive(Clone, Debug, Default)]
struct DurableView {
    /// Synced records read so far.
    read: usize,
    ts: BTreeMap<String, Timestamp>,
}

#[derive(Debug)]
pub struct AbdChecker {
    replicas: usize,
    /// Which nodes changed since the checker last looked.
    watch: ChangeWatch,
    /// Per replica: what its memory stored per register when last seen.
    seen: Vec<BTreeMap<String, Versioned>>,
    /// (register, timestamp) → the value first seen under it.
    named: BTreeMap<(String, Timestamp), Option<String>>,
    /// Per replica: what its disk durably stores.
    durable: Vec<DurableView>,
    /// Per node (clients only): the last completed operation judged.
    judged: Vec<OpId>,
}

impl AbdChecker {
    pub fn new(replicas: usize, clients: usize) -> Self {
        let nodes = replicas + clients;
        AbdChecker {
            replicas,
            watch: ChangeWatch::new(nodes),
            seen: vec![BTreeMap::new(); replicas],
            named: BTreeMap::new(),
            durable: vec![DurableView::default(); replicas],
            judged: vec![0; nodes],
        }
    }

    pub fn check(&mut self, world: &World<AbdNode>) -> Result<(), Violation> {
        for r in 0..self.replicas {
            if self.watch.changed(world, NodeId(r as u32)) {
                self.read_disk(world, r);
                self.check_replica(world, r)?;
            }
        }
        for c in self.replicas..world.node_count() {
            if self.watch.changed(world, NodeId(c as u32)) {
                self.check_client(world, c)?;
            }
        }
        Ok(())
    }

    /// Reads the synced records `r` wrote since the last look.
    fn read_disk(&mut self, world: &World<AbdNode>, r: usize) {
        let disk = world.disk(NodeId(r as u32));
        let view = &mut self.durable[r];
        if disk.synced_len() < view.read {
            *view = DurableView::default(); // rewritten: read it all again
        }
        for record in &disk.records_unchecked()[view.read..disk.synced_len()] {
            let ts = view.ts.entry(record.key.clone()).or_default();
            *ts = (*ts).max(record.versioned.ts);
        }
        view.read = disk.synced_len();
    }

    fn check_replica(&mut self, world: &World<AbdNode>, r: usize) -> Result<(), Violation> {
        let Some(replica) = world.actor(NodeId(r as u32)).and_then(AbdNode::as_replica) else {
            return Ok(()); // crashed: judged again once it has recovered
        };
        self.check_lost_registers(world, r, replica)?;
        for (key, versioned) in &replica.registers {
            let before = self.seen[r].get(key);
            if before == Some(versioned) {
                continue; // unchanged since the last look
            }
            let before_ts = before.map_or(Timestamp::INITIAL, |b| b.ts);
            if versioned.ts < before_ts {
                return Err(monotonic_violation(world, r, key, versioned.ts, before_ts));
            }
            self.check_named(key, versioned, &format!("n{r} stores"))?;
            self.seen[r].insert(key.clone(), versioned.clone());
        }
        Ok(())
    }

    /// A register the replica stored before must not be back to its initial value.
    fn check_lost_registers(
        &self,
        world: &World<AbdNode>,
        r: usize,
        replica: &Replica,
    ) -> Result<(), Violation> {
        let lost = self.seen[r]
            .iter()
            .find(|(key, _)| !replica.registers.contains_key(*key));
        let Some((key, before)) = lost else {
            return Ok(());
        };
        Err(monotonic_violation(
            world,
            r,
            key,
            Timestamp::INITIAL,
            before.ts,
        ))
    }

    /// `versioned` agrees with every value seen before under its timestamp.
    fn check_named(
        &mut self,
        key: &str,
        versioned: &Versioned,
        who: &str,
    ) -> Result<(), Violation> {
        let Versioned { ts, value } = versioned;
        let named = self
            .named
            .entry((key.to_string(), *ts))
            .or_insert_with(|| value.clone());
        if named == value {
            return Ok(());
        }
        let detail = format!(
            "{who} {} under {key} at {ts}, which names {} elsewhere",
            shown(value),
            shown(named)
        );
        Err(Violation::of(&TIMESTAMP_UNIQUE, detail))
    }

    fn check_client(&mut self, world: &World<AbdNode>, c: usize) -> Result<(), Violation> {
        let client = world.actor(NodeId(c as u32)).and_then(AbdNode::as_client);
        let Some(receipt) = client.and_then(|client| client.last_ok.as_ref()) else {
            return Ok(());
        };
        if receipt.op <= self.judged[c] {
            return Ok(());
        }
        self.judged[c] = receipt.op;
        self.check_quorum_durable(world, c, receipt)?;
        if !receipt.versioned.ts.is_initial() {
            let who = format!("n{c} was told ({} {})", receipt.f, receipt.op);
            self.check_named(&receipt.key, &receipt.versioned, &who)?;
        }
        Ok(())
    }

    /// A completed operation's timestamp is durable on a majority of replicas.
    fn check_quorum_durable(
        &self,
        world: &World<AbdNode>,
        c: usize,
        receipt: &Receipt,
    ) -> Result<(), Violation> {
        let ts = receipt.versioned.ts;
        let holders: Vec<usize> = (0..self.replicas)
            .filter(|&r| {
                self.durable[r]
                    .ts
                    .get(&receipt.key)
                    .is_some_and(|t| *t >= ts)
            })
            .collect();
        let needed = majority(self.replicas);
        if ts.is_initial() || holders.len() >= needed {
            return Ok(());
        }
        let property = match receipt.f {
            "write" => &WRITE_QUORUM,
            _ => &READ_QUORUM,
        };
        let detail = format!(
            "n{c}'s {} {} of {} completed ok at {} with {ts}, but only {} of {} replicas durably \
                store it or newer ({holders:?}); a majority is {needed}",
            receipt.f,
            receipt.op,
            receipt.key,
            format_nanos(world.now()),
            holders.len(),
            self.replicas,
        );
        Err(Violation::of(property, detail))
    }
}

fn monotonic_violation(
    world: &World<AbdNode>,
    r: usize,
    key: &str,
    ts: Timestamp,
    before: Timestamp,
) -> Violation {
    let detail = format!(
        "n{r} stores {key} at {ts} at {}, after storing it at {before}",
        format_nanos(world.now())
    );
    Violation::of(&REPLICA_TIMESTAMP_MONOTONIC, detail)
}

fn shown(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("nothing")
}
