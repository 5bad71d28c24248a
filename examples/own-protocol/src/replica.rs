//! An ABD replica: a passive store of one timestamped value per register.
//!
//! It answers queries with what it stores, and takes a store only if it carries a
//! higher timestamp than what it has, so its timestamps only go up. Before acking a
//! store it appends the new content to its disk and fsyncs, so an acked store survives
//! a crash; after a restart `on_start` rebuilds every register from the disk, keeping
//! the highest timestamp per register. Replicas never talk to each other: all the
//! coordination is done by the clients' quorums.

use crate::api::{Context, NodeId, TimerId, MILLISECOND};
use crate::bugs::AbdBugs;
use crate::messages::{Msg, OpId, Record, Timer};
use crate::node::AbdNode;
use crate::situations as s;
use crate::timestamp::Versioned;
use std::collections::BTreeMap;

/// `abd.no_fsync`: how long an acked store may sit unsynced before the background flush.
const LAZY_FLUSH_NS: u64 = 100 * MILLISECOND;

#[derive(Clone, Debug)]
pub struct Replica {
    bugs: AbdBugs,
    /// Each register's content; a register never written is absent (initial).
    pub registers: BTreeMap<String, Versioned>,
    /// `abd.no_fsync`: the pending background flush, if one is due.
    flush_timer: Option<TimerId>,
}

impl Replica {
    pub fn new(bugs: AbdBugs) -> Self {
        Replica {
            bugs,
            registers: BTreeMap::new(),
            flush_timer: None,
        }
    }

    /// What it stores for `key` (the initial value if it never stored one).
    pub fn current(&self, key: &str) -> Versioned {
        self.registers.get(key).cloned().unwrap_or_default()
    }

    /// Recovers every register from the disk: at the start (an empty disk) and after
    /// each restart (what survived the crash).
    pub fn on_start(&mut self, ctx: &mut Context<'_, AbdNode>) {
        let records = match ctx.disk().records() {
            Ok(records) => records,
            Err(corrupt) => return ctx.halt(corrupt), // never serve from a bad disk
        };
        for record in records {
            let current = self.current(&record.key);
            debug_assert!(
                record.versioned.ts > current.ts,
                "a replica appends only timestamps above what it stores"
            );
            let newest = current.newer(record.versioned.clone());
            self.registers.insert(record.key.clone(), newest);
        }
        if !self.registers.is_empty() {
            ctx.sometimes(s::REPLICA_RECOVERED);
        }
    }

    pub fn on_message(&mut self, ctx: &mut Context<'_, AbdNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Query { op, key } => {
                let current = self.current(&key);
                ctx.send(from, Msg::QueryReply { op, current });
            }
            Msg::Store { op, key, versioned } => self.on_store(ctx, from, op, key, versioned),
            Msg::QueryReply { .. } | Msg::StoreAck { .. } => {} // for clients
        }
    }

    pub fn on_timer(&mut self, ctx: &mut Context<'_, AbdNode>, timer: Timer) {
        if timer == Timer::Flush {
            self.flush_timer = None;
            ctx.fsync_or_halt();
        }
    }

    /// Takes the store if it is newer, then acks: the replica now stores the store's
    /// timestamp or a higher one, durably.
    fn on_store(
        &mut self,
        ctx: &mut Context<'_, AbdNode>,
        from: NodeId,
        op: OpId,
        key: String,
        versioned: Versioned,
    ) {
        let ts = versioned.ts;
        self.store(ctx, key.clone(), versioned);
        assert!(
            self.current(&key).ts >= ts,
            "a replica never acks a timestamp above what it stores"
        );
        debug_assert!(
            self.bugs.no_fsync || ctx.is_halted() || ctx.disk().unsynced_len() == 0,
            "a replica acks only what is on disk"
        );
        ctx.send(from, Msg::StoreAck { op, ts });
        ctx.crash_point(crate::crash_points::AFTER_STORE_ACK);
    }

    /// Stores `versioned` under `key` if it is newer than what the replica has:
    /// appended to disk and fsynced (with `abd.no_fsync`, fsynced later).
    pub fn store(&mut self, ctx: &mut Context<'_, AbdNode>, key: String, versioned: Versioned) {
        let current = self.current(&key);
        if versioned.ts <= current.ts {
            debug_assert!(
                versioned.ts < current.ts || versioned.value == current.value,
                "one timestamp names one value"
            );
            ctx.sometimes(s::STORE_NOT_NEWER);
            return;
        }
        self.registers.insert(key.clone(), versioned.clone());
        ctx.disk().append(Record { key, versioned });
        self.make_durable(ctx);
    }

    fn make_durable(&mut self, ctx: &mut Context<'_, AbdNode>) {
        if !self.bugs.no_fsync {
            ctx.fsync_or_halt(); // fail-stop: a failed fsync is never acked
            return;
        }
        if self.flush_timer.is_none() {
            self.flush_timer = Some(ctx.set_timer(LAZY_FLUSH_NS, Timer::Flush));
        }
    }
}
