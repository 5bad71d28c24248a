//! How the network's behaviour varies by link and over time: per-link overrides
//! (a slow replica, a lossy WAN link, one direction worse than the other) and
//! phases (from time T the latency or loss become ...).
//!
//! An override names directed links (`from` × `to`) and the settings they take
//! instead of the network's own; overrides that name the same link apply in list
//! order, later ones winning. A phase changes the network's own settings from its
//! start on and may replace the overrides. Both are resolved once, when a phase
//! begins, into a dense table of one small index per directed link
//! ([`LinkTable`]), so deciding a message's fate costs one lookup however many
//! overrides there are, and nothing at all for a network without them.

use crate::network::{LatencyShape, NetworkConfig};
use crate::time::Nanos;

/// Settings that replace the network's own where given.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct BehaviourChange {
    /// Latency bounds and shape: `(latency_ns_min, latency_ns_max, shape)`.
    pub latency: Option<(Nanos, Nanos, LatencyShape)>,
    pub drop_probability: Option<f64>,
    pub duplicate_probability: Option<f64>,
}

impl BehaviourChange {
    /// `base` with this change applied.
    pub fn apply_to(&self, base: &NetworkConfig) -> NetworkConfig {
        let mut config = base.clone();
        if let Some((min, max, shape)) = self.latency {
            config.latency_ns_min = min;
            config.latency_ns_max = max;
            config.latency_shape = shape;
        }
        if let Some(p) = self.drop_probability {
            config.drop_probability = p;
        }
        if let Some(p) = self.duplicate_probability {
            config.duplicate_probability = p;
        }
        config
    }
}

/// The directed links from every node of `from` to every node of `to` behave as
/// the network would with `change` applied.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LinkOverride {
    pub from: Vec<u32>,
    pub to: Vec<u32>,
    pub change: BehaviourChange,
}

/// From `from_ns` on, the network's own settings take `change`, and, if `links` is
/// given, its overrides are those (otherwise the previous ones stay, applied on
/// top of the new settings).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct NetworkPhase {
    pub from_ns: Nanos,
    pub change: BehaviourChange,
    pub links: Option<Vec<LinkOverride>>,
}

/// Which settings each directed link follows: `slot[from * n + to]` is 0 for the
/// network's own, or `k` for `configs[k - 1]`.
#[derive(Clone, Debug)]
pub(crate) struct LinkTable {
    node_count: usize,
    slot: Vec<u16>,
    configs: Vec<NetworkConfig>,
}

impl LinkTable {
    /// The table for `overrides` over `base`; `None` when there are none.
    pub(crate) fn build(
        base: &NetworkConfig,
        overrides: &[LinkOverride],
        node_count: usize,
    ) -> Option<LinkTable> {
        if overrides.is_empty() {
            return None;
        }
        let mut table = LinkTable {
            node_count,
            slot: vec![0; node_count * node_count],
            configs: Vec::new(),
        };
        for (from, to) in overrides.iter().flat_map(links_of) {
            if from as usize >= node_count || to as usize >= node_count {
                continue; // validation names such nodes; a hand-built config skips them
            }
            let at = from as usize * node_count + to as usize;
            if table.slot[at] != 0 {
                continue; // an earlier override named it: its settings are known
            }
            let matching = overrides.iter().filter(|o| o.from.contains(&from));
            let changed = matching
                .filter(|o| o.to.contains(&to))
                .fold(base.clone(), |c, o| o.change.apply_to(&c));
            table.slot[at] = table.intern(changed);
        }
        Some(table)
    }

    /// The slot of `config`, adding it if it is new.
    fn intern(&mut self, config: NetworkConfig) -> u16 {
        let known = self.configs.iter().position(|c| *c == config);
        let k = known.unwrap_or_else(|| {
            self.configs.push(config);
            self.configs.len() - 1
        });
        u16::try_from(k + 1).expect("fewer than 65,535 distinct link settings")
    }

    /// The settings of the directed link `from → to`, if it has its own.
    #[inline]
    pub(crate) fn get(&self, from: usize, to: usize) -> Option<&NetworkConfig> {
        let k = self.slot[from * self.node_count + to].checked_sub(1)?;
        Some(&self.configs[k as usize])
    }
}

/// Every directed link an override names, a node's link to itself excepted.
fn links_of(o: &LinkOverride) -> impl Iterator<Item = (u32, u32)> + '_ {
    let pairs = o
        .from
        .iter()
        .flat_map(move |&a| o.to.iter().map(move |&b| (a, b)));
    pairs.filter(|(a, b)| a != b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slow(from: &[u32], to: &[u32], ms: u64) -> LinkOverride {
        let ns = ms * crate::time::MILLISECOND;
        LinkOverride {
            from: from.to_vec(),
            to: to.to_vec(),
            change: BehaviourChange {
                latency: Some((ns, ns, LatencyShape::Uniform)),
                ..BehaviourChange::default()
            },
        }
    }

    #[test]
    fn overrides_apply_per_directed_link_in_list_order() {
        let base = NetworkConfig::default();
        let mut lossy = slow(&[0, 1], &[1], 5);
        lossy.change.drop_probability = Some(0.5);
        let overrides = [slow(&[0], &[1, 2], 50), lossy];
        let table = LinkTable::build(&base, &overrides, 3).unwrap();
        let link = table.get(0, 1).unwrap();
        assert_eq!(link.latency_ns_min, 5_000_000, "the later one wins");
        assert_eq!(link.drop_probability, 0.5);
        assert_eq!(table.get(0, 2).unwrap().latency_ns_min, 50_000_000);
        assert_eq!(table.get(0, 2).unwrap().drop_probability, 0.0);
        assert!(
            table.get(1, 0).is_none(),
            "the reverse link keeps the network's"
        );
        assert!(table.get(0, 0).is_none());
        assert_eq!(table.configs.len(), 2, "equal settings share a slot");
        assert!(LinkTable::build(&base, &[], 3).is_none());
    }
}
