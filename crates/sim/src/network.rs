//! The virtual network: latency, loss, duplication and partitions between nodes.
//!
//! Each message draws its own latency, so reordering falls out of latency alone. The
//! draws are keyed by link, send time and the message's place among those sent on
//! its link at that instant ([`InstantKeys`](crate::rng::InstantKeys)), never by how
//! many messages came before: removing one message (as the shrinker does) leaves the
//! others' fates as they were. A partition is a matrix of blocked directed links: a
//! message is dropped if its link is blocked when it is sent or when it would arrive.
//! Clients are nodes like any other; partition shapes cut only the links the shape
//! names.

use crate::node::NodeId;
use crate::rng::SimRng;
use crate::time::{Nanos, MILLISECOND};
use serde::{Deserialize, Serialize};

/// How a message's latency is distributed between `latency_ns_min` and `latency_ns_max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LatencyShape {
    /// Every latency in the range equally likely.
    #[default]
    Uniform,
    /// Mostly near the minimum with a long tail up to the maximum (exponential with a
    /// mean of a tenth of the range, cut at the maximum).
    LongTail,
}

/// The network's behaviour; faults may change it during a run.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkConfig {
    pub latency_ns_min: Nanos,
    pub latency_ns_max: Nanos,
    pub latency_shape: LatencyShape,
    /// Probability that a message is lost.
    pub drop_probability: f64,
    /// Probability that a message is delivered twice (each copy with its own latency).
    pub duplicate_probability: f64,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            latency_ns_min: MILLISECOND,
            latency_ns_max: 10 * MILLISECOND,
            latency_shape: LatencyShape::Uniform,
            drop_probability: 0.0,
            duplicate_probability: 0.0,
        }
    }
}

impl NetworkConfig {
    /// Whether a message's fate involves chance at all (fixed latency, no loss and no
    /// duplication need no draws).
    #[inline]
    pub fn is_random(&self) -> bool {
        self.latency_ns_max > self.latency_ns_min
            || self.drop_probability > 0.0
            || self.duplicate_probability > 0.0
    }

    /// Draws one message latency.
    #[inline]
    pub fn sample_latency(&self, rng: &mut SimRng) -> Nanos {
        let span = self.latency_ns_max.saturating_sub(self.latency_ns_min);
        if span == 0 {
            return self.latency_ns_min;
        }
        match self.latency_shape {
            LatencyShape::Uniform => self.latency_ns_min + rng.below(span + 1),
            LatencyShape::LongTail => {
                let extra = rng.exponential(span as f64 / 10.0).min(span as f64);
                self.latency_ns_min + extra as Nanos
            }
        }
    }
}

/// Which directed links are cut. `blocked[from * n + to]`.
#[derive(Clone, Debug)]
pub struct Partitions {
    node_count: usize,
    blocked: Vec<bool>,
    any_blocked: bool,
}

impl Partitions {
    pub fn new(node_count: usize) -> Self {
        Partitions {
            node_count,
            blocked: vec![false; node_count * node_count],
            any_blocked: false,
        }
    }

    #[inline]
    pub fn is_blocked(&self, from: NodeId, to: NodeId) -> bool {
        self.any_blocked && self.blocked[from.index() * self.node_count + to.index()]
    }

    pub fn block(&mut self, from: NodeId, to: NodeId) {
        if from != to {
            self.blocked[from.index() * self.node_count + to.index()] = true;
            self.any_blocked = true;
        }
    }

    /// Cuts every link between nodes of different groups (both directions). Nodes in
    /// no group keep all their links.
    pub fn split(&mut self, groups: &[Vec<NodeId>]) {
        for (i, left) in groups.iter().enumerate() {
            for right in groups.iter().skip(i + 1) {
                self.cut_between(left, right);
            }
        }
    }

    /// Cuts the links between two sets in both directions.
    pub fn cut_between(&mut self, left: &[NodeId], right: &[NodeId]) {
        for &a in left {
            for &b in right {
                self.block(a, b);
                self.block(b, a);
            }
        }
    }

    /// Cuts links from `from` to `to` only.
    pub fn cut_one_way(&mut self, from: &[NodeId], to: &[NodeId]) {
        for &a in from {
            for &b in to {
                self.block(a, b);
            }
        }
    }

    pub fn heal(&mut self) {
        self.blocked.iter_mut().for_each(|b| *b = false);
        self.any_blocked = false;
    }

    pub fn is_partitioned(&self) -> bool {
        self.any_blocked
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Stream;

    #[test]
    fn latency_stays_within_bounds_for_each_shape() {
        let mut rng = SimRng::new(3, Stream::Network);
        for shape in [LatencyShape::Uniform, LatencyShape::LongTail] {
            let config = NetworkConfig {
                latency_shape: shape,
                ..NetworkConfig::default()
            };
            for _ in 0..1_000 {
                let l = config.sample_latency(&mut rng);
                assert!((config.latency_ns_min..=config.latency_ns_max).contains(&l));
            }
        }
    }

    #[test]
    fn split_cuts_only_cross_group_links() {
        let mut p = Partitions::new(4);
        p.split(&[vec![NodeId(0), NodeId(1)], vec![NodeId(2)]]);
        assert!(p.is_blocked(NodeId(0), NodeId(2)));
        assert!(p.is_blocked(NodeId(2), NodeId(1)));
        assert!(!p.is_blocked(NodeId(0), NodeId(1)));
        assert!(!p.is_blocked(NodeId(3), NodeId(2)), "node 3 is in no group");
        p.heal();
        assert!(!p.is_blocked(NodeId(0), NodeId(2)));
    }

    #[test]
    fn one_way_cut_keeps_the_reverse_link() {
        let mut p = Partitions::new(2);
        p.cut_one_way(&[NodeId(0)], &[NodeId(1)]);
        assert!(p.is_blocked(NodeId(0), NodeId(1)));
        assert!(!p.is_blocked(NodeId(1), NodeId(0)));
    }
}
