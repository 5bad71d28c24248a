//! `at_most_once` at the end of a run, for a protocol whose servers apply client
//! commands through sessions: no server applied more commands than clients invoked
//! (sessions turn retries and re-proposals of a command into one application, so a
//! count above the invocations is a command applied twice).
//!
//! The invocations are counted as they are observed, so a run may forget its
//! observations once read.

use crate::history::{ClientEvent, ClientEventKind};
use crate::kv::properties::AT_MOST_ONCE;
use crate::protocol::Violation;
use faultline_sim::{Actor, World};

/// How many operations the clients invoked, counted as their invocations are
/// observed.
#[derive(Debug, Default)]
pub struct Invocations {
    /// Observations read so far.
    read: usize,
    count: u64,
}

impl Invocations {
    /// Counts the invocations observed since the last call.
    #[inline]
    pub fn read<A: Actor<Observation = ClientEvent>>(&mut self, world: &World<A>) {
        if world.observation_count() != self.read {
            let unread = world.unread_observations(&mut self.read);
            let invoked = unread
                .iter()
                .filter(|o| o.value.kind == ClientEventKind::Invoke);
            self.count += invoked.count() as u64;
        }
    }

    /// The invocations counted so far.
    pub fn count(&self) -> u64 {
        self.count
    }
}

/// Fails when a live node's count of applied commands (`applied_of`: `None` for a
/// node that is no server) exceeds `invoked`.
pub fn check_applied_at_most_once<A: Actor>(
    world: &World<A>,
    invoked: u64,
    applied_of: impl Fn(&A) -> Option<u64>,
) -> Result<(), Violation> {
    let nodes = world.actors().iter().enumerate();
    for (i, applied) in nodes.filter_map(|(i, n)| Some((i, applied_of(n.as_ref()?)?))) {
        if applied > invoked {
            let detail =
                format!("n{i} applied {applied} commands but clients invoked only {invoked}");
            return Err(Violation::of(&AT_MOST_ONCE, detail));
        }
    }
    Ok(())
}
