//! `ctx.sometimes` is an observation of the run, not an event: a run that marks
//! situations has the same trace, hash and event count as the same run without the
//! marks, and the World counts each mark, across crashes and restarts.

use faultline_sim::disk::UnsyncedOnCrash;
use faultline_sim::{
    Actor, Context, FaultAction, NetworkConfig, NodeId, Target, World, WorldConfig, MILLISECOND,
};
use serde::Serialize;

const GOT_PING: &str = "a ping arrived";
const RESTARTED: &str = "a node started";

/// Pings its neighbour on a timer; marks situations when `marks` is on.
struct Pinger {
    marks: bool,
}

#[derive(Clone, Debug, Hash, Serialize)]
enum Timer {
    Ping,
}

impl Actor for Pinger {
    type Msg = u64;
    type Timer = Timer;
    type Record = ();
    type Observation = ();

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        if self.marks {
            ctx.sometimes(RESTARTED);
        }
        ctx.set_timer(3 * MILLISECOND, Timer::Ping);
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, _from: NodeId, _msg: u64) {
        if self.marks {
            ctx.sometimes(GOT_PING);
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, _timer: Timer) {
        let to = NodeId((ctx.id().0 + 1) % ctx.node_count() as u32);
        let value = ctx.rng().next_u64();
        ctx.send(to, value);
        ctx.set_timer(3 * MILLISECOND, Timer::Ping);
    }
}

fn run(marks: bool) -> World<Pinger> {
    let config = WorldConfig {
        seed: 5,
        server_count: 3,
        client_count: 0,
        network: NetworkConfig {
            latency_ns_min: MILLISECOND,
            latency_ns_max: 9 * MILLISECOND,
            drop_probability: 0.1,
            duplicate_probability: 0.1,
            ..NetworkConfig::default()
        },
        unsynced_on_crash: UnsyncedOnCrash::Lost,
        keep_trace: true,
    };
    let mut world = World::new(config, move |_| Pinger { marks });
    let crash = FaultAction::Crash {
        target: Target::Node(1),
        restart_after_ns: Some(20 * MILLISECOND),
    };
    world.schedule_fault(40 * MILLISECOND, crash);
    world.run_until(200 * MILLISECOND);
    world
}

#[test]
fn marking_situations_changes_neither_the_trace_nor_its_hash() {
    let mut plain = run(false);
    let mut marked = run(true);
    assert_eq!(plain.trace_hash(), marked.trace_hash());
    assert_eq!(plain.event_count(), marked.event_count());
    let events = |w: &mut World<Pinger>| -> Vec<String> {
        w.take_trace()
            .iter()
            .map(|e| e.to_json().to_string())
            .collect()
    };
    assert_eq!(events(&mut plain), events(&mut marked));
    assert!(plain.reached().is_empty());
}

#[test]
fn the_world_counts_every_mark_across_restarts() {
    let world = run(true);
    // Three starts at time zero and one restart of node 1.
    assert_eq!(world.reached().count(RESTARTED), 4);
    let delivered = world.stats().messages_delivered;
    assert!(delivered > 0);
    assert_eq!(world.reached().count(GOT_PING), delivered);
    assert_eq!(world.reached().counts()[0].0, RESTARTED);
}
