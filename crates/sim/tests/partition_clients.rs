//! Random partitions that reach the clients: with `partition_clients` on, the nemesis
//! draws partitions that put clients on either side (a client cut off from some of
//! the servers, as a leaderless quorum protocol needs for a stale read); with it off,
//! partitions split the servers only and every plan and run is what it always was.

use faultline_sim::actor::Role;
use faultline_sim::disk::UnsyncedOnCrash;
use faultline_sim::hash::TraceHasher;
use faultline_sim::nemesis::{plan, NemesisConfig, PlannedFault};
use faultline_sim::rng::{SimRng, Stream};
use faultline_sim::{
    Actor, AppliedFault, Context, FaultAction, NetworkConfig, NodeId, PartitionShape, Target,
    World, WorldConfig, MILLISECOND, SECOND,
};
use serde::Serialize;
use std::collections::BTreeSet;
use std::hash::Hasher;

/// Every node tells every other node its count every 10ms; node 0 claims `leader`.
struct Gossip {
    id: NodeId,
    count: u64,
    heard: BTreeSet<u32>,
}

#[derive(Clone, Debug, Hash, Serialize)]
struct Tick;

impl Actor for Gossip {
    type Msg = u64;
    type Timer = Tick;
    type Record = ();
    type Observation = ();

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        ctx.set_timer(10 * MILLISECOND, Tick);
    }

    fn on_message(&mut self, _ctx: &mut Context<'_, Self>, from: NodeId, msg: u64) {
        self.count = self.count.max(msg);
        self.heard.insert(from.0);
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, _timer: Tick) {
        self.count += 1;
        for to in (0..ctx.node_count() as u32).map(NodeId) {
            if to != self.id {
                ctx.send(to, self.count);
            }
        }
        ctx.set_timer(10 * MILLISECOND, Tick);
    }

    fn role(&self) -> Option<Role> {
        (self.id == NodeId(0)).then_some(Role {
            name: "leader",
            rank: 1,
        })
    }
}

fn nemesis() -> NemesisConfig {
    NemesisConfig {
        partition_every_ns: Some(SECOND),
        partition_for_ns_max: SECOND,
        crash_every_ns: Some(3 * SECOND),
        crash_for_ns_max: SECOND,
        pause_every_ns: Some(4 * SECOND),
        pause_for_ns_max: 500 * MILLISECOND,
        clock_every_ns: Some(5 * SECOND),
        clock_jump_ns_max: 100 * MILLISECOND,
        clock_drift_ppm_max: 1_000,
        leader_bias: 0.3,
        ..NemesisConfig::default()
    }
}

const PERIOD_NS: u64 = 20 * SECOND;

fn plan_for(config: &NemesisConfig, seed: u64) -> Vec<PlannedFault> {
    plan(config, PERIOD_NS, &mut SimRng::new(seed, Stream::Nemesis))
}

/// `servers` gossiping servers and `clients` gossiping clients.
fn world(seed: u64, servers: usize, clients: usize) -> World<Gossip> {
    let config = WorldConfig {
        seed,
        server_count: servers,
        client_count: clients,
        network: NetworkConfig::default(),
        unsynced_on_crash: UnsyncedOnCrash::Lost,
        keep_trace: false,
    };
    World::new(config, |id| Gossip {
        id,
        count: 0,
        heard: BTreeSet::new(),
    })
}

/// Runs `plan` through the fault period.
fn run(seed: u64, servers: usize, clients: usize, plan: &[PlannedFault]) -> World<Gossip> {
    let mut world = world(seed, servers, clients);
    for (at, action) in plan {
        world.schedule_fault(*at, action.clone());
    }
    world.run_until(PERIOD_NS);
    world
}

fn debug_hash(value: &impl std::fmt::Debug) -> u64 {
    let mut hasher = TraceHasher::new();
    hasher.write(format!("{value:?}").as_bytes());
    hasher.finish()
}

/// The partitions a run applied (resolved, not skipped).
fn applied_partitions(world: &World<Gossip>) -> Vec<PartitionShape> {
    let applied = world.applied_faults().iter();
    let applied = applied.filter(|f: &&AppliedFault| f.skipped.is_none());
    let shapes = applied.filter_map(|f| match &f.action {
        FaultAction::Partition(shape) => Some(shape.clone()),
        _ => None,
    });
    shapes.collect()
}

/// Whether a resolved shape cuts the link from `a` to `b`.
fn cuts(shape: &PartitionShape, a: u32, b: u32) -> bool {
    let group_of = |groups: &[Vec<u32>], n: u32| groups.iter().position(|g| g.contains(&n));
    match shape {
        PartitionShape::Groups(groups) => {
            let (ga, gb) = (group_of(groups, a), group_of(groups, b));
            ga.is_some() && gb.is_some() && ga != gb
        }
        PartitionShape::Links(links) => links.contains(&[a, b]),
        PartitionShape::OneWay { from, to } => from.contains(&a) && to.contains(&b),
        unresolved => panic!("{unresolved} is not resolved"),
    }
}

