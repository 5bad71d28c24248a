//! The protected resource: a storage server that accepts a write only with a fencing
//! token at least as high as any it has accepted (Kleppmann 2016), so a client that
//! lost its lease without noticing (paused, slow) cannot write after a newer holder.
//!
//! Each accepted write is logged and fsynced before it is acknowledged, so the highest
//! token survives a crash. A client's retry of a write is answered as the first copy
//! was (per-client last operation), not applied twice.

use crate::lock::config::LockConfig;
use crate::lock::messages::{Msg, Record, Token};
use crate::lock::node::LockNode;
use crate::lock::situations as s;
use faultline_sim::{Context, NodeId};
use serde::Serialize;
use std::collections::BTreeMap;
use std::rc::Rc;

/// A write the resource accepted, as logged.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct AcceptedWrite {
    pub client: u32,
    pub op: u64,
    pub token: Token,
    pub value: String,
}

#[derive(Clone, Debug)]
pub struct Resource {
    config: Rc<LockConfig>,
    /// Every write accepted, in order (recovered from disk after a restart).
    pub accepted: Vec<AcceptedWrite>,
    /// The highest token accepted.
    pub highest: Token,
    /// Per client: its last write operation and whether it was accepted.
    answered: BTreeMap<u32, (u64, bool)>,
}

impl Resource {
    pub fn new(config: Rc<LockConfig>) -> Self {
        Resource {
            config,
            accepted: Vec::new(),
            highest: 0,
            answered: BTreeMap::new(),
        }
    }

    pub fn on_start(&mut self, ctx: &mut Context<'_, LockNode>) {
        let records = match ctx.disk().records() {
            Ok(records) => records.to_vec(),
            Err(corrupt) => return ctx.halt(corrupt), // refuse to start: stay down
        };
        for record in records {
            let Record::Accepted(write) = record else {
                unreachable!("a lock server's record {record:?} on the resource's disk");
            };
            ctx.sometimes(s::RESOURCE_RECOVERED);
            self.apply(write);
        }
    }

    fn apply(&mut self, write: AcceptedWrite) {
        self.highest = self.highest.max(write.token);
        self.answered.insert(write.client, (write.op, true));
        self.accepted.push(write);
    }

    pub fn on_message(&mut self, ctx: &mut Context<'_, LockNode>, from: NodeId, msg: Msg) {
        let Msg::Write { op, token, value } = msg else {
            unreachable!("the resource got {msg:?} from {from:?}: it takes only writes");
        };
        let accepted = match self.answered.get(&from.0) {
            Some(&(last, verdict)) if last == op => verdict,
            Some(&(last, _)) if last > op => return, // the client has moved on
            _ => self.write(ctx, from.0, op, token, value),
        };
        let highest = self.highest;
        ctx.send(
            from,
            Msg::WriteReply {
                op,
                accepted,
                highest,
            },
        );
    }

    /// The fence: a write with a lower token than one accepted is refused.
    fn write(
        &mut self,
        ctx: &mut Context<'_, LockNode>,
        client: u32,
        op: u64,
        token: Token,
        value: String,
    ) -> bool {
        let fenced_off = token < self.highest && !self.config.bugs.no_fencing;
        if fenced_off {
            ctx.sometimes(s::WRITE_FENCED_OFF);
            self.answered.insert(client, (op, false));
            return false;
        }
        let write = AcceptedWrite {
            client,
            op,
            token,
            value,
        };
        ctx.disk().append(Record::Accepted(write.clone()));
        ctx.fsync_or_halt(); // fail-stop: the write is never acknowledged
        debug_assert!(self.config.bugs.no_fencing || token >= self.highest);
        self.apply(write);
        true
    }
}
