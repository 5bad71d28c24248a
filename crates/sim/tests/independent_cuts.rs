//! Independent partitions and messages held across a cut: a cut heals on its own
//! without ending another, a shared heal does not end a cut's window early only if
//! asked, and with `hold_across_cut` a message that meets a cut is delivered after
//! the heal, in order, instead of dropped.

use faultline_sim::disk::UnsyncedOnCrash;
use faultline_sim::{
    Actor, Context, FaultAction, NetworkConfig, NodeId, PartitionShape, World, WorldConfig,
    MILLISECOND,
};

/// Remembers what it received.
#[derive(Default)]
struct Probe {
    received: Vec<u64>,
}

impl Actor for Probe {
    type Msg = u64;
    type Timer = ();
    type Record = ();
    type Observation = ();

    fn on_start(&mut self, _ctx: &mut Context<'_, Self>) {}

    fn on_message(&mut self, _ctx: &mut Context<'_, Self>, _from: NodeId, msg: u64) {
        self.received.push(msg);
    }

    fn on_timer(&mut self, _ctx: &mut Context<'_, Self>, _timer: ()) {}
}

fn world(nodes: usize, hold_across_cut: bool) -> World<Probe> {
    let network = NetworkConfig {
        latency_ns_min: MILLISECOND,
        latency_ns_max: MILLISECOND,
        hold_across_cut,
        ..NetworkConfig::default()
    };
    let config = WorldConfig {
        seed: 3,
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

fn send(world: &mut World<Probe>, from: u32, to: u32, msg: u64) {
    world.with_context(NodeId(from), |_, ctx| ctx.send(NodeId(to), msg));
}

fn received(world: &World<Probe>, node: u32) -> Vec<u64> {
    world.actor(NodeId(node)).unwrap().received.clone()
}

fn isolate(node: u32, rest: &[u32]) -> PartitionShape {
    PartitionShape::Groups(vec![vec![node], rest.to_vec()])
}

#[test]
fn a_cut_heals_on_its_own_and_leaves_an_overlapping_cut_in_force() {
    let mut w = world(3, false);
    let long = FaultAction::Cut {
        shape: isolate(0, &[1, 2]),
        heal_after_ns: Some(100 * MILLISECOND),
    };
    let short = FaultAction::Cut {
        shape: isolate(2, &[0, 1]),
        heal_after_ns: Some(10 * MILLISECOND),
    };
    w.apply_fault(long);
    w.apply_fault(short);
    w.run_until(20 * MILLISECOND);
    send(&mut w, 1, 2, 1); // the short cut healed: delivered
    send(&mut w, 1, 0, 2); // the long cut is still in force: dropped
    w.run_until(30 * MILLISECOND);
    assert_eq!(received(&w, 2), vec![1]);
    assert!(
        received(&w, 0).is_empty(),
        "a shorter cut's heal ended the longer one"
    );
    w.run_until(100 * MILLISECOND);
    send(&mut w, 1, 0, 3);
    w.run_until(110 * MILLISECOND);
    assert_eq!(received(&w, 0), vec![3]);
    let kinds: Vec<&str> = w
        .applied_faults()
        .iter()
        .map(|f| f.action.kind_name())
        .collect();
    assert_eq!(kinds, ["partition", "partition", "heal", "heal"]);
}

#[test]
fn a_shared_heal_still_ends_every_cut() {
    let mut w = world(2, false);
    let cut = FaultAction::Cut {
        shape: isolate(0, &[1]),
        heal_after_ns: Some(100 * MILLISECOND),
    };
    w.apply_fault(cut);
    w.apply_fault(FaultAction::Heal);
    send(&mut w, 1, 0, 1);
    w.run_until(100 * MILLISECOND);
    assert_eq!(received(&w, 0), vec![1]);
    let skipped = w.applied_faults().last().unwrap().skipped.clone();
    assert!(
        skipped.is_some_and(|why| why.contains("no live cut")),
        "its heal finds none"
    );
}

#[test]
fn held_messages_arrive_after_the_heal_in_the_order_they_met_the_cut() {
    let mut w = world(2, true);
    send(&mut w, 0, 1, 1); // in flight when the cut starts: held at arrival
    w.apply_fault(FaultAction::Cut {
        shape: isolate(0, &[1]),
        heal_after_ns: Some(50 * MILLISECOND),
    });
    send(&mut w, 0, 1, 2); // held at send
    w.run_until(40 * MILLISECOND);
    assert!(received(&w, 1).is_empty(), "nothing crosses a cut");
    w.run_until(60 * MILLISECOND);
    assert_eq!(
        received(&w, 1),
        vec![2, 1],
        "2 met the cut at once, 1 when it arrived"
    );
    assert_eq!(w.stats().messages_dropped, 0);
}

#[test]
fn without_holding_messages_across_a_cut_are_dropped() {
    let mut w = world(2, false);
    send(&mut w, 0, 1, 1);
    w.apply_fault(FaultAction::Partition(isolate(0, &[1])));
    send(&mut w, 0, 1, 2);
    w.run_until(5 * MILLISECOND);
    w.apply_fault(FaultAction::Heal);
    w.run_until(60 * MILLISECOND);
    assert!(received(&w, 1).is_empty());
    assert_eq!(w.stats().messages_dropped, 2);
}
