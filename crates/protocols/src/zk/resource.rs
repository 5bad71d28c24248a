//! The protected resource of a zk run: the lock protocol's fence (`lock::resource`),
//! with the lock node's creation zxid as the token. It accepts a write only with a
//! token at least as high as any it accepted, logs and fsyncs each accepted write
//! before acknowledging it (as [`AcceptedWrite`], the lock resource's record), and
//! answers a client's retry as the first copy was. With `zk.expiry_without_fencing`
//! it accepts every write.

use crate::lock::resource::AcceptedWrite;
use crate::raft::messages::{Msg, Record};
use crate::raft::server::Ctx;
use crate::zk::config::ZkConfig;
use crate::zk::ops::{ZkRequest, ZkResponse, Zxid};
use crate::zk::situations as s;
use crate::zk::tree::ZkMachine;
use faultline_sim::NodeId;
use std::collections::BTreeMap;
use std::rc::Rc;

#[derive(Clone, Debug)]
pub struct ZkResource {
    config: Rc<ZkConfig>,
    /// Every write accepted, in order (recovered from disk after a restart).
    pub accepted: Vec<AcceptedWrite>,
    pub highest: Zxid,
    /// Per client: its last write and whether it was accepted.
    answered: BTreeMap<u32, (u64, bool)>,
}

impl ZkResource {
    pub fn new(config: Rc<ZkConfig>) -> Self {
        ZkResource {
            config,
            accepted: Vec::new(),
            highest: 0,
            answered: BTreeMap::new(),
        }
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
            self.apply(write);
        }
    }

    fn apply(&mut self, write: AcceptedWrite) {
        self.highest = self.highest.max(write.token);
        self.answered.insert(write.client, (write.op, true));
        self.accepted.push(write);
    }

    pub fn on_message(&mut self, ctx: &mut Ctx<'_, ZkMachine>, from: NodeId, msg: Msg<ZkMachine>) {
        let Msg::Request(ZkRequest::Write { op, token, value }) = msg else {
            unreachable!("the resource got {msg:?} from {from:?}: it takes only writes");
        };
        let accepted = match self.answered.get(&from.0) {
            Some(&(last, verdict)) if last == op => verdict,
            Some(&(last, _)) if last > op => return, // the client has moved on
            _ => self.write(ctx, from.0, op, token, value),
        };
        let highest = self.highest;
        let reply = ZkResponse::WriteReply {
            op,
            accepted,
            highest,
        };
        ctx.send(from, Msg::Response(reply));
    }

    /// The fence: a write with a lower token than one accepted is refused.
    fn write(
        &mut self,
        ctx: &mut Ctx<'_, ZkMachine>,
        client: u32,
        op: u64,
        token: Zxid,
        value: String,
    ) -> bool {
        let unfenced = self.config.bugs.expiry_without_fencing;
        if token < self.highest && !unfenced {
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
        ctx.disk().append(Record::Host(write.clone()));
        ctx.fsync_or_halt(); // fail-stop: the write is never acknowledged
        self.apply(write);
        true
    }
}
