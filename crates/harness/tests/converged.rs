//! The harness property `converged`, on a protocol written for the test: three
//! replicas of one number, which node 0 raises during the fault period and pushes
//! to the others on every tick (anti-entropy). A partition cuts node 2 off for part
//! of the run. Once the faults heal the replicas agree within a tick, so the run
//! passes, after a look-ahead that only judges: its events and trace hash are those
//! of the same protocol reporting no digests. With the bug `gossip.deaf_replica`
//! node 2 ignores every push: the run fails `converged`, naming the replica that
//! differs, and its trace runs through the look-ahead.

use faultline_api::{BugInfo, Protocol, ReplicaDigest, Setup, SetupError, Violation};
use faultline_harness::{run, Outcome, Registry, RunOptions, Scenario, Verdict};
use faultline_sim::{Actor, Context, NodeId, World, MILLISECOND, SECOND};
use serde::Serialize;

const DEAF_REPLICA: &str = "gossip.deaf_replica";
const TICK_NS: u64 = 50 * MILLISECOND;
/// Node 0 stops raising its number here: after the fault period (a second), so the
/// replicas still differ when the run ends and only a look-ahead sees them agree.
const RAISE_UNTIL_NS: u64 = 1200 * MILLISECOND;

#[derive(Clone, Debug, Hash, Serialize)]
struct Push(u64);

#[derive(Clone, Debug, Hash, Serialize)]
struct Tick;

struct Replica {
    value: u64,
    deaf: bool,
}

impl Actor for Replica {
    type Msg = Push;
    type Timer = Tick;
    type Record = ();
    type Observation = ();

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        if ctx.id() == NodeId(0) {
            ctx.set_timer(TICK_NS, Tick);
        }
    }

    fn on_message(&mut self, _ctx: &mut Context<'_, Self>, _from: NodeId, msg: Push) {
        if !self.deaf {
            self.value = self.value.max(msg.0);
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, _timer: Tick) {
        if ctx.now() < RAISE_UNTIL_NS {
            self.value += 1;
        }
        for peer in 1..3 {
            ctx.send(NodeId(peer), Push(self.value));
        }
        ctx.set_timer(TICK_NS, Tick);
    }
}

/// The replicated number; `DIGESTS` says whether it opts in to `converged`.
struct Gossip<const DIGESTS: bool> {
    deaf: bool,
}

impl<const DIGESTS: bool> Protocol for Gossip<DIGESTS> {
    type Node = Replica;
    type Options = ();
    const NAME: &'static str = "gossip";
    const SUMMARY: &'static str = "test: node 0 pushes a rising number to two replicas";
    const HISTORY_MODEL: Option<&'static str> = None;

    fn bugs() -> &'static [BugInfo] {
        &[BugInfo {
            name: DEAF_REPLICA,
            mechanism: "node 2 ignores every push",
            violates: &["converged"],
            scenario: "nemesis",
        }]
    }

    fn build(setup: &Setup) -> Result<Self, SetupError> {
        Ok(Gossip {
            deaf: setup.bugs.is_on(DEAF_REPLICA),
        })
    }

    fn node_factory(&self) -> Box<dyn FnMut(NodeId) -> Replica> {
        let deaf = self.deaf;
        Box::new(move |id| Replica {
            value: 0,
            deaf: deaf && id == NodeId(2),
        })
    }

    fn check_step(&mut self, _world: &World<Replica>) -> Result<(), Violation> {
        Ok(())
    }

    fn unfinished_ops(&self, _world: &World<Replica>) -> usize {
        0
    }

    fn replica_digests(&self, world: &World<Replica>) -> Option<Vec<ReplicaDigest>> {
        let replicas = world.actors().iter().enumerate();
        let digests = replicas.filter_map(|(i, r)| {
            let value = r.as_ref()?.value;
            Some(ReplicaDigest::of(
                NodeId(i as u32),
                &value,
                format!("value {value}"),
            ))
        });
        DIGESTS.then(|| digests.collect())
    }
}

fn run_gossip<P: Protocol>(seed: u64, bugs: &[&str], keep_trace: bool) -> Outcome {
    let text = serde_json::json!({
        "name": "gossip",
        "protocol": { "kind": "gossip", "nodes": 3 },
        "network": { "latency": { "min": "1ms", "max": "5ms" } },
        "faults": { "schedule": [
            { "at": "200ms", "partition": [[0, 1], [2]], "for": "500ms" }
        ] },
        "duration": "1s",
        "quiet": "2s",
        "seed": seed,
        "bugs": bugs,
    })
    .to_string();
    let registry = Registry::empty().with::<P>();
    let scenario = Scenario::parse(&text, "gossip.json", &registry).expect("valid scenario");
    run(
        &scenario,
        &RunOptions {
            keep_trace,
            ..RunOptions::default()
        },
    )
    .expect("runs")
}

#[test]
fn replicas_that_agree_after_the_heal_pass_with_the_hash_they_had_without_the_judgement() {
    for seed in 0..5 {
        let judged = run_gossip::<Gossip<true>>(seed, &[], true);
        let unjudged = run_gossip::<Gossip<false>>(seed, &[], false);
        assert_eq!(
            judged.verdict,
            Verdict::Pass,
            "seed {seed}: {:?}",
            judged.detail
        );
        assert_eq!(judged.trace_hash, unjudged.trace_hash, "seed {seed}");
        assert_eq!(judged.events, unjudged.events, "seed {seed}");
        assert_eq!(judged.sim_time_ns, unjudged.sim_time_ns, "seed {seed}");
        assert!(
            judged.sim_time_ns < RAISE_UNTIL_NS,
            "seed {seed}: ended before agreeing"
        );
        let trace = judged.trace.expect("kept");
        assert_eq!(
            trace.len() as u64,
            judged.events,
            "seed {seed}: trace as reported"
        );
    }
}

#[test]
fn a_replica_that_never_catches_up_fails_converged_with_the_look_ahead_in_its_trace() {
    for seed in 0..3 {
        let passing = run_gossip::<Gossip<true>>(seed, &[], false);
        let outcome = run_gossip::<Gossip<true>>(seed, &[DEAF_REPLICA], true);
        assert_eq!(outcome.verdict, Verdict::Fail, "seed {seed}");
        assert_eq!(
            outcome.property.as_deref(),
            Some("converged"),
            "seed {seed}"
        );
        let detail = outcome.detail.unwrap_or_default();
        assert!(
            detail.starts_with("the replicas still differ at "),
            "{detail}"
        );
        assert!(detail.contains("n0, n1 at "), "{detail}");
        assert!(
            detail.contains("n2 at ") && detail.contains("(value 0)"),
            "{detail}"
        );
        assert!(
            outcome.sim_time_ns >= 3 * SECOND - TICK_NS,
            "seed {seed}: quiet used"
        );
        assert!(outcome.events > passing.events, "seed {seed}: looked ahead");
        let trace = outcome.trace.expect("kept");
        assert_eq!(trace.len() as u64, outcome.events, "seed {seed}");
        let again = run_gossip::<Gossip<true>>(seed, &[DEAF_REPLICA], false);
        assert_eq!(
            again.trace_hash, outcome.trace_hash,
            "seed {seed}: reproducible"
        );
    }
}

#[test]
fn a_protocol_that_reports_no_digests_is_not_judged() {
    let outcome = run_gossip::<Gossip<false>>(0, &[DEAF_REPLICA], false);
    assert_eq!(outcome.verdict, Verdict::Pass, "{:?}", outcome.detail);
}
