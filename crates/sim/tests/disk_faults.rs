//! Disks that fail: a slow fsync holds back what its handler does next and keeps
//! its node busy; a replaced machine comes back with an empty disk, where a crash
//! keeps what was synced.

use faultline_sim::disk::UnsyncedOnCrash;
use faultline_sim::node::NodeStatus;
use faultline_sim::{
    Actor, Context, FaultAction, NetworkConfig, NodeId, Target, World, WorldConfig, MILLISECOND,
};
use serde::Serialize;

/// Persists every message it gets (append, fsync) and echoes it back; remembers the
/// echoes it got, with the time, and what it found on disk when it started.
#[derive(Default)]
struct Echo {
    echoes: Vec<(u64, u64)>,
    recovered: Vec<u64>,
}

#[derive(Clone, Debug, Hash, Serialize)]
enum Timer {}

impl Actor for Echo {
    type Msg = (bool, u64);
    type Timer = Timer;
    type Record = u64;
    type Observation = ();

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        self.recovered = ctx.disk().records().to_vec();
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, (echo, n): (bool, u64)) {
        if echo {
            self.echoes.push((n, ctx.now()));
            return;
        }
        ctx.disk().append(n);
        ctx.disk().fsync();
        ctx.send(from, (true, n));
    }

    fn on_timer(&mut self, _ctx: &mut Context<'_, Self>, timer: Timer) {
        match timer {}
    }
}

fn world() -> World<Echo> {
    let config = WorldConfig {
        seed: 1,
        server_count: 2,
        client_count: 0,
        network: NetworkConfig {
            latency_ns_min: MILLISECOND,
            latency_ns_max: MILLISECOND,
            ..NetworkConfig::default()
        },
        unsynced_on_crash: UnsyncedOnCrash::Lost,
        keep_trace: false,
    };
    let mut world = World::new(config, |_| Echo::default());
    world.run_until(0);
    world
}

/// Node 0 asks node 1 to persist two values at once; the echoes' arrival times.
fn echo_times(world: &mut World<Echo>) -> Vec<(u64, u64)> {
    world.with_context(NodeId(0), |_, ctx| {
        ctx.send(NodeId(1), (false, 1));
        ctx.send(NodeId(1), (false, 2));
    });
    world.run_until(100 * MILLISECOND);
    world.actor(NodeId(0)).unwrap().echoes.clone()
}

#[test]
fn a_slow_fsync_delays_what_follows_it_and_keeps_the_node_busy() {
    let ms = MILLISECOND;
    assert_eq!(echo_times(&mut world()), vec![(1, 2 * ms), (2, 2 * ms)]);
    let mut slow = world();
    slow.set_slow_fsync(20 * ms, 20 * ms, &[NodeId(1)]);
    let times = echo_times(&mut slow);
    assert_eq!(
        times,
        vec![(1, 22 * ms), (2, 42 * ms)],
        "one fsync at a time"
    );
}

#[test]
fn a_replaced_machine_restarts_with_an_empty_disk() {
    let mut w = world();
    echo_times(&mut w);
    assert_eq!(w.disk(NodeId(1)).records(), &[1, 2]);
    let crash = FaultAction::Crash {
        target: Target::Node(1),
        restart_after_ns: Some(MILLISECOND),
    };
    w.apply_fault(crash);
    w.run_until(w.now() + 2 * MILLISECOND);
    assert_eq!(w.actor(NodeId(1)).unwrap().recovered, vec![1, 2]);
    let replace = FaultAction::Replace {
        target: Target::Node(1),
        restart_after_ns: Some(MILLISECOND),
    };
    w.apply_fault(replace);
    assert_eq!(w.status(NodeId(1)), NodeStatus::Crashed);
    w.run_until(w.now() + 2 * MILLISECOND);
    assert!(w.actor(NodeId(1)).unwrap().recovered.is_empty());
    assert!(w.applied_faults().iter().all(|f| f.skipped.is_none()));
}
