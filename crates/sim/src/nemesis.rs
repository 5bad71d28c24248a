//! The random nemesis: turns per-kind fault rates into a concrete fault plan.
//!
//! Each fault kind runs as its own renewal process on the nemesis stream: wait an
//! exponential time with the configured mean, inject the fault for a random window,
//! undo it, repeat until the fault period ends. Kinds are independent, so they
//! overlap the way real failures do (a partition during a crash during a pause).
//! The plan names targets abstractly (`random`, `leader`); the World resolves them
//! when each fault fires. Partitions split the servers only, unless
//! `partition_clients` asks for shapes that put the clients on their sides too.

use crate::clock_jumps::{ClockJumpWindow, JumpsInWindow};
use crate::fault::{FaultAction, PartitionShape, Target};
use crate::rng::SimRng;
use crate::time::Nanos;

/// Mean time between faults of each kind (`None`: that kind is off) and how long each lasts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NemesisConfig {
    pub partition_every_ns: Option<Nanos>,
    pub partition_for_ns_max: Nanos,
    pub crash_every_ns: Option<Nanos>,
    pub crash_for_ns_max: Nanos,
    /// Mean time between machine replacements (a crash that empties the disk;
    /// `None`: off), each for up to `crash_for_ns_max`.
    pub replace_every_ns: Option<Nanos>,
    /// The most servers one random crash takes down together (a rack, a power
    /// feed): each crash draws how many, from 1 to this, and they restart together.
    /// 0 or 1: one server at a time, with no draw for the count, as always.
    pub crash_max_concurrent: u32,
    /// Mean time between crashes at a point inside a handler (`None`: off): a
    /// victim as for crashes and a point drawn from `crash_points`, restarting
    /// after up to `crash_for_ns_max`.
    pub crash_point_every_ns: Option<Nanos>,
    /// The points the protocol declares (`Protocol::crash_points`).
    pub crash_points: &'static [&'static str],
    /// Mean time between random crashes of a client (`None`: off), each restarting
    /// after up to `crash_for_ns_max` as a new process: the victim is drawn among
    /// `client_nodes`.
    pub client_crash_every_ns: Option<Nanos>,
    /// The client nodes (`servers..node_count`); empty when there are none.
    pub client_nodes: std::ops::Range<u32>,
    pub pause_every_ns: Option<Nanos>,
    pub pause_for_ns_max: Nanos,
    pub clock_every_ns: Option<Nanos>,
    pub clock_jump_ns_max: Nanos,
    pub clock_drift_ppm_max: i64,
    /// How much random jumps may add up to within any window (`None`: no bound):
    /// what the protocol's clock-error allowance leaves after drift, so that jumps
    /// every few milliseconds do not walk a clock past it ([`crate::clock_jumps`]).
    pub clock_jumps_window: Option<ClockJumpWindow>,
    /// When non-zero, random clock faults pick their node among nodes
    /// `0..clock_node_count` (servers and clients: a client's clock skews too) with
    /// a draw of their own; zero: `random`, a server drawn when the fault fires.
    pub clock_node_count: u32,
    /// Probability that a crash, pause or isolation targets the current leader
    /// rather than a random server.
    pub leader_bias: f64,
    /// Probability that a newly elected leader is crashed soon after its election
    /// (within `new_leader_crash_within_ns`), for `crash_for_ns_max` at most: the
    /// leader churn that exposes commit-rule bugs (Raft's Figure 8).
    pub new_leader_crash: f64,
    pub new_leader_crash_within_ns: Nanos,
    /// A role pauses aim at, with probability `pause_role_bias`, before the usual
    /// choice between the leader and a random server: `holder`, say, a lock client
    /// that believes it holds the lock (the process pause of Kleppmann 2016). `None`
    /// draws nothing extra, so plans without it are what they always were.
    pub pause_role: Option<String>,
    pub pause_role_bias: f64,
    /// Whether random partitions put the clients on their sides too, rather than
    /// leaving every client linked to every node: each drawn shape is wrapped in
    /// [`PartitionShape::WithClients`] (see there for what that does to each shape).
    /// For protocols whose clients talk to the replicas directly (a quorum register),
    /// where a client cut off from some replicas is the interesting case. It draws
    /// nothing extra from the nemesis stream: with it off, plans are what they always
    /// were; with it on, the same faults at the same times with the shapes wrapped.
    pub partition_clients: bool,
    /// Whether each random partition is its own cut, healed by its own window's end
    /// only ([`FaultAction::Cut`]), rather than a partition whose heal ends every
    /// partition then in force (a scheduled one too). Same draws either way.
    pub independent_partitions: bool,
}

