//! The lock protocols' safety properties, checked from the omniscient view after
//! every event.
//!
//! - `fenced_writes`: the resource never accepts a write with a token lower than one
//!   it accepted before (its log of accepted writes never goes down in token).
//! - `leases_disjoint`: when a client accepts a lease, no other client's lease is still
//!   running in true time. A lease runs from its acceptance until its holder releases
//!   it or the holder's clock (the World knows every clock) reaches the lease's end:
//!   the window the lock service promised the client. A correct service, with clock
//!   error within the drift allowance, keeps these windows apart; in Redlock the
//!   client's validity is part of the algorithm, so the same definition fits both.
//! - `tokens_increase`: each token a client accepts is higher than every token
//!   accepted before it, across grants and failovers.
//!
//! Reported, not a failure: how often a client accepted a lease while another client
//! still believed it held one (a paused holder that has not looked at its clock yet).
//! With fencing that is survivable: the resource refuses the old holder's writes.
//!
//! Incremental: new client observations are read once (acquisitions and releases);
//! the resource is re-read only when something happened to it.

use crate::history::ClientEventKind;
use crate::lock::messages::Token;
use crate::lock::node::LockNode;
use crate::lock::properties::{FENCED_WRITES, LEASES_DISJOINT, TOKENS_INCREASE};
use crate::protocol::Violation;
use crate::writes_as_told::ToldWrites;
use faultline_sim::time::format_nanos;
use faultline_sim::watch::ChangeWatch;
use faultline_sim::{Nanos, NodeId, World};
use std::collections::BTreeMap;

/// A lease a client accepted, as the checker remembers it.
#[derive(Clone, Copy, Debug)]
struct ClientLease {
    token: Token,
    /// When it ends, by the holder's clock.
    valid_until_ns: Nanos,
}

#[derive(Debug)]
pub struct LockChecker {
    resource: NodeId,
    /// Client observations read so far.
    observed: usize,
    /// Per client node: the lease it accepted last, until it releases it.
    leases: BTreeMap<u32, ClientLease>,
    /// The highest token accepted so far, and by which client.
    highest_accepted: Option<(Token, u32)>,
    /// Resource log entries read so far.
    written: usize,
    /// The highest token the resource accepted, and whose write it was.
    highest_written: Option<(Token, u32)>,
    /// Whether the resource changed since the checker last looked.
    examined: ChangeWatch,
    believed_together: u64,
    /// What clients were told of their writes, for `writes_as_told` at the end.
    told: ToldWrites,
}

impl LockChecker {
    pub fn new(resource: NodeId) -> Self {
        LockChecker {
            resource,
            observed: 0,
            leases: BTreeMap::new(),
            highest_accepted: None,
            written: 0,
            highest_written: None,
            examined: ChangeWatch::new(resource.index() + 1),
            believed_together: 0,
            told: ToldWrites::new("write"),
        }
    }

    /// How many times a client accepted a lease while another still believed it held
    /// the lock.
    pub fn believed_together(&self) -> u64 {
        self.believed_together
    }

    /// What clients were told of their writes so far.
    pub fn told_writes(&self) -> &ToldWrites {
        &self.told
    }

    pub fn check(&mut self, world: &World<LockNode>) -> Result<(), Violation> {
        self.check_clients(world)?;
        self.check_resource(world)
    }

    fn check_clients(&mut self, world: &World<LockNode>) -> Result<(), Violation> {
        for observed in world.unread_observations(&mut self.observed) {
            let event = &observed.value;
            self.told.record(observed.node, event);
            let client = observed.node.0;
            match (event.f, event.kind) {
                ("acquire", ClientEventKind::Ok) => self.on_accepted(world, client)?,
                ("release", ClientEventKind::Invoke) => {
                    self.leases.remove(&client);
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// A client just accepted a lease: no other lease may still run, and its token
    /// must be new and higher.
    fn on_accepted(&mut self, world: &World<LockNode>, client: u32) -> Result<(), Violation> {
        let client_actor = world.actor(NodeId(client)).and_then(LockNode::as_client);
        let Some(held) = client_actor.and_then(|c| c.held) else {
            return Ok(()); // accepted and lost in the same event: nothing to compare
        };
        let now = world.now();
        let believers = self.other_believers(world, client);
        if believers > 0 {
            self.believed_together += 1;
        }
        for (&other, lease) in self.leases.iter().filter(|(&c, _)| c != client) {
            let other_clock = world.clock(NodeId(other)).local(now);
            if other_clock < lease.valid_until_ns {
                let detail = format!(
                    "n{client} accepted token {} at {} while n{other}'s lease (token {}) runs \
                        until its clock reads {} (it reads {}) and n{other} has not released it{}",
                    held.token,
                    format_nanos(now),
                    lease.token,
                    format_nanos(lease.valid_until_ns),
                    format_nanos(other_clock),
                    self.believed_note(),
                );
                return Err(Violation::of(&LEASES_DISJOINT, detail));
            }
        }
        if let Some((highest, by)) = self.highest_accepted {
            if held.token <= highest {
                let detail = format!(
                    "n{client} accepted token {} at {}, not above token {highest} that n{by} \
                        accepted before",
                    held.token,
                    format_nanos(now)
                );
                return Err(Violation::of(&TOKENS_INCREASE, detail));
            }
        }
        self.highest_accepted = Some((held.token, client));
        self.leases.insert(
            client,
            ClientLease {
                token: held.token,
                valid_until_ns: held.valid_until_ns,
            },
        );
        Ok(())
    }

    /// Other clients that believe they hold the lock right now.
    fn other_believers(&self, world: &World<LockNode>, client: u32) -> usize {
        let clients = world.actors().iter().enumerate();
        clients
            .filter(|&(i, _)| i as u32 != client)
            .filter_map(|(_, n)| n.as_ref()?.as_client())
            .filter(|c| c.held.is_some())
            .count()
    }

    fn believed_note(&self) -> String {
        match self.believed_together {
            0 => String::new(),
            n => format!(
                "; a client accepted a lease while another believed it held the lock {n} time{} so \
                    far",
                if n == 1 { "" } else { "s" }
            ),
        }
    }

    fn check_resource(&mut self, world: &World<LockNode>) -> Result<(), Violation> {
        if !self.examined.changed(world, self.resource) {
            return Ok(());
        }
        let Some(resource) = world.actor(self.resource).and_then(LockNode::as_resource) else {
            return Ok(()); // crashed: its log comes back from disk
        };
        self.written = self.written.min(resource.fence.accepted.len());
        for write in &resource.fence.accepted[self.written..] {
            if let Some((highest, by)) = self.highest_written {
                if write.token < highest {
                    let detail = format!(
                        "the resource (n{}) accepted n{}'s write {} with token {} at {} after \
                            n{by}'s with token {highest}{}",
                        self.resource.0,
                        write.client,
                        write.value,
                        write.token,
                        format_nanos(world.now()),
                        self.believed_note(),
                    );
                    return Err(Violation::of(&FENCED_WRITES, detail));
                }
            }
            self.highest_written = Some((write.token, write.client));
        }
        self.written = resource.fence.accepted.len();
        Ok(())
    }
}
