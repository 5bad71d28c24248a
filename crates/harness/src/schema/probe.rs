//! What a protocol's own setup check accepts, found by asking it: at which node counts
//! it builds, with its defaults or with one option set to each of its choices (the
//! lock service's `"single"` runs on 3 nodes, `"redlock"` on 2 or more). An option's
//! types come from its declaration (`Protocol::Options`); node counts are decided in
//! `build`, so the schema asks it. The answers hold for the default workload; rules
//! that tie one option's value to another's are left to validation. A build that
//! panics on a value tried counts as refusing it.

use super::fields::{NODES_MAX, NODES_MIN};
use crate::registry::ProtocolInfo;
use faultline_api::{Bugs, Setup, Workload};
use serde_json::Value;
use std::collections::BTreeMap;

/// The fault period a scenario has by default (`duration`: 10s).
const FAULT_PERIOD_NS: u64 = 10 * faultline_sim::SECOND;

/// Asks one protocol's setup check.
pub(super) struct Probe<'a> {
    info: &'a ProtocolInfo,
    /// Where it builds with its defaults.
    default_nodes: Vec<u32>,
}

impl<'a> Probe<'a> {
    pub fn new(info: &'a ProtocolInfo) -> Self {
        let mut probe = Probe {
            info,
            default_nodes: Vec::new(),
        };
        probe.default_nodes = probe.node_counts(&BTreeMap::new());
        probe
    }

    /// The node counts validation allows at which the protocol builds with its defaults.
    pub fn default_node_counts(&self) -> &[u32] {
        &self.default_nodes
    }

    /// The node counts validation allows at which the protocol builds with `options`.
    pub fn node_counts(&self, options: &BTreeMap<String, Value>) -> Vec<u32> {
        (NODES_MIN..=NODES_MAX)
            .filter(|&nodes| self.builds(nodes, options))
            .collect()
    }

    /// The node counts at which it builds with option `name` set to `value`.
    pub fn node_counts_with(&self, name: &str, value: &Value) -> Vec<u32> {
        self.node_counts(&BTreeMap::from([(name.to_string(), value.clone())]))
    }

    fn builds(&self, servers: u32, options: &BTreeMap<String, Value>) -> bool {
        let setup = Setup {
            servers: servers as usize,
            workload: Workload::default(),
            bugs: Bugs::default(),
            options: options.clone(),
            fault_period_ns: FAULT_PERIOD_NS,
        };
        let check = self.info.check_setup;
        // A build that panics on a value tried has refused it: an answer, not news.
        crate::panic_capture::catch(|| check(&setup)).is_ok_and(|built| built.is_ok())
    }
}
