//! What the bank's clients were told of their transfers, read from their events as
//! they are observed: the net amount each account moved by transfers told
//! committed, and the accounts an indeterminate one touched (timed out, or still
//! unanswered). `balances_as_told` judges the accounts against it at the end.
//!
//! It is read as the run goes (not from the whole history at the end) so that a
//! run may forget its observations once read and keep its memory flat: what it
//! keeps is bounded by the accounts and the clients, not by the run's length.

use crate::twopc::bank::parse_transfer;
use crate::twopc::node::TwoPcNode;
use faultline_api::{AsClientEvent, ClientEventKind};
use faultline_sim::World;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Default)]
pub struct ToldTransfers {
    /// Observations read so far.
    read: usize,
    /// Per account, the net amount moved by transfers told committed.
    moved: BTreeMap<u32, i64>,
    /// Accounts a transfer told `info` touched.
    uncertain: BTreeSet<u32>,
    /// Per client process, the accounts of its transfer awaiting an answer.
    in_flight: BTreeMap<u64, [u32; 2]>,
}

impl ToldTransfers {
    /// Reads the client events observed since the last call.
    #[inline]
    pub fn read(&mut self, world: &World<TwoPcNode>) {
        if world.observation_count() != self.read {
            self.read_new(world);
        }
    }

    #[inline(never)]
    fn read_new(&mut self, world: &World<TwoPcNode>) {
        for observed in world.unread_observations(&mut self.read) {
            let Some(event) = observed.value.client_event() else {
                continue;
            };
            let key = event.key.as_deref().unwrap_or("");
            let Ok(transfer) = parse_transfer(key, event.value.as_deref()) else {
                continue; // not a transfer (a list-append transaction)
            };
            let accounts = [transfer.from, transfer.to];
            match event.kind {
                ClientEventKind::Invoke => {
                    self.in_flight.insert(event.process, accounts);
                    continue;
                }
                ClientEventKind::Ok => {
                    *self.moved.entry(transfer.from).or_default() -= transfer.amount;
                    *self.moved.entry(transfer.to).or_default() += transfer.amount;
                }
                ClientEventKind::Fail => {}
                ClientEventKind::Info => self.uncertain.extend(accounts),
            }
            self.in_flight.remove(&event.process);
        }
    }

    /// Whether an indeterminate transfer touched `account`: told `info`, or never
    /// answered.
    pub fn uncertain(&self, account: u32) -> bool {
        self.uncertain.contains(&account)
            || self
                .in_flight
                .values()
                .any(|accounts| accounts.contains(&account))
    }

    /// The net amount transfers told committed moved `account` by.
    pub fn moved(&self, account: u32) -> i64 {
        self.moved.get(&account).copied().unwrap_or(0)
    }
}
