//! Every fault kind, shown to have its effect on a tiny probe protocol: a partitioned
//! message is not delivered, an unsynced write is gone after a crash, a paused node's
//! timer fires late, a skewed clock reads differently, and so on.

use faultline_sim::disk::UnsyncedOnCrash;
use faultline_sim::node::NodeStatus;
use faultline_sim::{
    Actor, Context, FaultAction, NetworkConfig, NodeId, PartitionShape, Target, World, WorldConfig,
    MILLISECOND, SECOND,
};
use serde::Serialize;

/// Remembers what it received and when its timers fired (by its own clock and true time).
#[derive(Default)]
struct Probe {
    received: Vec<(NodeId, u64)>,
    timer_fired_local_ns: Vec<u64>,
    recovered_records: Vec<u32>,
}

#[derive(Clone, Debug, Hash, Serialize)]
enum Timer {
    Wake,
}

impl Actor for Probe {
    type Msg = u64;
    type Timer = Timer;
    type Record = u32;
    type Observation = ();

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        self.recovered_records = ctx.disk().records().unwrap().to_vec();
    }

    fn on_message(&mut self, _ctx: &mut Context<'_, Self>, from: NodeId, msg: u64) {
        self.received.push((from, msg));
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, _timer: Timer) {
        self.timer_fired_local_ns.push(ctx.now());
    }
}

/// A fixed-latency network of `nodes` probes.
fn world(nodes: usize, network: NetworkConfig) -> World<Probe> {
    let config = WorldConfig {
        seed: 7,
        server_count: nodes,
        client_count: 0,
        network,
        unsynced_on_crash: UnsyncedOnCrash::Lost,
        keep_trace: false,
    };
    let mut world = World::new(config, |_| Probe::default());
    world.run_until(0);
    world
}

fn fixed_latency(ms: u64) -> NetworkConfig {
    NetworkConfig {
        latency_ns_min: ms * MILLISECOND,
        latency_ns_max: ms * MILLISECOND,
        ..NetworkConfig::default()
    }
}

/// Makes node `from` send `msg` to `to` now, as if from one of its handlers.
fn send(world: &mut World<Probe>, from: u32, to: u32, msg: u64) {
    world.with_context(NodeId(from), |_, ctx| ctx.send(NodeId(to), msg));
}

fn received(world: &World<Probe>, node: u32) -> Vec<(NodeId, u64)> {
    world
        .actor(NodeId(node))
        .map(|p| p.received.clone())
        .unwrap_or_default()
}

#[test]
fn messages_arrive_after_their_latency() {
    let mut w = world(2, fixed_latency(5));
    send(&mut w, 0, 1, 42);
    w.run_until(4 * MILLISECOND);
    assert!(received(&w, 1).is_empty());
    w.run_until(5 * MILLISECOND);
    assert_eq!(received(&w, 1), vec![(NodeId(0), 42)]);
}

#[test]
fn a_partitioned_message_is_not_delivered_and_heal_restores_links() {
    let mut w = world(3, fixed_latency(1));
    w.apply_fault(FaultAction::Partition(PartitionShape::Groups(vec![
        vec![0],
        vec![1, 2],
    ])));
    send(&mut w, 0, 1, 1);
    send(&mut w, 1, 2, 2);
    w.run_until(10 * MILLISECOND);
    assert!(received(&w, 1).is_empty(), "cut link");
    assert_eq!(received(&w, 2), vec![(NodeId(1), 2)], "same side");
    w.apply_fault(FaultAction::Heal);
    send(&mut w, 0, 1, 3);
    w.run_until(20 * MILLISECOND);
    assert_eq!(received(&w, 1), vec![(NodeId(0), 3)]);
}

#[test]
fn a_message_in_flight_when_the_partition_starts_is_dropped() {
    let mut w = world(2, fixed_latency(5));
    send(&mut w, 0, 1, 1);
    w.run_until(MILLISECOND);
    w.apply_fault(FaultAction::Partition(PartitionShape::Halves));
    w.run_until(10 * MILLISECOND);
    assert!(received(&w, 1).is_empty());
}

#[test]
fn a_one_way_partition_keeps_the_reverse_direction() {
    let mut w = world(2, fixed_latency(1));
    let shape = PartitionShape::OneWay {
        from: vec![0],
        to: vec![1],
    };
    w.apply_fault(FaultAction::Partition(shape));
    send(&mut w, 0, 1, 1);
    send(&mut w, 1, 0, 2);
    w.run_until(10 * MILLISECOND);
    assert!(received(&w, 1).is_empty());
    assert_eq!(received(&w, 0), vec![(NodeId(1), 2)]);
}

#[test]
fn an_unsynced_write_is_gone_after_a_crash_and_a_synced_one_survives() {
    let mut w = world(1, fixed_latency(1));
    w.with_context(NodeId(0), |_, ctx| {
        ctx.disk().append(1);
        ctx.disk().fsync().unwrap();
        ctx.disk().append(2);
    });
    w.apply_fault(FaultAction::Crash {
        target: Target::Node(0),
        restart_after_ns: None,
    });
    assert_eq!(w.status(NodeId(0)), NodeStatus::Crashed);
    assert!(w.actor(NodeId(0)).is_none(), "volatile state is gone");
    w.apply_fault(FaultAction::Restart(Target::Node(0)));
    assert_eq!(w.actor(NodeId(0)).unwrap().recovered_records, vec![1]);
}