/// Applies `shape` in a fresh world and checks every node heard from exactly the
/// nodes whose link to it the shape leaves: the applied shape is the network's state.
fn assert_network_matches(shape: &PartitionShape, servers: usize, clients: usize) {
    let mut w = world(1, servers, clients);
    w.apply_fault(FaultAction::Partition(shape.clone()));
    assert!(w.applied_faults()[0].skipped.is_none(), "{shape} applies");
    w.run_until(100 * MILLISECOND);
    let n = (servers + clients) as u32;
    for b in 0..n {
        let heard = &w.actor(NodeId(b)).unwrap().heard;
        for a in (0..n).filter(|&a| a != b) {
            assert_eq!(
                heard.contains(&a),
                !cuts(shape, a, b),
                "n{a} -> n{b} under {shape}"
            );
        }
    }
}

/// Seeds, servers, clients, then hashes of the plan, the applied faults and the trace,
/// as recorded before `partition_clients` existed.
const GOLDEN: [(u64, usize, u64, u64, u64); 3] = [
    (
        5,
        3,
        0x6b947e1e87b922dc,
        0xd0c30c31572ae774,
        0x163bc3486d29d801,
    ),
    (
        17,
        5,
        0x123a9c16ed332a42,
        0x3def89ed5ee773ba,
        0x900b079f55034a32,
    ),
    (
        23,
        5,
        0x68500e30de10d720,
        0x1c154f6e8ec24e04,
        0x0d2ca05458abfec2,
    ),
];

#[test]
fn with_partition_clients_off_plans_and_runs_are_what_they_were() {
    assert!(!nemesis().partition_clients, "off by default");
    for (seed, servers, plan_hash, applied_hash, trace_hash) in GOLDEN {
        let faults = plan_for(&nemesis(), seed);
        let world = run(seed, servers, 2, &faults);
        assert_eq!(debug_hash(&faults), plan_hash, "plan of seed {seed}");
        assert_eq!(
            debug_hash(&world.applied_faults()),
            applied_hash,
            "seed {seed}"
        );
        assert_eq!(world.trace_hash(), trace_hash, "trace of seed {seed}");
    }
}

/// The plan with every `WithClients` shape replaced by the shape it wraps.
fn unwrapped(faults: &[PlannedFault]) -> Vec<PlannedFault> {
    let unwrap = |action: &FaultAction| match action {
        FaultAction::Partition(PartitionShape::WithClients(inner)) => {
            FaultAction::Partition((**inner).clone())
        }
        other => other.clone(),
    };
    faults.iter().map(|(at, f)| (*at, unwrap(f))).collect()
}

fn with_clients(config: NemesisConfig) -> NemesisConfig {
    NemesisConfig {
        partition_clients: true,
        ..config
    }
}

#[test]
fn partition_clients_wraps_the_same_faults_and_draws_nothing_more() {
    for seed in 0..50 {
        let plain = plan_for(&nemesis(), seed);
        let wrapped = plan_for(&with_clients(nemesis()), seed);
        assert_ne!(plain, wrapped, "seed {seed} has partitions");
        assert_eq!(unwrapped(&wrapped), plain, "seed {seed}");
        let is_wrapped = |(_, f): &PlannedFault| match f {
            FaultAction::Partition(shape) => matches!(shape, PartitionShape::WithClients(_)),
            _ => true,
        };
        assert!(wrapped.iter().all(is_wrapped), "seed {seed}");
    }
}

#[test]
fn with_no_clients_to_place_the_wrapped_plan_runs_identically() {
    let config = NemesisConfig {
        leader_bias: 0.0, // a skipped fault records its unresolved (wrapped) form
        ..nemesis()
    };
    for seed in 0..20 {
        let plain = run(seed, 5, 0, &plan_for(&config, seed));
        let wrapped = run(seed, 5, 0, &plan_for(&with_clients(config.clone()), seed));
        assert!(!applied_partitions(&plain).is_empty(), "seed {seed}");
        assert_eq!(
            plain.applied_faults(),
            wrapped.applied_faults(),
            "seed {seed}"
        );
        assert_eq!(plain.trace_hash(), wrapped.trace_hash(), "seed {seed}");
    }
}

