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
//!
//! Links may behave differently from the network (`links`) and the behaviour may
//! change during the run (`phases`); see [`crate::links`]. A link with settings of
//! its own draws from them in the same order as every other link, and a network
//! without overrides or phases pays one comparison per message for them.

pub use crate::cuts::Partitions;
use crate::instant_keys::InstantKeys;
use crate::links::LinkTable;
pub use crate::links::{BehaviourChange, LinkOverride, NetworkPhase};
use crate::node::NodeId;
use crate::rng::{SimRng, Stream};
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
    /// A duplicate arrives up to this much later than its own latency: a copy
    /// redelivered long after (a retransmission after a reconnect, a queue's
    /// redelivery), after the sender has moved on. 0: copies arrive like messages.
    pub duplicate_delay_ns_max: Nanos,
    /// Whether a message that meets a cut link (when sent, or when it arrives) is
    /// held and delivered when the link heals, in order, rather than dropped: a
    /// connection that retransmits across an outage.
    pub hold_across_cut: bool,
    /// Directed links with settings of their own (empty: every link is alike).
    pub links: Vec<LinkOverride>,
    /// Changes to the settings from given times on, in time order.
    pub phases: Vec<NetworkPhase>,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            latency_ns_min: MILLISECOND,
            latency_ns_max: 10 * MILLISECOND,
            latency_shape: LatencyShape::Uniform,
            drop_probability: 0.0,
            duplicate_probability: 0.0,
            duplicate_delay_ns_max: 0,
            hold_across_cut: false,
            links: Vec::new(),
            phases: Vec::new(),
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

    /// How much later than its latency a duplicate arrives (no draw when copies are
    /// not delayed, so runs without late copies draw as before).
    #[inline]
    fn duplicate_delay(&self, rng: &mut SimRng) -> Nanos {
        match self.duplicate_delay_ns_max {
            0 => 0,
            max => rng.below(max + 1),
        }
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
    /// The settings in force (the current phase's), without links or phases.
    pub(crate) config: NetworkConfig,
    pub(crate) partitions: Partitions,
    rng: SimRng,
    /// Keys each message's draws by link and send time.
    keys: InstantKeys,
    /// The overrides in force, and the per-link table they resolve to.
    links: Vec<LinkOverride>,
    table: Option<LinkTable>,
    /// Phases still to come, latest first, and when the next one starts.
    phases: Vec<NetworkPhase>,
    next_phase_ns: Nanos,
    node_count: usize,
}

impl Network {
    pub(crate) fn new(mut config: NetworkConfig, node_count: usize, seed: u64) -> Self {
        let links = std::mem::take(&mut config.links);
        let mut phases = std::mem::take(&mut config.phases);
        phases.sort_by_key(|p| p.from_ns); // stable: ties keep their order
        phases.reverse(); // popped from the end, earliest first
        let table = LinkTable::build(&config, &links, node_count);
        let next_phase_ns = phases.last().map_or(Nanos::MAX, |p| p.from_ns);
        Network {
            config,
            partitions: Partitions::new(node_count),
            rng: SimRng::new(seed, Stream::Network),
            keys: InstantKeys::new(),
            links,
            table,
            phases,
            next_phase_ns,
            node_count,
        }
    }

    /// Enters every phase that has begun by `now`, in order.
    #[cold]
    fn enter_phases(&mut self, now: Nanos) {
        while self.phases.last().is_some_and(|p| p.from_ns <= now) {
            let phase = self.phases.pop().expect("a phase");
            self.config = phase.change.apply_to(&self.config);
            if let Some(links) = phase.links {
                self.links = links;
            }
        }
        self.table = LinkTable::build(&self.config, &self.links, self.node_count);
        self.next_phase_ns = self.phases.last().map_or(Nanos::MAX, |p| p.from_ns);
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
        if now >= self.next_phase_ns {
            self.enter_phases(now);
        }
        let own = self
            .table
            .as_ref()
            .and_then(|t| t.get(from.index(), to.index()));
        let config = own.unwrap_or(&self.config);
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
            .then(|| now + config.sample_latency(rng) + config.duplicate_delay(rng));
        Fate::Arrives {
            at_ns: now + config.sample_latency(rng),
            copy_at_ns,
        }
    }

