//! The [`proposal_key`] of every operation clients invoked, read from their
//! invocations as they are observed: what `only_proposed_chosen` holds the chosen
//! values to at the end, and the count `at_most_once` holds the servers to.
//!
//! Read as the run goes (not from the whole history at the end) so that a run may
//! forget its observations once read.

use crate::kv::KvOp;
use crate::paxos::invariants::proposal_key;
use crate::paxos::node::PaxosNode;
use faultline_api::ClientEventKind;
use faultline_sim::World;
use std::collections::BTreeSet;
use std::rc::Rc;

#[derive(Debug, Default)]
pub struct ProposalsInvoked {
    /// Observations read so far.
    read: usize,
    keys: BTreeSet<u64>,
    count: u64,
}

impl ProposalsInvoked {
    /// Reads the invocations observed since the last call.
    #[inline]
    pub fn read(&mut self, world: &World<PaxosNode>) {
        if world.observation_count() != self.read {
            self.read_new(world);
        }
    }

    #[inline(never)]
    fn read_new(&mut self, world: &World<PaxosNode>) {
        let unread = world.unread_observations(&mut self.read).iter();
        for event in unread.map(|o| &o.value) {
            if event.kind != ClientEventKind::Invoke {
                continue;
            }
            let key: Rc<str> = event.key.as_deref().unwrap_or_default().into();
            let value: Rc<str> = event.value.as_deref().unwrap_or_default().into();
            let op = match event.f {
                "get" => KvOp::Get { key },
                "put" => KvOp::Put { key, value },
                _ => KvOp::Append { key, value },
            };
            self.keys.insert(proposal_key(event.process, &op));
            self.count += 1;
        }
    }

    /// The proposal keys of every invocation read.
    pub fn keys(&self) -> &BTreeSet<u64> {
        &self.keys
    }

    /// How many invocations were read.
    pub fn count(&self) -> u64 {
        self.count
    }
}
