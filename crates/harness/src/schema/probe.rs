//! What a protocol's own setup check accepts, found by asking it.
//!
//! A protocol validates its options and node count in `build` (validation runs it once
//! per scenario, as `ProtocolInfo::check_setup`), and declares only names, meanings
//! and default texts for its options. So the schema asks the check itself: which JSON
//! types an option takes (a boolean, a non-negative integer, one of some strings...),
//! and at which node counts the protocol builds, with its defaults or with one
//! option set to each of its choices (the lock service's `"single"` runs on 3 nodes,
//! `"redlock"` on 2 or more). The answers hold for the default workload; rules that
//! tie one option's value to another's are left to validation. A build that panics on
//! a value tried (a user's protocol that unwraps an option as an integer) counts as
//! refusing it: the schema then says what the protocol can take.

use super::fields::{NODES_MAX, NODES_MIN};
use crate::registry::ProtocolInfo;
use faultline_api::{Bugs, OptionInfo, Setup, Workload};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Cluster sizes at which an option's values are tried (a value counts as taken if
/// the protocol builds with it at one of them, or where it builds with its defaults).
const SMALL_CLUSTERS: std::ops::RangeInclusive<u32> = 1..=16;

/// The fault period a scenario has by default (`duration`: 10s).
const FAULT_PERIOD_NS: u64 = 10 * faultline_sim::SECOND;

/// Integers tried on an option (small enough that no protocol's arithmetic on them
/// overflows).
const INTEGERS: [i64; 10] = [0, 1, 2, 3, 5, 10, 100, 1_000, 10_000, 1_000_000];

/// A text no option takes by name: if an option takes it, it takes any string.
const ANY_TEXT: &str = "\u{1}faultline schema probe";

/// The JSON values one option takes.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Takes {
    pub booleans: Vec<bool>,
    pub integers: bool,
    pub negative_integers: bool,
    pub fractions: bool,
    pub any_string: bool,
    /// The strings it takes, of those its default and meaning quote.
    pub strings: Vec<String>,
    pub null: bool,
    pub arrays: bool,
    pub objects: bool,
}

impl Takes {
    /// The values whose choice may change the node counts a protocol builds at.
    pub fn choices(&self) -> Vec<Value> {
        let booleans = self.booleans.iter().map(|b| json!(b));
        booleans
            .chain(self.strings.iter().map(|s| json!(s)))
            .collect()
    }
}

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

    /// Which JSON values `option` takes.
    pub fn takes(&self, option: &OptionInfo) -> Takes {
        let takes = |value: Value| self.takes_value(option.name, &value);
        Takes {
            booleans: [false, true]
                .into_iter()
                .filter(|&b| takes(json!(b)))
                .collect(),
            integers: integers_tried(option).into_iter().any(|n| takes(json!(n))),
            negative_integers: [-1, -1_000].into_iter().any(|n| takes(json!(n))),
            fractions: [0.5, 2.5].into_iter().any(|x| takes(json!(x))),
            any_string: takes(json!(ANY_TEXT)),
            strings: strings_tried(option)
                .into_iter()
                .filter(|s| takes(json!(s)))
                .collect(),
            null: takes(Value::Null),
            arrays: takes(json!([])),
            objects: takes(json!({})),
        }
    }

    fn takes_value(&self, name: &str, value: &Value) -> bool {
        let options = BTreeMap::from([(name.to_string(), value.clone())]);
        let mut sizes = SMALL_CLUSTERS.chain(self.default_nodes.first().copied());
        sizes.any(|nodes| self.builds(nodes, &options))
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

/// The integers tried on an option: a spread, and its default if that is one.
fn integers_tried(option: &OptionInfo) -> Vec<i64> {
    let default = option.default.trim().parse::<i64>().ok();
    INTEGERS.into_iter().chain(default).collect()
}

/// The strings tried on an option: its default text and every word its meaning quotes
/// (`"single": node 0 primary ...; "redlock": ...`), in that order, each once.
fn strings_tried(option: &OptionInfo) -> Vec<String> {
    let quoted = option.meaning.split('"').skip(1).step_by(2);
    let mut strings: Vec<String> = Vec::new();
    for text in std::iter::once(option.default).chain(quoted) {
        if !text.is_empty() && !strings.iter().any(|s| s == text) {
            strings.push(text.to_string());
        }
    }
    strings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_tried_are_the_default_and_the_quoted_words() {
        let option = OptionInfo {
            name: "service",
            meaning: "\"single\": one server; \"redlock\": many; \"single\" again",
            default: "single",
        };
        assert_eq!(strings_tried(&option), ["single", "redlock"]);
    }
}