    /// The run reached `now`: link keys of earlier instants are never asked again.
    #[inline]
    pub(crate) fn forget_keys_before(&mut self, now: Nanos) {
        self.keys.forget_before(now);
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
    use crate::time::SECOND;

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
    fn late_duplicates_arrive_up_to_their_delay_later_and_leave_messages_as_they_were() {
        let base = NetworkConfig {
            duplicate_probability: 1.0,
            ..NetworkConfig::default()
        };
        let late = NetworkConfig {
            duplicate_delay_ns_max: SECOND,
            ..base.clone()
        };
        let (n0, n1) = (NodeId(0), NodeId(1));
        let (mut prompt, mut delayed) = (Network::new(base, 2, 7), Network::new(late, 2, 7));
        let mut copy_delays = Vec::new();
        for now in (0..500).map(|t| t * MILLISECOND) {
            let (
                Fate::Arrives {
                    copy_at_ns: Some(prompt_copy),
                    ..
                },
                Fate::Arrives {
                    at_ns,
                    copy_at_ns: Some(copy),
                    ..
                },
            ) = (
                prompt.fate_at_send(n0, n1, now),
                delayed.fate_at_send(n0, n1, now),
            )
            else {
                panic!("every message arrives, with its copy");
            };
            assert!(prompt_copy <= now + 10 * MILLISECOND);
            assert!(
                at_ns <= now + 10 * MILLISECOND,
                "the message itself is not delayed"
            );
            assert!(copy <= now + 10 * MILLISECOND + SECOND);
            copy_delays.push(copy - now);
        }
        let late_copies = copy_delays
            .iter()
            .filter(|&&d| d > 100 * MILLISECOND)
            .count();
        assert!(
            late_copies > 400,
            "most copies come late: {late_copies} of 500"
        );
    }

    fn slow_link(from: u32, to: u32, ms: u64) -> LinkOverride {
        let ns = ms * MILLISECOND;
        LinkOverride {
            from: vec![from],
            to: vec![to],
            change: BehaviourChange {
                latency: Some((ns, ns, LatencyShape::Uniform)),
                ..BehaviourChange::default()
            },
        }
    }

    #[test]
    fn a_slow_link_leaves_every_other_links_draws_as_they_were() {
        let base = NetworkConfig {
            drop_probability: 0.1,
            duplicate_probability: 0.1,
            ..NetworkConfig::default()
        };
        let mut plain = Network::new(base.clone(), 3, 7);
        let links = vec![slow_link(0, 2, 100)];
        let mut slow = Network::new(NetworkConfig { links, ..base }, 3, 7);
        let (n0, n1, n2) = (NodeId(0), NodeId(1), NodeId(2));
        for now in (0..200).map(|t| t * MILLISECOND) {
            assert_eq!(
                plain.fate_at_send(n0, n1, now),
                slow.fate_at_send(n0, n1, now)
            );
            assert_eq!(
                plain.fate_at_send(n2, n0, now),
                slow.fate_at_send(n2, n0, now)
            );
            plain.fate_at_send(n0, n2, now);
            match slow.fate_at_send(n0, n2, now) {
                Fate::Arrives { at_ns, .. } => assert_eq!(at_ns, now + 100 * MILLISECOND),
                other => assert_eq!(other, Fate::Dropped(DropReason::Lost)),
            }
        }
    }

    #[test]
    fn a_phase_changes_the_network_from_its_start_on() {
        let lossy = NetworkPhase {
            from_ns: 50 * MILLISECOND,
            change: BehaviourChange {
                drop_probability: Some(1.0),
                ..BehaviourChange::default()
            },
            links: Some(vec![slow_link(1, 0, 30)]),
        };
        let config = NetworkConfig {
            phases: vec![lossy],
            ..NetworkConfig::default()
        };
        let mut network = Network::new(config, 2, 1);
        let (n0, n1) = (NodeId(0), NodeId(1));
        let before = network.fate_at_send(n0, n1, 49 * MILLISECOND);
        assert!(matches!(before, Fate::Arrives { .. }), "{before:?}");
        let lost = Fate::Dropped(DropReason::Lost);
        assert_eq!(network.fate_at_send(n0, n1, 50 * MILLISECOND), lost);
        let back = network.fate_at_send(n1, n0, 60 * MILLISECOND);
        assert_eq!(lost, back, "the link's own settings start from the phase's");
    }
}
