//! The protected resource: a storage server that accepts a write only with a fencing
//! token at least as high as any it has accepted (Kleppmann 2016), so a client that
//! lost its lease without noticing (paused, slow) cannot write after a newer holder.
//!
//! Each accepted write is logged and fsynced before it is acknowledged, so the highest
//! token survives a crash. A client's retry of a write is answered as the first copy
//! was (per-client last operation), not applied twice. The decisions are the
//! [`Fence`]'s (`fence`), shared with the zk service's resource.

use crate::lock::config::LockConfig;
use crate::lock::fence::{Fence, Verdict};
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
        let accepted = match self.fence.judge(from.0, (op, token), value, fencing) {
            Verdict::Repeat(verdict) => verdict,
            Verdict::Stale => return, // the client has moved on
            Verdict::Refused => {
                ctx.sometimes(s::WRITE_FENCED_OFF);
                false
            }
            Verdict::Accept(write) => {
                ctx.disk().append(Record::Accepted(write.clone()));
                ctx.fsync_or_halt(); // fail-stop: the write is never acknowledged
                debug_assert!(!fencing || token >= self.fence.highest);
                self.fence.apply(write);
                true
            }
        };
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