/// A fault and when it fires.
pub type PlannedFault = (Nanos, FaultAction);

/// The faults to inject during `[0, fault_period_ns)`, in time order, all at once
/// (a run draws them as they fall due instead: [`crate::plan_stream`], the same
/// faults in the same order).
pub fn plan(config: &NemesisConfig, fault_period_ns: Nanos, rng: &mut SimRng) -> Vec<PlannedFault> {
    // One kind after another, always in this order: each draws from the same stream.
    let mut faults = Vec::new();
    for kind in Kind::ALL {
        let Some(mut renewal) = kind.renewal(config, fault_period_ns) else {
            continue;
        };
        while let Some((at, window)) = renewal.next(rng) {
            let first = faults.len();
            kind.inject(config, rng, (at, window), &mut faults);
            renewal.fit_drawn(&mut faults[first..]);
        }
    }
    faults.sort_by_key(|(at, _)| *at); // stable: equal times keep kind order
    faults
}

/// The kinds of random fault, in the order they draw from the nemesis stream.
/// Each kind's faults come out in time order (a renewal never starts a fault
/// before the previous window closed, and a window's end comes after its start).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Partitions (or independent cuts), each with its heal.
    Partitions,
    /// Crashes, one or several servers at once, each restarting after its window.
    Crashes,
    /// Pauses, each resumed after its window.
    Pauses,
    /// Clock jumps and drift.
    ClockFaults,
    /// Replaced machines (a crash that comes back with an empty disk).
    Replacements,
    /// Crashes at a point inside a handler: armed at a drawn time, they happen when
    /// the victim next passes the drawn point.
    CrashPoints,
    /// A client drawn among the client nodes crashes and comes back after its
    /// window as a new process.
    ClientCrashes,
}

impl Kind {
    pub(crate) const ALL: [Kind; 7] = [
        Kind::Partitions,
        Kind::Crashes,
        Kind::Pauses,
        Kind::ClockFaults,
        Kind::Replacements,
        Kind::CrashPoints,
        Kind::ClientCrashes,
    ];

    /// The renewal process of this kind over `[0, fault_period_ns)`, or `None`
    /// when the config plans none (then it draws nothing).
    pub(crate) fn renewal(self, config: &NemesisConfig, fault_period_ns: Nanos) -> Option<Renewal> {
        let (every_ns, window_ns_max) = match self {
            Kind::Partitions => (config.partition_every_ns?, config.partition_for_ns_max),
            Kind::Crashes => (config.crash_every_ns?, config.crash_for_ns_max),
            Kind::Pauses => (config.pause_every_ns?, config.pause_for_ns_max),
            Kind::ClockFaults => (config.clock_every_ns?, 0),
            Kind::Replacements => (config.replace_every_ns?, config.crash_for_ns_max),
            Kind::CrashPoints if config.crash_points.is_empty() => return None,
            Kind::CrashPoints => (config.crash_point_every_ns?, config.crash_for_ns_max),
            Kind::ClientCrashes if config.client_nodes.is_empty() => return None,
            Kind::ClientCrashes => (config.client_crash_every_ns?, config.crash_for_ns_max),
        };
        let clock_jumps = match self {
            Kind::ClockFaults => config.clock_jumps_window.map(JumpsInWindow::new),
            _ => None,
        };
        Some(Renewal {
            at: 0,
            every_ns,
            window_ns_max,
            clock_jumps,
            period_ns: fault_period_ns,
        })
    }

