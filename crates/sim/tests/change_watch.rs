//! `ChangeWatch::changed_nodes` names exactly the nodes the per-node question
//! (`changed`) would, after every event of a run with messages, timers, crashes,
//! restarts and pauses, and also when the watch falls far behind the world's
//! bounded log of touched nodes.

use faultline_sim::disk::UnsyncedOnCrash;
use faultline_sim::watch::ChangeWatch;
use faultline_sim::{
    Actor, Context, FaultAction, NetworkConfig, NodeId, Target, World, WorldConfig, MILLISECOND,
};
use serde::Serialize;

/// Every tick, sends one message to the next node.
struct Relay;

#[derive(Clone, Debug, Hash, Serialize)]
struct Tick;

impl Actor for Relay {
    type Msg = u64;
    type Timer = Tick;
    type Record = ();
    type Observation = ();

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        ctx.set_timer(MILLISECOND * (1 + u64::from(ctx.id().0)), Tick);
    }

    fn on_message(&mut self, _ctx: &mut Context<'_, Self>, _from: NodeId, _msg: u64) {}

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, _timer: Tick) {
        let next = NodeId((ctx.id().0 + 1) % ctx.node_count() as u32);
        ctx.send(next, 1);
        ctx.set_timer(3 * MILLISECOND, Tick);
    }
}

fn world(nodes: usize) -> World<Relay> {
    let config = WorldConfig {
        seed: 11,
        server_count: nodes,
        client_count: 0,
        network: NetworkConfig {
            latency_ns_min: MILLISECOND,
            latency_ns_max: 4 * MILLISECOND,
            ..NetworkConfig::default()
        },
        unsynced_on_crash: UnsyncedOnCrash::Lost,
        keep_trace: false,
    };
    let mut world = World::new(config, |_| Relay);
    let node = |i| Target::Node(i);
    let crash = FaultAction::Crash {
        target: node(2),
        restart_after_ns: Some(15 * MILLISECOND),
    };
    world.schedule_fault(20 * MILLISECOND, crash);
    let pause = FaultAction::Pause {
        target: node(4),
        resume_after_ns: Some(10 * MILLISECOND),
    };
    world.schedule_fault(40 * MILLISECOND, pause);
    world
}

/// The nodes whose version moved since `versions` was taken, by asking each.
fn moved(world: &World<Relay>, versions: &mut [u64]) -> Vec<NodeId> {
    let mut moved = Vec::new();
    for (i, seen) in versions.iter_mut().enumerate() {
        let version = world.node_version(NodeId(i as u32));
        if version != *seen {
            moved.push(NodeId(i as u32));
            *seen = version;
        }
    }
    moved
}

#[test]
fn changed_nodes_names_what_changed_after_every_event() {
    let mut world = world(7);
    let mut watch = ChangeWatch::new(7);
    let mut changed = Vec::new();
    watch.changed_nodes(&world, &mut changed);
    assert_eq!(changed.len(), 7, "every node is new to a fresh watch");
    let mut versions: Vec<u64> = (0..7).map(|i| world.node_version(NodeId(i))).collect();
    let mut events_with_changes = 0;
    while world.now() < 80 * MILLISECOND && world.step() {
        watch.changed_nodes(&world, &mut changed);
        assert_eq!(
            changed,
            moved(&world, &mut versions),
            "at {} ns",
            world.now()
        );
        events_with_changes += usize::from(!changed.is_empty());
    }
    assert!(events_with_changes > 50, "the run exercised the watch");
}

#[test]
fn a_watch_left_far_behind_looks_at_every_node_once() {
    let mut world = world(5);
    let mut watch = ChangeWatch::new(5);
    let mut changed = Vec::new();
    watch.changed_nodes(&world, &mut changed);
    let mut versions: Vec<u64> = (0..5).map(|i| world.node_version(NodeId(i))).collect();
    world.run_until(10_000 * MILLISECOND); // thousands of touches unread
    watch.changed_nodes(&world, &mut changed);
    assert_eq!(changed, moved(&world, &mut versions));
    watch.changed_nodes(&world, &mut changed);
    assert!(changed.is_empty(), "nothing happened since");
}