#[test]
fn with_partition_clients_on_some_partitions_cut_a_client_from_some_servers() {
    let (servers, clients) = (3, 2);
    let (mut partial, mut total) = (0, 0);
    for seed in 0..50 {
        let faults = plan_for(&with_clients(nemesis()), seed);
        for shape in applied_partitions(&run(seed, servers, clients, &faults)) {
            total += 1;
            let cut_from = |c: u32| (0..3).filter(|&s| cuts(&shape, c, s)).count();
            if (3..5).any(|c| (1..servers).contains(&cut_from(c))) {
                partial += 1;
                if partial <= 10 {
                    assert_network_matches(&shape, servers, clients);
                }
            }
        }
    }
    assert!(total > 100, "only {total} partitions");
    assert!(
        partial >= total / 2,
        "{partial} of {total} cut a client off partly"
    );
}

#[test]
fn with_partition_clients_off_no_partition_touches_a_client() {
    let (servers, clients) = (5, 3);
    let mut total = 0;
    for seed in 0..40 {
        let faults = plan_for(&nemesis(), seed);
        for shape in applied_partitions(&run(seed, servers, clients, &faults)) {
            total += 1;
            assert!(shape.named_nodes().iter().all(|&n| n < 5), "{shape}");
            if total <= 10 {
                assert_network_matches(&shape, servers, clients);
            }
        }
    }
    assert!(total > 200, "only {total} partitions");
}

/// Applies `shape` wrapped in `WithClients` in a world of 5 servers and 3 clients.
fn resolve_with_clients(seed: u64, shape: PartitionShape) -> PartitionShape {
    let mut w = world(seed, 5, 3);
    let wrapped = PartitionShape::WithClients(Box::new(shape));
    w.apply_fault(FaultAction::Partition(wrapped));
    let applied = &w.applied_faults()[0];
    assert_eq!(applied.skipped, None);
    let FaultAction::Partition(resolved) = &applied.action else {
        panic!("a partition")
    };
    resolved.clone()
}

#[test]
fn group_shapes_with_clients_put_each_client_on_one_side() {
    let shapes = [
        PartitionShape::Halves,
        PartitionShape::MajorityMinority { minority: None },
        PartitionShape::Bridge,
    ];
    let mut client_sides = BTreeSet::new();
    for seed in 0..20 {
        for shape in &shapes {
            let PartitionShape::Groups(groups) = resolve_with_clients(seed, shape.clone()) else {
                panic!("{shape} resolves to groups");
            };
            let placed: Vec<u32> = groups.concat().into_iter().filter(|&n| n >= 5).collect();
            assert_eq!(placed.len(), 3, "each client once: {groups:?}");
            assert!(
                groups.iter().all(|g| g.iter().any(|&n| n < 5)),
                "{groups:?}"
            );
            let side_of_first_client = groups.iter().position(|g| g.contains(&5)).unwrap();
            client_sides.insert(side_of_first_client);
        }
    }
    assert_eq!(client_sides.len(), 2, "a client lands on either side");
}

#[test]
fn a_ring_with_clients_leaves_each_client_three_servers() {
    for seed in 0..20 {
        let ring = resolve_with_clients(seed, PartitionShape::Ring);
        for client in 5..8 {
            let reached = (0..5).filter(|&s| !cuts(&ring, client, s) && !cuts(&ring, s, client));
            assert_eq!(reached.count(), 3, "n{client} in {ring}");
        }
        assert_network_matches(&ring, 5, 3);
    }
}

#[test]
fn isolate_with_clients_draws_among_all_nodes_and_cuts_everyone() {
    let mut isolated = BTreeSet::new();
    for seed in 0..40 {
        let shape = resolve_with_clients(seed, PartitionShape::Isolate(Target::Random));
        let PartitionShape::Groups(groups) = &shape else {
            panic!("groups");
        };
        assert_eq!(groups[0].len(), 1);
        assert_eq!(groups[1].len(), 7, "everyone else together: {shape}");
        isolated.insert(groups[0][0]);
    }
    assert!(isolated.iter().any(|&n| n < 5) && isolated.iter().any(|&n| n >= 5));
}

#[test]
fn explicit_partitions_naming_clients_apply_as_written() {
    let shape = PartitionShape::Groups(vec![vec![0, 3], vec![1, 2, 4]]);
    let mut w = world(1, 3, 2);
    w.apply_fault(FaultAction::Partition(shape.clone()));
    assert_eq!(
        w.applied_faults()[0].action,
        FaultAction::Partition(shape.clone())
    );
    assert_network_matches(&shape, 3, 2);
}

#[test]
fn a_client_named_as_the_minority_is_put_in_it() {
    let mut w = world(1, 3, 2);
    let minority = Some(Target::Node(3));
    w.apply_fault(FaultAction::Partition(PartitionShape::MajorityMinority {
        minority,
    }));
    let FaultAction::Partition(PartitionShape::Groups(groups)) = &w.applied_faults()[0].action
    else {
        panic!("resolved to groups");
    };
    assert_eq!(groups[0].len(), 2, "one server and the client: {groups:?}");
    assert!(groups[0].contains(&3) && !groups.concat().contains(&4));
}