    /// The faults of one renewal, starting `at` and lasting `window`, drawing what
    /// they need (victims, shapes, points) from `rng`.
    pub(crate) fn inject(
        self,
        config: &NemesisConfig,
        rng: &mut SimRng,
        (at, window): (Nanos, Nanos),
        faults: &mut impl Extend<PlannedFault>,
    ) {
        match self {
            Kind::Partitions => {
                let shape = partition_shape(rng, config);
                if config.independent_partitions {
                    let heal_after_ns = Some(window);
                    faults.extend([(
                        at,
                        FaultAction::Cut {
                            shape,
                            heal_after_ns,
                        },
                    )]);
                } else {
                    faults.extend([(at, FaultAction::Partition(shape))]);
                    faults.extend([(at + window, FaultAction::Heal)]);
                }
            }
            Kind::Crashes => {
                let restart_after_ns = Some(window);
                for target in crash_victims(rng, config) {
                    faults.extend([(
                        at,
                        FaultAction::Crash {
                            target,
                            restart_after_ns,
                        },
                    )]);
                }
            }
            single => faults.extend([(at, single.one_fault(config, rng, window))]),
        }
    }

    /// The one fault of a renewal of a kind that injects one, lasting `window`.
    fn one_fault(self, config: &NemesisConfig, rng: &mut SimRng, window: Nanos) -> FaultAction {
        match self {
            Kind::Pauses => FaultAction::Pause {
                target: pause_victim(rng, config),
                resume_after_ns: Some(window),
            },
            Kind::ClockFaults => clock_fault(rng, config),
            Kind::Replacements => FaultAction::Replace {
                target: victim(rng, config.leader_bias),
                restart_after_ns: Some(window),
            },
            Kind::CrashPoints => {
                let target = victim(rng, config.leader_bias);
                let point = rng.pick(config.crash_points).expect("some point");
                FaultAction::CrashAtPoint {
                    target,
                    point: point.to_string(),
                    restart_after_ns: Some(window),
                }
            }
            Kind::ClientCrashes => {
                let clients = &config.client_nodes;
                let offset = rng.below(u64::from(clients.end - clients.start)) as u32;
                FaultAction::Crash {
                    target: Target::Node(clients.start + offset),
                    restart_after_ns: Some(window),
                }
            }
            Kind::Partitions | Kind::Crashes => unreachable!("{self:?} injects several"),
        }
    }
}

/// One kind's renewal process: faults at exponential intervals with mean
/// `every_ns`, each for a window drawn within `window_ns_max`, never starting a
/// new one before the previous window closed.
#[derive(Clone, Debug)]
pub(crate) struct Renewal {
    /// Where the previous window closed (0 before the first).
    at: Nanos,
    every_ns: Nanos,
    window_ns_max: Nanos,
    period_ns: Nanos,
    /// The clock jumps of the last window, when their sum is bounded.
    clock_jumps: Option<JumpsInWindow>,
}

impl Renewal {
    /// The next fault's start and window, or `None` once the period is over (not
    /// to be asked again: each asking draws).
    pub(crate) fn next(&mut self, rng: &mut SimRng) -> Option<(Nanos, Nanos)> {
        self.at += rng.exponential(self.every_ns.max(1) as f64) as Nanos;
        if self.at >= self.period_ns {
            return None;
        }
        let window = match self.window_ns_max {
            0 => 0,
            max => rng.range_inclusive(max / 10, max),
        };
        let start = self.at;
        self.at += window;
        Some((start, window))
    }

    /// Fits the faults of the renewal just drawn to what bounds the kind has: clock
    /// jumps to the room their window has left.
    pub(crate) fn fit_drawn(&mut self, faults: &mut [PlannedFault]) {
        if let Some(jumps) = &mut self.clock_jumps {
            jumps.fit(faults);
        }
    }
}

fn victim(rng: &mut SimRng, leader_bias: f64) -> Target {
    if rng.chance(leader_bias) {
        Target::Role("leader".into())
    } else {
        Target::Random
    }
}

