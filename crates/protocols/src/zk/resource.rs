//! The protected resource of a zk run: the lock protocol's [`Fence`] (`lock::fence`),
//! with the lock node's creation zxid as the token. It accepts a write only with a
//! token at least as high as any it accepted, logs and fsyncs each accepted write (the
//! lock resource's [`AcceptedWrite`], as a `Record::Host` beside Raft's records on
//! this node type) before acknowledging it, and answers a client's retry as the first
//! copy was. With `zk.expiry_without_fencing` it accepts every write.

use crate::lock::fence::{AcceptedWrite, Fence};
use crate::raft::messages::{Msg, Record};
use crate::raft::server::Ctx;
use crate::zk::config::ZkConfig;
use crate::zk::ops::{ZkRequest, ZkResponse};
use crate::zk::situations as s;
use crate::zk::tree::ZkMachine;
use faultline_sim::NodeId;
use std::rc::Rc;

#[derive(Clone, Debug)]
pub struct ZkResource {
    config: Rc<ZkConfig>,
    pub fence: Fence,
}

impl ZkResource {
    pub fn new(config: Rc<ZkConfig>) -> Self {
        ZkResource {
            config,
            fence: Fence::default(),
        }
    }

    /// Every write accepted, in order.
    pub fn accepted(&self) -> &[AcceptedWrite] {
        &self.fence.accepted
    }

    pub fn on_start(&mut self, ctx: &mut Ctx<'_, ZkMachine>) {
        let records = match ctx.disk().records() {
            Ok(records) => records.to_vec(),
            Err(corrupt) => return ctx.halt(corrupt), // refuse to start: stay down
        };
        for record in records {
            let Record::Host(write) = record else {
                unreachable!("a Raft record {record:?} on the resource's disk");
            };
            self.fence.apply(write);
        }
    }

    pub fn on_message(&mut self, ctx: &mut Ctx<'_, ZkMachine>, from: NodeId, msg: Msg<ZkMachine>) {
        let Msg::Request(ZkRequest::Write { op, token, value }) = msg else {
            unreachable!("the resource got {msg:?} from {from:?}: it takes only writes");
        };
        let fencing = !self.config.bugs.expiry_without_fencing;
        let persist = |write: &AcceptedWrite| {
            ctx.disk().append(Record::Host(write.clone()));
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
        let reply = ZkResponse::WriteReply {
            op,
            accepted,
            highest: self.fence.highest,
        };
        ctx.send(from, Msg::Response(reply));
    }
}
