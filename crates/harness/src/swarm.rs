//! Swarm testing: the seed also decides which fault kinds are on and how hard.
//!
//! One fixed mix of faults explores one corner of the state space; a different mix per
//! seed (as in FoundationDB's simulator and TigerBeetle's VOPR) finds bugs that need
//! an unusual combination — say, heavy duplication with no crashes. The choice is
//! drawn from its own stream, so it does not disturb the network or the nemesis.

use faultline_sim::disk::UnsyncedOnCrash;
use faultline_sim::nemesis::NemesisConfig;
use faultline_sim::rng::{SimRng, Stream};
use faultline_sim::{LatencyShape, Nanos, NetworkConfig, MILLISECOND, SECOND};

/// The faults of one swarm run.
#[derive(Clone, Debug, PartialEq)]
pub struct SwarmChoice {
    pub nemesis: NemesisConfig,
    pub network: NetworkConfig,
    pub unsynced_on_crash: UnsyncedOnCrash,
}

/// Draws this seed's fault mix, starting from the scenario's own settings.
pub fn choose(
    seed: u64,
    base: Option<&NemesisConfig>,
    network: &NetworkConfig,
    unsynced_on_crash: UnsyncedOnCrash,
) -> SwarmChoice {
    let mut rng = SimRng::new(seed, Stream::Swarm);
    let base = base.cloned().unwrap_or_else(default_nemesis);
    let mut nemesis = base.clone();
    let kinds_on = loop {
        let kinds: [bool; 4] = std::array::from_fn(|_| rng.chance(0.6));
        if kinds.iter().any(|on| *on) {
            break kinds;
        }
    };
    let mut scaled = |every: Option<Nanos>, fallback: Nanos, on: bool| -> Option<Nanos> {
        on.then(|| scale(every.unwrap_or(fallback), rng.range_inclusive(25, 200)))
    };
    nemesis.partition_every_ns = scaled(base.partition_every_ns, 3 * SECOND, kinds_on[0]);
    nemesis.crash_every_ns = scaled(base.crash_every_ns, 4 * SECOND, kinds_on[1]);
    nemesis.pause_every_ns = scaled(base.pause_every_ns, 5 * SECOND, kinds_on[2]);
    nemesis.clock_every_ns = scaled(base.clock_every_ns, 5 * SECOND, kinds_on[3]);
    nemesis.leader_bias = rng.unit();
    if rng.chance(0.3) {
        nemesis.new_leader_crash = nemesis.new_leader_crash.max(rng.unit() * 0.5);
    }

    let mut network = network.clone();
    if rng.chance(0.4) {
        network.drop_probability = network.drop_probability.max(rng.unit() * 0.1);
    }
    if rng.chance(0.4) {
        network.duplicate_probability = network.duplicate_probability.max(rng.unit() * 0.1);
    }
    if rng.chance(0.3) {
        network.latency_shape = LatencyShape::LongTail;
        network.latency_ns_max = network.latency_ns_max.max(50 * MILLISECOND);
    }
    let unsynced_on_crash = if rng.chance(0.3) {
        UnsyncedOnCrash::Torn
    } else {
        unsynced_on_crash
    };
    // Drawn last, so the choices above are what they were before crash points.
    // It plans nothing for a protocol that declares no crash points.
    if rng.chance(0.5) {
        let every = base.crash_point_every_ns.unwrap_or(2 * SECOND);
        nemesis.crash_point_every_ns = Some(scale(every, rng.range_inclusive(25, 200)));
    }
    SwarmChoice {
        nemesis,
        network,
        unsynced_on_crash,
    }
}

fn scale(every: Nanos, percent: u64) -> Nanos {
    (every / 100).saturating_mul(percent).max(MILLISECOND)
}

/// The nemesis swarm mode starts from when a scenario has no `random` section.
pub fn default_nemesis() -> NemesisConfig {
    NemesisConfig {
        partition_every_ns: Some(3 * SECOND),
        partition_for_ns_max: 2 * SECOND,
        crash_every_ns: Some(4 * SECOND),
        crash_for_ns_max: SECOND,
        crash_max_concurrent: 1,
        replace_every_ns: None,
        crash_point_every_ns: None,
        crash_points: &[],
        client_crash_every_ns: None,
        client_nodes: 0..0,
        pause_every_ns: Some(5 * SECOND),
        pause_for_ns_max: 500 * MILLISECOND,
        clock_every_ns: Some(5 * SECOND),
        clock_jump_ns_max: 100 * MILLISECOND,
        clock_drift_ppm_max: 1_000,
        clock_node_count: 0,
        clock_jumps_window: None,
        leader_bias: 0.3,
        new_leader_crash: 0.0,
        new_leader_crash_within_ns: 100 * MILLISECOND,
        pause_role: None,
        pause_role_bias: 0.0,
        partition_clients: false,
        independent_partitions: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_choose_different_mixes_repeatably() {
        let network = NetworkConfig::default();
        let a = choose(1, None, &network, UnsyncedOnCrash::Lost);
        assert_eq!(a, choose(1, None, &network, UnsyncedOnCrash::Lost));
        let distinct = (0..20)
            .map(|seed| format!("{:?}", choose(seed, None, &network, UnsyncedOnCrash::Lost)))
            .collect::<std::collections::BTreeSet<_>>();
        assert!(distinct.len() > 15);
    }

    #[test]
    fn at_least_one_fault_kind_is_on() {
        for seed in 0..200 {
            let n = choose(seed, None, &NetworkConfig::default(), UnsyncedOnCrash::Lost).nemesis;
            assert!(
                n.partition_every_ns.is_some()
                    || n.crash_every_ns.is_some()
                    || n.pause_every_ns.is_some()
                    || n.clock_every_ns.is_some()
            );
        }
    }
}