/// Whom one random crash takes down: the usual victim, then, when several may go
/// together, a drawn number of others (`random`: each a server still up).
fn crash_victims(rng: &mut SimRng, config: &NemesisConfig) -> Vec<Target> {
    let first = victim(rng, config.leader_bias);
    if config.crash_max_concurrent <= 1 {
        return vec![first];
    }
    let count = rng.range_inclusive(1, u64::from(config.crash_max_concurrent));
    let others = (1..count).map(|_| Target::Random);
    std::iter::once(first).chain(others).collect()
}

/// Whom a pause hits: the configured pause role first (if any), else as crashes do.
fn pause_victim(rng: &mut SimRng, config: &NemesisConfig) -> Target {
    if let Some(role) = &config.pause_role {
        if rng.chance(config.pause_role_bias) {
            return Target::Role(role.clone());
        }
    }
    victim(rng, config.leader_bias)
}

fn partition_shape(rng: &mut SimRng, config: &NemesisConfig) -> PartitionShape {
    let shape = server_partition_shape(rng, config.leader_bias);
    if config.partition_clients {
        PartitionShape::WithClients(Box::new(shape))
    } else {
        shape
    }
}

fn server_partition_shape(rng: &mut SimRng, leader_bias: f64) -> PartitionShape {
    match rng.below(5) {
        0 => PartitionShape::Halves,
        1 => PartitionShape::Isolate(victim(rng, leader_bias)),
        2 => PartitionShape::MajorityMinority {
            minority: Some(victim(rng, leader_bias)),
        },
        3 => PartitionShape::Bridge,
        _ => PartitionShape::Ring,
    }
}