#[test]
fn messages_in_flight_to_a_crashed_node_are_dropped() {
    let mut w = world(2, fixed_latency(5));
    send(&mut w, 0, 1, 1);
    w.apply_fault(FaultAction::Crash {
        target: Target::Node(1),
        restart_after_ns: None,
    });
    w.apply_fault(FaultAction::Restart(Target::Node(1)));
    w.run_until(10 * MILLISECOND);
    assert!(
        received(&w, 1).is_empty(),
        "sent to the previous incarnation"
    );
}

#[test]
fn timers_do_not_survive_a_crash() {
    let mut w = world(1, fixed_latency(1));
    w.with_context(NodeId(0), |_, ctx| {
        ctx.set_timer(5 * MILLISECOND, Timer::Wake);
    });
    w.apply_fault(FaultAction::Crash {
        target: Target::Node(0),
        restart_after_ns: Some(MILLISECOND),
    });
    w.run_until(10 * MILLISECOND);
    assert!(w.actor(NodeId(0)).unwrap().timer_fired_local_ns.is_empty());
}

#[test]
fn a_paused_node_fires_its_timer_late_and_receives_messages_on_resume() {
    let mut w = world(2, fixed_latency(1));
    w.with_context(NodeId(1), |_, ctx| {
        ctx.set_timer(5 * MILLISECOND, Timer::Wake);
    });
    w.apply_fault(FaultAction::Pause {
        target: Target::Node(1),
        resume_after_ns: Some(20 * MILLISECOND),
    });
    send(&mut w, 0, 1, 9);
    w.run_until(19 * MILLISECOND);
    let probe = w.actor(NodeId(1)).unwrap();
    assert!(
        probe.timer_fired_local_ns.is_empty() && probe.received.is_empty(),
        "nothing runs while paused"
    );
    w.run_until(30 * MILLISECOND);
    let probe = w.actor(NodeId(1)).unwrap();
    assert_eq!(
        probe.timer_fired_local_ns,
        vec![20 * MILLISECOND],
        "fired late, at resume"
    );
    assert_eq!(probe.received, vec![(NodeId(0), 9)]);
}

#[test]
fn a_skewed_clock_reads_differently_from_true_time() {
    let mut w = world(2, fixed_latency(1));
    w.apply_fault(FaultAction::ClockJump {
        target: Target::Node(1),
        by_ns: SECOND as i64,
    });
    w.apply_fault(FaultAction::ClockDrift {
        target: Target::Node(0),
        drift_ppm: 100_000,
    });
    w.run_until(SECOND);
    let now = |w: &mut World<Probe>, n| w.with_context(NodeId(n), |_, ctx| ctx.now());
    assert_eq!(now(&mut w, 1), 2 * SECOND, "jumped a second ahead");
    assert_eq!(now(&mut w, 0), SECOND + SECOND / 10, "runs 10% fast");
    assert_eq!(w.now(), SECOND, "the world keeps true time");
}

#[test]
fn random_loss_and_duplication_happen_at_their_rates() {
    let lossy = NetworkConfig {
        drop_probability: 0.5,
        ..fixed_latency(1)
    };
    let mut w = world(2, lossy);
    for i in 0..1_000 {
        send(&mut w, 0, 1, i);
    }
    w.run_until(10 * MILLISECOND);
    let got = received(&w, 1).len();
    assert!((400..600).contains(&got), "about half lost, got {got}");

    let duplicating = NetworkConfig {
        duplicate_probability: 0.5,
        ..fixed_latency(1)
    };
    let mut w = world(2, duplicating);
    for i in 0..1_000 {
        send(&mut w, 0, 1, i);
    }
    w.run_until(10 * MILLISECOND);
    let got = received(&w, 1).len();
    assert!(
        (1_400..1_600).contains(&got),
        "about half duplicated, got {got}"
    );
}

#[test]
fn faults_can_target_a_role_and_skip_when_nobody_holds_it() {
    let mut w = world(3, fixed_latency(1));
    w.apply_fault(FaultAction::Crash {
        target: Target::Role("leader".into()),
        restart_after_ns: None,
    });
    let applied = w.applied_faults().last().unwrap();
    assert_eq!(applied.skipped.as_deref(), Some("no leader"));
    w.apply_fault(FaultAction::Crash {
        target: Target::Random,
        restart_after_ns: None,
    });
    let applied = w.applied_faults().last().unwrap();
    assert!(applied.skipped.is_none());
    assert!(
        matches!(
            applied.action,
            FaultAction::Crash {
                target: Target::Node(_),
                ..
            }
        ),
        "resolved"
    );
}

#[test]
fn the_same_seed_gives_the_same_hash_and_another_seed_does_not() {
    let run = |seed| {
        let config = WorldConfig {
            seed,
            server_count: 3,
            client_count: 0,
            network: NetworkConfig::default(),
            unsynced_on_crash: UnsyncedOnCrash::Lost,
            keep_trace: false,
        };
        let mut w = World::new(config, |_| Probe::default());
        w.run_until(0);
        for i in 0..100 {
            w.with_context(NodeId(i % 3), |_, ctx| {
                ctx.send(NodeId((i + 1) % 3), u64::from(i))
            });
        }
        w.run_until(SECOND);
        w.trace_hash()
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
}
