//! The protected resource: a storage server that accepts a write only with a fencing
//! token at least as high as any it has accepted (Kleppmann 2016), so a client that
//! lost its lease without noticing (paused, slow) cannot write after a newer holder.
//!
//! Each accepted write is logged and fsynced before it is acknowledged, so the highest
//! token survives a crash. A client's retry of a write is answered as the first copy
//! was (per-client last operation), not applied twice. The decisions are the
//! [`Fence`]'s (`fence`), shared with the zk service's resource.

use crate::lock::config::LockConfig;
use crate::lock::fence::Fence;
use crate::lock::messages::{Msg, Record};
use crate::lock::node::LockNode;
use crate::lock::situations as s;
use faultline_sim::{Context, NodeId};
use std::rc::Rc;

pub use crate::lock::fence::AcceptedWrite;

#[derive(Clone, Debug)]
pub struct Resource {
    config: Rc<LockConfig>,
    pub fence: Fence,
}

impl Resource {
    pub fn new(config: Rc<LockConfig>) -> Self {
        Resource {
            config,
            fence: Fence::default(),
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
            self.fence.apply(write);
        }
    }

    pub fn on_message(&mut self, ctx: &mut Context<'_, LockNode>, from: NodeId, msg: Msg) {
        let Msg::Write { op, token, value } = msg else {
            unreachable!("the resource got {msg:?} from {from:?}: it takes only writes");
        };
        let fencing = !self.config.bugs.no_fencing;
        let persist = |write: &AcceptedWrite| {
            ctx.disk().append(Record::Accepted(write.clone()));
            ctx.fsync_or_halt();
        };
        let Some(answer) = self
            .fence
            .decide(from.0, (op, token), value, fencing, persist)
        else {
            return; // the client has moved on
        };
        if answer.fenced_off {
            ctx.sometimes(s::WRITE_FENCED_OFF);
        }
        let accepted = answer.accepted;
        let highest = self.fence.highest;
        ctx.send(
            from,
            Msg::WriteReply {
                op,
                accepted,
                highest,
            },
        );
    }
}