fn clock_fault(rng: &mut SimRng, config: &NemesisConfig) -> FaultAction {
    let target = match config.clock_node_count {
        0 => Target::Random,
        count => Target::Node(rng.below(u64::from(count)) as u32),
    };
    if rng.chance(0.5) && config.clock_drift_ppm_max > 0 {
        let max = config.clock_drift_ppm_max as u64;
        let drift_ppm = rng.range_inclusive(0, 2 * max) as i64 - max as i64;
        FaultAction::ClockDrift { target, drift_ppm }
    } else {
        let max = config.clock_jump_ns_max;
        let by_ns = rng.range_inclusive(0, 2 * max) as i64 - max as i64;
        FaultAction::ClockJump { target, by_ns }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Stream;
    use crate::time::SECOND;

    fn config() -> NemesisConfig {
        NemesisConfig {
            partition_every_ns: Some(2 * SECOND),
            partition_for_ns_max: SECOND,
            crash_every_ns: Some(3 * SECOND),
            crash_for_ns_max: SECOND,
            pause_every_ns: None,
            clock_every_ns: Some(5 * SECOND),
            clock_jump_ns_max: SECOND,
            clock_drift_ppm_max: 1_000,
            ..NemesisConfig::default()
        }
    }

    #[test]
    fn plan_is_ordered_inside_the_period_and_repeatable() {
        let a = plan(&config(), 30 * SECOND, &mut SimRng::new(9, Stream::Nemesis));
        let b = plan(&config(), 30 * SECOND, &mut SimRng::new(9, Stream::Nemesis));
        assert_eq!(a, b);
        assert!(a.windows(2).all(|w| w[0].0 <= w[1].0));
        assert!(a
            .iter()
            .any(|(_, f)| matches!(f, FaultAction::Crash { .. })));
        assert!(a
            .iter()
            .any(|(_, f)| matches!(f, FaultAction::Partition(_))));
        assert!(!a
            .iter()
            .any(|(_, f)| matches!(f, FaultAction::Pause { .. })));
    }

    #[test]
    fn a_pause_role_aims_pauses() {
        let mut with_pauses = config();
        with_pauses.pause_every_ns = Some(SECOND);
        with_pauses.pause_for_ns_max = SECOND;
        let plain = plan(
            &with_pauses,
            30 * SECOND,
            &mut SimRng::new(3, Stream::Nemesis),
        );
        let mut aimed = with_pauses.clone();
        aimed.pause_role = Some("holder".into());
        aimed.pause_role_bias = 1.0;
        let aimed = plan(&aimed, 30 * SECOND, &mut SimRng::new(3, Stream::Nemesis));
        let pauses = |faults: &[PlannedFault]| -> Vec<Target> {
            let pauses = faults.iter().filter_map(|(_, f)| match f {
                FaultAction::Pause { target, .. } => Some(target.clone()),
                _ => None,
            });
            pauses.collect()
        };
        assert!(!pauses(&aimed).is_empty());
        assert!(pauses(&aimed)
            .iter()
            .all(|t| *t == Target::Role("holder".into())));
        assert!(!pauses(&plain).contains(&Target::Role("holder".into())));
    }

    #[test]
    fn independent_partitions_are_cuts_with_their_own_windows() {
        let mut independent = config();
        independent.independent_partitions = true;
        let shared = plan(&config(), 30 * SECOND, &mut SimRng::new(4, Stream::Nemesis));
        let cuts = plan(
            &independent,
            30 * SECOND,
            &mut SimRng::new(4, Stream::Nemesis),
        );
        assert!(!cuts.iter().any(|(_, f)| *f == FaultAction::Heal));
        let windows: Vec<(Nanos, Nanos)> = cuts
            .iter()
            .filter_map(|(at, f)| match f {
                FaultAction::Cut {
                    heal_after_ns: Some(w),
                    ..
                } => Some((*at, *at + w)),
                _ => None,
            })
            .collect();
        let starts = shared
            .iter()
            .filter(|(_, f)| matches!(f, FaultAction::Partition(_)));
        let heals = shared.iter().filter(|(_, f)| *f == FaultAction::Heal);
        let same: Vec<(Nanos, Nanos)> = starts.zip(heals).map(|(a, b)| (a.0, b.0)).collect();
        assert!(!windows.is_empty());
        assert_eq!(windows, same, "the same draws, as cuts");
    }

    #[test]
    fn several_servers_crash_together_up_to_the_bound() {
        let crashes_at = |max: u32| -> Vec<Nanos> {
            let config = NemesisConfig {
                crash_max_concurrent: max,
                ..config()
            };
            let faults = plan(&config, 60 * SECOND, &mut SimRng::new(5, Stream::Nemesis));
            let crashes = faults.iter().filter_map(|(at, f)| match f {
                FaultAction::Crash { .. } => Some(*at),
                _ => None,
            });
            crashes.collect()
        };
        let together = |ats: &[Nanos]| {
            let mut most = 0;
            for at in ats {
                most = most.max(ats.iter().filter(|t| *t == at).count());
            }
            most
        };
        assert_eq!(together(&crashes_at(1)), 1);
        assert_eq!(crashes_at(0), crashes_at(1), "no draw for the count");
        let three = crashes_at(3);
        assert!(together(&three) >= 2, "some crashes come together");
        assert!(together(&three) <= 3, "never more than the bound");
    }

    #[test]
    fn clock_faults_reach_clients_only_when_asked() {
        let nodes = |config: &NemesisConfig| -> Vec<Target> {
            let faults = plan(config, 60 * SECOND, &mut SimRng::new(2, Stream::Nemesis));
            let targets = faults.into_iter().filter_map(|(_, f)| match f {
                FaultAction::ClockJump { target, .. } | FaultAction::ClockDrift { target, .. } => {
                    Some(target)
                }
                _ => None,
            });
            targets.collect()
        };
        let servers = nodes(&config());
        assert!(!servers.is_empty() && servers.iter().all(|t| *t == Target::Random));
        let with_clients = NemesisConfig {
            clock_node_count: 6,
            ..config()
        };
        let picked = nodes(&with_clients);
        assert!(picked
            .iter()
            .any(|t| matches!(t, Target::Node(n) if *n >= 3)));
        assert!(picked
            .iter()
            .all(|t| matches!(t, Target::Node(n) if *n < 6)));
    }

    #[test]
    fn every_partition_is_healed() {
        let faults = plan(&config(), 30 * SECOND, &mut SimRng::new(4, Stream::Nemesis));
        let cuts = faults
            .iter()
            .filter(|(_, f)| matches!(f, FaultAction::Partition(_)))
            .count();
        let heals = faults
            .iter()
            .filter(|(_, f)| matches!(f, FaultAction::Heal))
            .count();
        assert_eq!(cuts, heals);
    }
}
