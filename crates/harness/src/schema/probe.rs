//! What a protocol's own setup check accepts, found by asking it: at which node counts
//! it builds, with its defaults or with one option set to each of its choices (the
//! lock service's `"single"` runs on 3 nodes, `"redlock"` on 2 or more). An option's
//! types come from its declaration (`Protocol::Options`); node counts are decided in
//! `build`, so the schema asks it. The answers hold for the default workload; rules
//! that tie one option's value to another's are left to validation. A build that
//! panics on a value tried counts as refusing it. Large node counts are asked
//! sparsely (`EXHAUSTIVE_MAX`).

use super::fields::{NODES_MAX, NODES_MIN};
use crate::registry::ProtocolInfo;
use faultline_api::{Bugs, Setup, Workload};
use serde_json::Value;
use std::collections::BTreeMap;

/// Node counts asked one by one. Above this a protocol is asked every `STRIDE`
/// counts, and a stretch whose ends agree is taken to agree throughout: asking at
/// every count up to 10,000 builds each protocol 10,000 times at sizes up to 10,000
/// (46 s for `faultline schema`), and the built-in protocols' rules (exactly 2, at
/// least 3, ...) change only below it.
const EXHAUSTIVE_MAX: u32 = 1_000;
const STRIDE: u32 = 500;

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

    /// The node counts validation allows at which the protocol builds with `options`:
    /// each count up to `EXHAUSTIVE_MAX`; above it, the ends of each stretch of
    /// `STRIDE` counts, and the counts inside only where the ends disagree.
    pub fn node_counts(&self, options: &BTreeMap<String, Value>) -> Vec<u32> {
        let exhaustive_max = EXHAUSTIVE_MAX.min(NODES_MAX);
        let mut counts: Vec<u32> = (NODES_MIN..=exhaustive_max)
            .filter(|&nodes| self.builds(nodes, options))
            .collect();
        let (mut low, mut low_builds) = (exhaustive_max, counts.last() == Some(&exhaustive_max));
        while low < NODES_MAX {
            let high = low.saturating_add(STRIDE).min(NODES_MAX);
            let high_builds = self.builds(high, options);
            if low_builds && high_builds {
                counts.extend(low + 1..high);
            } else if low_builds != high_builds {
                counts.extend((low + 1..high).filter(|&nodes| self.builds(nodes, options)));
            }
            if high_builds {
                counts.push(high);
            }
            (low, low_builds) = (high, high_builds);
        }
        counts
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
