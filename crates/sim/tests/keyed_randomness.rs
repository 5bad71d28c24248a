//! Chance keyed by the instant, not by the order of draws: a message's latency and
//! loss depend on its link, its send time and its place among the messages sent on
//! that link at that instant; a handler's draws depend on its node and the instant.
//! So removing one message, or one handler's draws, leaves every other fate as it
//! was, which is what lets the shrinker remove an operation without reshuffling the
//! rest of the run.

use faultline_sim::disk::UnsyncedOnCrash;
use faultline_sim::{Actor, Context, NetworkConfig, NodeId, World, WorldConfig, MILLISECOND};
use serde::Serialize;

/// Records when each message arrived and what each timer drew.
#[derive(Default)]
struct Recorder {
    arrivals: Vec<(u64, u64)>,
    draws: Vec<(u64, u64)>,
}

#[derive(Clone, Debug, Hash, Serialize)]
enum Timer {
    Draw,
}

impl Actor for Recorder {
    type Msg = u64;
    type Timer = Timer;
    type Record = ();
    type Observation = ();

    fn on_start(&mut self, _ctx: &mut Context<'_, Self>) {}

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, _from: NodeId, msg: u64) {
        self.arrivals.push((msg, ctx.now()));
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, _timer: Timer) {
        let now = ctx.now();
        let drawn = ctx.rng().next_u64();
        self.draws.push((now, drawn));
    }
}

fn world() -> World<Recorder> {
    let config = WorldConfig {
        seed: 11,
        server_count: 2,
        client_count: 0,
        network: NetworkConfig {
            latency_ns_min: MILLISECOND,
            latency_ns_max: 20 * MILLISECOND,
            drop_probability: 0.2,
            duplicate_probability: 0.2,
            ..NetworkConfig::default()
        },
        unsynced_on_crash: UnsyncedOnCrash::Lost,
        keep_trace: false,
    };
    let mut world = World::new(config, |_| Recorder::default());
    world.run_until(0);
    world
}

/// Node 0 sends message `i` to node 1 at `i` ms for each `i` in `sends`; returns
/// node 1's arrivals (message, time), sorted.
fn arrivals(sends: &[u64]) -> Vec<(u64, u64)> {
    let mut w = world();
    for &i in sends {
        w.run_until(i * MILLISECOND);
        w.with_context(NodeId(0), |_, ctx| ctx.send(NodeId(1), i));
    }
    w.run_until(100 * MILLISECOND);
    let mut got = w.actor(NodeId(1)).unwrap().arrivals.clone();
    got.sort();
    got
}

#[test]
fn removing_a_message_leaves_every_other_message_as_it_was() {
    let all: Vec<u64> = (1..=30).collect();
    let full = arrivals(&all);
    for removed in [1, 7, 15] {
        let fewer: Vec<u64> = all.iter().copied().filter(|&i| i != removed).collect();
        let expected: Vec<(u64, u64)> = full
            .iter()
            .copied()
            .filter(|&(m, _)| m != removed)
            .collect();
        assert_eq!(arrivals(&fewer), expected, "without message {removed}");
    }
    assert!(full.len() > 15, "most messages arrive: {}", full.len());
    assert!(
        full.windows(2).any(|w| w[0].1 > w[1].1),
        "latencies vary enough to reorder"
    );
}

#[test]
fn messages_sent_at_one_instant_on_one_link_each_get_their_own_fate() {
    let mut w = world();
    w.run_until(MILLISECOND);
    w.with_context(NodeId(0), |_, ctx| {
        (0..400).for_each(|i| ctx.send(NodeId(1), i))
    });
    w.run_until(100 * MILLISECOND);
    let got = &w.actor(NodeId(1)).unwrap().arrivals;
    let delivered = got.len();
    assert!(
        (250..450).contains(&delivered),
        "a fifth lost, a fifth doubled: {delivered}"
    );
    let mut times: Vec<u64> = got.iter().map(|&(_, t)| t).collect();
    times.dedup();
    assert!(
        times.len() > 100,
        "latencies differ: {} distinct",
        times.len()
    );
}

#[test]
fn a_handler_draws_the_same_at_the_same_instant_whatever_came_before() {
    let draws_at = |times_ms: &[u64]| {
        let mut w = world();
        for &t in times_ms {
            w.with_context(NodeId(0), |_, ctx| {
                ctx.set_timer(t * MILLISECOND, Timer::Draw)
            });
        }
        w.run_until(100 * MILLISECOND);
        w.actor(NodeId(0)).unwrap().draws.clone()
    };
    let with_early = draws_at(&[2, 3, 9]);
    let without = draws_at(&[9]);
    assert_eq!(with_early.last(), without.last(), "the draw at 9ms");
    assert_ne!(
        with_early[0].1, with_early[1].1,
        "different instants, different draws"
    );
}
