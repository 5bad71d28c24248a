//! Disks that fail: a slow fsync holds back what its handler does next and keeps
//! its node busy; a replaced machine comes back with an empty disk, where a crash
//! keeps what was synced; a failed fsync halts a node that handles it fail-stop
//! (nothing after the halt reaches the world) and loses its records; a restart may
//! find a record corrupt, which no read lets through.

use faultline_sim::disk::UnsyncedOnCrash;
use faultline_sim::node::NodeStatus;
use faultline_sim::{
    Actor, Context, FaultAction, NetworkConfig, NodeId, Target, World, WorldConfig, MILLISECOND,
    SECOND,
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
        match ctx.disk().records() {
            Ok(records) => self.recovered = records.to_vec(),
            Err(corrupt) => ctx.halt(corrupt),
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, (echo, n): (bool, u64)) {
        if echo {
            self.echoes.push((n, ctx.now()));
            return;
        }
        ctx.disk().append(n);
        if let Err(error) = ctx.disk().fsync() {
            ctx.halt(error);
            // The kernel discards all of this: the echo, the write, the sync.
            ctx.send(from, (true, n));
            ctx.disk().append(n + 100);
            ctx.disk().fsync().ok();
            return;
        }
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
    assert_eq!(w.disk(NodeId(1)).records(), Ok(&[1, 2][..]));
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

fn kinds(w: &World<Echo>) -> Vec<&'static str> {
    let faults = w.applied_faults().iter();
    faults.map(|f| f.action.kind_name()).collect()
}

#[test]
fn a_failed_fsync_halts_the_node_and_nothing_after_the_halt_reaches_the_world() {
    let mut w = world();
    w.set_fsync_errors(1.0, &[NodeId(1)]);
    w.with_context(NodeId(0), |_, ctx| ctx.send(NodeId(1), (false, 7)));
    w.run_until(2 * MILLISECOND);
    assert_eq!(
        w.status(NodeId(1)),
        NodeStatus::Crashed,
        "halted at the failed fsync"
    );
    assert_eq!(kinds(&w), ["halt"]);
    let FaultAction::Halt {
        why,
        restart_after_ns: Some(down_ns),
        ..
    } = &w.applied_faults()[0].action
    else {
        panic!("{:?}", w.applied_faults())
    };
    assert_eq!(why, "fsync failed");
    assert!((100 * MILLISECOND..=1000 * MILLISECOND).contains(down_ns));
    assert!(
        w.disk(NodeId(1)).is_empty(),
        "the record it failed to sync is lost"
    );
    w.run_until(2 * SECOND);
    assert_eq!(
        w.status(NodeId(1)),
        NodeStatus::Up,
        "restarted after its down time"
    );
    assert_eq!(kinds(&w), ["halt", "restart"]);
    assert!(
        w.actor(NodeId(0)).unwrap().echoes.is_empty(),
        "no echo left"
    );
}

#[test]
fn without_fsync_errors_a_run_draws_nothing_and_keeps_its_hash() {
    let run = |errors: Option<f64>| {
        let mut w = world();
        if let Some(p) = errors {
            w.set_fsync_errors(p, &[NodeId(0), NodeId(1)]);
        }
        echo_times(&mut w);
        (w.trace_hash(), kinds(&w))
    };
    assert_eq!(run(None), run(Some(0.0)));
    assert_eq!(run(Some(0.5)), run(Some(0.5)), "same seed, same run");
}

#[test]
fn a_record_found_corrupt_at_a_restart_keeps_a_careful_node_down() {
    let mut w = world();
    echo_times(&mut w);
    w.set_corrupt_on_restart(1.0, &[NodeId(1)], None);
    w.apply_fault(FaultAction::Crash {
        target: Target::Node(1),
        restart_after_ns: Some(MILLISECOND),
    });
    w.run_until(w.now() + 2 * MILLISECOND);
    assert_eq!(kinds(&w), ["crash", "corrupt", "halt", "restart"]);
    assert!(w.disk(NodeId(1)).records().is_err());
    assert_eq!(w.disk(NodeId(1)).records_unchecked(), &[1, 2]);
    w.apply_fault(FaultAction::RecoverAll);
    assert_eq!(
        kinds(&w)[4..],
        ["halt", "recover_all"],
        "refuses to start again"
    );
    w.run_until(w.now() + 5 * SECOND);
    assert_eq!(
        w.status(NodeId(1)),
        NodeStatus::Crashed,
        "and stays down after the faults"
    );
}

#[test]
fn corruption_is_bounded_to_the_nodes_allowed() {
    let mut w = world();
    echo_times(&mut w);
    w.set_corrupt_on_restart(1.0, &[NodeId(0), NodeId(1)], Some(1));
    for node in [0, 1] {
        w.apply_fault(FaultAction::Crash {
            target: Target::Node(node),
            restart_after_ns: None,
        });
        w.apply_fault(FaultAction::Restart(Target::Node(node)));
    }
    let corrupt = kinds(&w).iter().filter(|k| **k == "corrupt").count();
    assert_eq!(corrupt, 1, "{:?}", w.applied_faults());
}
