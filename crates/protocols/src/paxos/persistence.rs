//! The acceptor's durable state: its promise and its votes, written as records and
//! fsynced before the reply that depends on them; replayed on restart. Learner state
//! is volatile: a restarted server re-learns decisions from the leader.

use crate::paxos::messages::{Record, Vote};
use crate::paxos::server::{Ctx, Server};

impl Server {
    pub fn persist_promise(&mut self, ctx: &mut Ctx<'_>, sync: bool) {
        ctx.disk().append(Record::Promised(self.promised));
        if sync {
            ctx.disk().fsync();
        }
    }

    pub fn persist_vote(&mut self, ctx: &mut Ctx<'_>, vote: Vote) {
        ctx.disk().append(Record::Promised(self.promised));
        ctx.disk().append(Record::Accepted(vote));
        ctx.disk().fsync();
    }

    pub fn recover(&mut self, ctx: &mut Ctx<'_>) {
        for record in ctx.disk().records().to_vec() {
            match record {
                Record::Promised(ballot) => self.promised = self.promised.max(ballot),
                Record::Accepted(vote) => {
                    self.accepted.insert(vote.slot, vote);
                }
            }
        }
        self.ballot = self.promised;
    }
}
