//! A crash armed at a point lands inside the handler that passes it: what the handler
//! did before the point happened (its sends left, its fsynced writes stay), what it
//! did after did not (no sends, no writes, no observations), and the node is down
//! until its restart. A point never reached is a skipped fault, and an unarmed point
//! changes nothing in the run.

use faultline_sim::disk::UnsyncedOnCrash;
use faultline_sim::node::NodeStatus;
use faultline_sim::{
    Actor, Context, FaultAction, NetworkConfig, NodeId, Target, World, WorldConfig, MILLISECOND,
    SECOND,
};
use serde::Serialize;

const MIDWAY: &str = "between_the_two_sends";
const NEVER: &str = "never_passed";

/// Node 0, every 10 ms: writes and syncs a record, sends to node 1, passes the
/// point, writes and syncs another record, sends to node 2, observes the tick.
struct Broadcaster;

#[derive(Clone, Debug, Hash, Serialize)]
struct Tick;

impl Actor for Broadcaster {
    type Msg = u32;
    type Timer = Tick;
    type Record = u32;
    type Observation = u32;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        if ctx.id() == NodeId(0) {
            ctx.set_timer(10 * MILLISECOND, Tick);
        }
    }

    fn on_message(&mut self, _ctx: &mut Context<'_, Self>, _from: NodeId, _msg: u32) {}

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, _timer: Tick) {
        ctx.disk().append(1);
        ctx.fsync_or_halt();
        ctx.send(NodeId(1), 1);
        ctx.crash_point(MIDWAY);
        ctx.disk().append(2);
        ctx.fsync_or_halt();
        ctx.send(NodeId(2), 2);
        ctx.observe(2);
        ctx.set_timer(10 * MILLISECOND, Tick);
    }
}

fn world() -> World<Broadcaster> {
    let config = WorldConfig {
        seed: 3,
        server_count: 3,
        client_count: 0,
        network: NetworkConfig {
            latency_ns_min: MILLISECOND,
            latency_ns_max: MILLISECOND,
            ..NetworkConfig::default()
        },
        unsynced_on_crash: UnsyncedOnCrash::Lost,
        keep_trace: true,
    };
    World::new(config, |_| Broadcaster)
}

fn arm(world: &mut World<Broadcaster>, at_ns: u64, point: &str, restart_after_ns: Option<u64>) {
    let crash = FaultAction::CrashAtPoint {
        target: Target::Node(0),
        point: point.into(),
        restart_after_ns,
    };
    world.schedule_fault(at_ns, crash);
}

#[test]
fn the_handler_stops_at_the_point_and_the_node_is_down() {
    let mut w = world();
    arm(&mut w, 15 * MILLISECOND, MIDWAY, None);
    w.run_until(25 * MILLISECOND);
    assert_eq!(w.status(NodeId(0)), NodeStatus::Crashed);
    assert!(w.crashed_mid_handler(NodeId(0)));
    // The first tick ran whole (two records, one observation); the second stopped
    // after its first record and its first send.
    assert_eq!(w.disk(NodeId(0)).records(), Ok(&[1, 2, 1][..]));
    assert_eq!(w.observations().len(), 1);
    assert_eq!(
        w.stats().messages_sent,
        3,
        "the send after the point never left"
    );
    let crash = w.applied_faults().last().unwrap();
    assert_eq!(
        crash.at_ns,
        20 * MILLISECOND,
        "the crash is when the point was passed"
    );
    assert!(crash.skipped.is_none());
    assert!(crash
        .action
        .to_string()
        .contains("at point between_the_two_sends"));
}

#[test]
fn a_crashed_node_restarts_after_its_window() {
    let mut w = world();
    arm(&mut w, 15 * MILLISECOND, MIDWAY, Some(30 * MILLISECOND));
    w.run_until(60 * MILLISECOND);
    assert_eq!(w.status(NodeId(0)), NodeStatus::Up);
    let kinds: Vec<String> = w
        .applied_faults()
        .iter()
        .map(|f| f.action.to_string())
        .collect();
    assert_eq!(kinds[1], "restart n0", "{kinds:?}");
}

#[test]
fn a_point_never_reached_is_skipped_when_the_faults_end() {
    let mut w = world();
    arm(&mut w, 15 * MILLISECOND, NEVER, None);
    w.schedule_fault(SECOND, FaultAction::RecoverAll);
    w.run_until(SECOND);
    assert_eq!(w.status(NodeId(0)), NodeStatus::Up);
    let skipped = w.applied_faults()[0].skipped.clone().unwrap();
    assert_eq!(skipped, "n0 never reached point never_passed");
}

#[test]
fn an_unarmed_point_changes_nothing_and_armed_runs_repeat() {
    let mut plain = world();
    plain.run_until(SECOND);
    let mut other = world();
    arm(&mut other, 15 * MILLISECOND, NEVER, None);
    other.run_until(SECOND);
    // Arming records nothing until the crash or the skip: the runs are one run.
    assert_eq!(plain.trace_hash(), other.trace_hash());
    let hashes: Vec<u64> = (0..2)
        .map(|_| {
            let mut w = world();
            arm(&mut w, 15 * MILLISECOND, MIDWAY, Some(5 * MILLISECOND));
            w.run_until(SECOND);
            w.trace_hash()
        })
        .collect();
    assert_eq!(hashes[0], hashes[1]);
    assert_ne!(hashes[0], plain.trace_hash());
}
