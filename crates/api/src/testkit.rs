//! A small driver for tests of a protocol: build it, run a healthy world while every
//! invariant holds, then reach into a node and corrupt it the way a bug would, and
//! see which property the checker names. Used by this crate's invariant tests, and
//! meant for anyone writing a protocol of their own.

use crate::bugs::Bugs;
use crate::protocol::{Protocol, Setup, Violation, Workload};
use faultline_sim::disk::UnsyncedOnCrash;
use faultline_sim::{Nanos, NetworkConfig, NodeId, World, WorldConfig};
use serde_json::Value;
use std::collections::BTreeMap;

/// A protocol and its world, stepped together.
pub struct TestRun<P: Protocol> {
    pub protocol: P,
    pub world: World<P::Node>,
}

/// Random operations: `ops` over `clients`, on `keys` keys, `read_ratio` of them reads.
pub fn random_workload(clients: usize, keys: usize, ops: usize, read_ratio: f64) -> Workload {
    Workload {
        clients,
        keys,
        ops,
        read_ratio,
        think_ns_mean: None,
        script: Vec::new(),
    }
}

impl<P: Protocol> TestRun<P> {
    /// `servers` servers and the workload's clients on the default (clean) network,
    /// no bugs, the protocol's default options except `options`; clients pace their
    /// operations over `fault_period_ns`.
    pub fn new(
        servers: usize,
        workload: Workload,
        seed: u64,
        fault_period_ns: Nanos,
        options: &[(&str, Value)],
    ) -> Self {
        let setup = Setup {
            servers,
            workload,
            bugs: Bugs::default(),
            options: options
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
            fault_period_ns,
        };
        let protocol = P::build(&setup).unwrap_or_else(|e| panic!("{}: {e}", P::NAME));
        let config = WorldConfig {
            seed,
            server_count: servers,
            client_count: setup.workload.clients,
            network: NetworkConfig::default(),
            unsynced_on_crash: UnsyncedOnCrash::Lost,
            keep_trace: false,
        };
        let world = World::new(config, protocol.node_factory());
        TestRun { protocol, world }
    }

    /// Steps every event before `until_ns`, panicking at the first broken invariant.
    pub fn run_healthy_until(&mut self, until_ns: Nanos) {
        while self.world.peek_time().is_some_and(|t| t < until_ns) {
            self.world.step();
            if let Err(v) = self.protocol.check_step(&self.world) {
                panic!("{} broke {}: {}", P::NAME, v.property, v.detail);
            }
        }
    }

    /// The per-event check, now.
    pub fn check(&mut self) -> Result<(), Violation> {
        self.protocol.check_step(&self.world)
    }

    /// The end-of-run check, now.
    pub fn check_end(&mut self) -> Result<(), Violation> {
        self.protocol.check_end(&self.world)
    }

    /// The property the per-event check names now; panics if everything holds.
    pub fn violated(&mut self) -> String {
        self.check().expect_err("a violation").property
    }

    /// The property the end-of-run check names now; panics if everything holds.
    pub fn violated_at_end(&mut self) -> String {
        self.check_end().expect_err("a violation").property
    }

    /// Changes `node`'s actor by hand, as if inside one of its handlers (so the
    /// checkers see that something happened to it).
    pub fn corrupt(&mut self, node: u32, change: impl FnOnce(&mut P::Node)) {
        self.world
            .with_context(NodeId(node), |actor, _| change(actor));
    }
}
