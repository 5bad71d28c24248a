//! The virtual network, and the one place a message's fate is decided: its loss,
//! duplication and latency when it is sent, and whether a cut stops it when it is
//! sent or when it would arrive ([`Network::fate_at_send`],
//! [`Network::fate_at_delivery`]). The kernel only carries out the verdict.
//!
//! Each message draws its own latency, so reordering falls out of latency alone. The
//! draws are keyed by link, send time and the message's place among those sent on
//! its link at that instant ([`InstantKeys`]), never by how many messages came
//! before: removing one message (as the shrinker does) leaves the others' fates as
//! they were. A message whose link is cut (`cuts`) when it is sent or when it would
//! arrive is dropped, or held until the link heals if `hold_across_cut` is on. Clients are nodes
//! like any other; partition shapes cut only the links the shape names.

pub use crate::cuts::Partitions;
use crate::node::NodeId;
use crate::rng::{InstantKeys, SimRng, Stream};
use crate::time::{Nanos, MILLISECOND};
use crate::trace::DropReason;
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
    /// Whether a message that meets a cut link (when sent, or when it arrives) is
    /// held and delivered when the link heals, in order, rather than dropped: a
    /// connection that retransmits across an outage.
    pub hold_across_cut: bool,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            latency_ns_min: MILLISECOND,
            latency_ns_max: 10 * MILLISECOND,
            latency_shape: LatencyShape::Uniform,
            drop_probability: 0.0,
            duplicate_probability: 0.0,
            hold_across_cut: false,
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

/// What becomes of a message when it is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fate {
    /// It never arrives.
    Dropped(DropReason),
    /// Its link is cut and the network holds messages across cuts: it waits for
    /// the heal.
    Held,
    /// It arrives at `at_ns`; a duplicate (if drawn) arrives at `copy_at_ns`.
    Arrives {
        at_ns: Nanos,
        copy_at_ns: Option<Nanos>,
    },
}

/// The network of one run: its behaviour, its cuts, and the keyed stream every
/// message's chance is read from.
#[derive(Clone, Debug)]
pub(crate) struct Network {
    pub(crate) config: NetworkConfig,
    pub(crate) partitions: Partitions,
    rng: SimRng,
    /// Keys each message's draws by link and send time.
    keys: InstantKeys,
}

impl Network {
    pub(crate) fn new(config: NetworkConfig, node_count: usize, seed: u64) -> Self {
        Network {
            config,
            partitions: Partitions::new(node_count),
            rng: SimRng::new(seed, Stream::Network),
            keys: InstantKeys::new(node_count),
        }
    }

    /// The fate of a message `from → to` sent at `now`: a cut link drops it without
    /// a draw; otherwise loss, duplication, the copy's latency and its own latency
    /// are drawn, in that order, at the link's keyed position.
    #[inline]
    pub(crate) fn fate_at_send(&mut self, from: NodeId, to: NodeId, now: Nanos) -> Fate {
        if self.partitions.is_blocked(from, to) {
            return match self.config.hold_across_cut {
                true => Fate::Held,
                false => Fate::Dropped(DropReason::Partitioned),
            };
        }
        let config = &self.config;
        let rng = &mut self.rng;
        if config.is_random() {
            let nth = self.keys.nth(from, to.0, now);
            let link = Stream::Link {
                from: from.0,
                to: to.0,
                nth,
            };
            rng.seek(link, InstantKeys::block(now));
        }
        if rng.chance(config.drop_probability) {
            return Fate::Dropped(DropReason::Lost);
        }
        let copy_at_ns = rng
            .chance(config.duplicate_probability)
            .then(|| now + config.sample_latency(rng));
        Fate::Arrives {
            at_ns: now + config.sample_latency(rng),
            copy_at_ns,
        }
    }

    /// Whether a message `from → to` that reached its destination is stopped there:
    /// a cut made while it was in flight drops it, or holds it for the heal.
    #[inline]
    pub(crate) fn fate_at_delivery(&self, from: NodeId, to: NodeId) -> Option<Fate> {
        if !self.partitions.is_blocked(from, to) {
            return None;
        }
        Some(match self.config.hold_across_cut {
            true => Fate::Held,
            false => Fate::Dropped(DropReason::Partitioned),
        })
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
}
