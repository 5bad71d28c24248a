//! A protocol written outside faultline, with a history model of its own, run through
//! the harness exactly as a built-in one is: registered with
//! `Registry::empty().with::<Counter>()`, its clients' history checked against its
//! own `Model` (operations `add` and `read`, which no built-in model has). This is
//! the plugin boundary a user meets first, so it checks that each of its paths
//! reports what it should: a correct counter passes; a counter that loses adds fails
//! `linearizability` at the end; clients that name an operation the model does not
//! know fail `history_model` at that event, not at the end; operations the server
//! never answers are `stuck`, even when the protocol's `unfinished_ops` forgets them;
//! and a scenario naming a
//! protocol this registry lacks is an error that lists the ones it has.

use faultline_api::plan::{Pacing, Plan};
use faultline_api::{BugInfo, ClientEvent, ClientEventKind, Protocol, Setup};
use faultline_api::{SetupError, Violation};
use faultline_check::{Func, HistoryModel, Model, Op, Status, Val};
use faultline_harness::{run, Outcome, Registry, RunOptions, Scenario, Verdict};
use faultline_sim::{Actor, Context, NodeId, World, SECOND};
use serde::Serialize;

const LOST_ADD: &str = "counter.lost_add";
const MISNAMED_OP: &str = "counter.misnamed_op";
const DROPS_READS: &str = "counter.drops_reads";
const COUNTS_NONE: &str = "counter.counts_none";
const READS_WHOLE: &str = "counter.reads_whole";

/// The counter's sequential specification: `add` adds its input, `read` returns the
/// total. `read` is a built-in name, so `Func::named("read")` is `Func::Read`.
struct CounterModel;

const OPERATIONS: [Func; 2] = [Func::Other("add"), Func::Read];

/// Client events carry values as text, so the model sees `Val::Str("3")`.
fn int(value: &Val) -> Option<i64> {
    value.as_str()?.parse().ok()
}

impl Model for CounterModel {
    type State = i64;

    fn name(&self) -> &str {
        "counter"
    }

    fn operations(&self) -> &[Func] {
        &OPERATIONS
    }

    fn init(&self) -> i64 {
        0
    }

    fn step(&self, total: &i64, op: &Op) -> Option<i64> {
        match op.f {
            Func::Other("add") => Some(total + int(&op.input)?),
            Func::Read => {
                let seen = op.status == Status::Info || int(&op.output) == Some(*total);
                seen.then_some(*total)
            }
            _ => None,
        }
    }

    fn is_read_only(&self, op: &Op) -> bool {
        op.f == Func::Read
    }
}

/// One server (node 0) holding the total; clients after it, one request at a time.
struct Counter {
    setup: Setup,
}

#[derive(Clone, Debug, Hash, Serialize)]
enum Msg {
    Add(i64),
    Read,
    Added(i64),
    Total(i64),
}

#[derive(Clone, Debug, Hash, Serialize)]
struct NextOp;

enum CounterNode {
    Server {
        total: i64,
        adds: u64,
        lost_add: bool,
        reads: u64,
        drops_reads: bool,
    },
    Client(Client),
}

struct Client {
    plan: Plan<()>,
    pacing: Pacing,
    read_ratio: f64,
    /// What reads are reported as: `read`, or `get` with `counter.misnamed_op`.
    read_name: &'static str,
    completed: usize,
    /// With `counter.counts_none`, `unfinished_ops` counts nothing (an adapter that
    /// left it a stub).
    counts_none: bool,
}

impl Client {
    fn report(
        ctx: &mut Context<'_, CounterNode>,
        kind: ClientEventKind,
        f: &'static str,
        value: Option<String>,
    ) {
        let process = u64::from(ctx.id().0);
        ctx.observe(ClientEvent {
            process,
            kind,
            f,
            key: None,
            value,
        });
    }

    fn schedule_next(&self, ctx: &mut Context<'_, CounterNode>) {
        if self.completed < self.plan.len() {
            let delay = self.pacing.delay_before(&self.plan, self.completed, ctx);
            ctx.set_timer(delay, NextOp);
        }
    }

    fn invoke(&self, ctx: &mut Context<'_, CounterNode>) {
        let (f, value, msg) = if ctx.rng().chance(self.read_ratio) {
            (self.read_name, None, Msg::Read)
        } else {
            let amount = ctx.rng().below(5) as i64 + 1;
            ("add", Some(amount.to_string()), Msg::Add(amount))
        };
        Client::report(ctx, ClientEventKind::Invoke, f, value);
        ctx.send(NodeId(0), msg);
    }

    fn on_reply(&mut self, ctx: &mut Context<'_, CounterNode>, msg: Msg) {
        let (f, value) = match msg {
            Msg::Added(amount) => ("add", amount),
            Msg::Total(total) => (self.read_name, total),
            Msg::Add(_) | Msg::Read => return,
        };
        Client::report(ctx, ClientEventKind::Ok, f, Some(value.to_string()));
        self.completed += 1;
        self.schedule_next(ctx);
    }
}

impl Actor for CounterNode {
    type Msg = Msg;
    type Timer = NextOp;
    type Record = ();
    type Observation = ClientEvent;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        if let CounterNode::Client(client) = self {
            client.schedule_next(ctx);
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            CounterNode::Server {
                total,
                adds,
                lost_add,
                reads,
                drops_reads,
            } => match msg {
                Msg::Add(amount) => {
                    *adds += 1;
                    if !(*lost_add && *adds % 2 == 0) {
                        *total += amount;
                    }
                    ctx.send(from, Msg::Added(amount));
                }
                Msg::Read => {
                    *reads += 1;
                    if !(*drops_reads && *reads % 10 == 0) {
                        ctx.send(from, Msg::Total(*total));
                    }
                }
                Msg::Added(_) | Msg::Total(_) => {}
            },
            CounterNode::Client(client) => client.on_reply(ctx, msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, _timer: NextOp) {
        if let CounterNode::Client(client) = self {
            client.invoke(ctx);
        }
    }
}

impl Protocol for Counter {
    type Node = CounterNode;
    type Options = ();
    const NAME: &'static str = "counter";
    const SUMMARY: &'static str = "test: one server holding a counter that clients add to and read";
    const HISTORY_MODEL: Option<&'static str> = Some("counter");

    fn bugs() -> &'static [BugInfo] {
        const BUGS: [BugInfo; 5] = [
            BugInfo {
                name: LOST_ADD,
                mechanism: "every other add is acknowledged but not applied",
                violates: &["linearizability"],
                scenario: "nemesis",
            },
            BugInfo {
                name: MISNAMED_OP,
                mechanism: "clients report reads as `get`",
                violates: &["history_model"],
                scenario: "nemesis",
            },
            BugInfo {
                name: DROPS_READS,
                mechanism: "the server never answers every tenth read",
                violates: &["stuck"],
                scenario: "nemesis",
            },
            BugInfo {
                name: COUNTS_NONE,
                mechanism: "`unfinished_ops` is a stub that counts nothing",
                violates: &["stuck"],
                scenario: "nemesis",
            },
            BugInfo {
                name: READS_WHOLE,
                mechanism: "says its checks read observations as they come, and reads them \
                            whole at the end",
                violates: &["panic"],
                scenario: "nemesis",
            },
        ];
        &BUGS
    }

    fn history_model() -> Option<Box<dyn HistoryModel>> {
        Some(Box::new(CounterModel))
    }

    fn build(setup: &Setup) -> Result<Self, SetupError> {
        if setup.servers != 1 {
            return Err(SetupError::Invalid("counter needs exactly 1 node".into()));
        }
        Ok(Counter {
            setup: setup.clone(),
        })
    }

    fn node_factory(&self) -> Box<dyn FnMut(NodeId) -> CounterNode> {
        let setup = self.setup.clone();
        Box::new(move |id| {
            if id.0 == 0 {
                let lost_add = setup.bugs.is_on(LOST_ADD);
                return CounterNode::Server {
                    total: 0,
                    adds: 0,
                    lost_add,
                    reads: 0,
                    drops_reads: setup.bugs.is_on(DROPS_READS),
                };
            }
            let workload = &setup.workload;
            CounterNode::Client(Client {
                plan: Plan::for_client(workload, id.0 as usize - 1, |_| ()),
                pacing: Pacing::for_workload(workload, setup.fault_period_ns),
                read_ratio: workload.read_ratio,
                read_name: if setup.bugs.is_on(MISNAMED_OP) {
                    "get"
                } else {
                    "read"
                },
                completed: 0,
                counts_none: setup.bugs.is_on(COUNTS_NONE),
            })
        })
    }

    fn check_step(&mut self, _world: &World<CounterNode>) -> Result<(), Violation> {
        Ok(())
    }

    fn reads_observations_as_they_come(&self) -> bool {
        self.setup.bugs.is_on(READS_WHOLE)
    }

    fn check_end(&mut self, world: &World<CounterNode>) -> Result<(), Violation> {
        if self.setup.bugs.is_on(READS_WHOLE) {
            let _ = world.observations().len();
        }
        Ok(())
    }

    fn unfinished_ops(&self, world: &World<CounterNode>) -> usize {
        let left = |node: &CounterNode| match node {
            CounterNode::Client(c) if c.counts_none => 0,
            CounterNode::Client(c) => c.plan.len() - c.completed,
            CounterNode::Server { .. } => 0,
        };
        world.actors().iter().flatten().map(left).sum()
    }
}

// ----- the tests -----

const CLIENTS: usize = 3;
const OPS: usize = 60;
const DURATION_NS: u64 = 2 * SECOND;

fn registry() -> Registry {
    Registry::empty().with::<Counter>()
}

fn scenario_text(kind: &str, seed: u64, bugs: &[&str]) -> String {
    serde_json::json!({
        "name": "counter",
        "protocol": { "kind": kind, "nodes": 1 },
        "network": { "latency": { "min": "1ms", "max": "5ms" } },
        "workload": { "clients": CLIENTS, "ops": OPS, "read_ratio": 0.5 },
        "duration": "2s",
        "quiet": "1s",
        "seed": seed,
        "bugs": bugs,
    })
    .to_string()
}

fn run_counter(seed: u64, bugs: &[&str]) -> Outcome {
    let text = scenario_text("counter", seed, bugs);
    let scenario = Scenario::parse(&text, "counter.json", &registry()).expect("valid scenario");
    run(&scenario, &RunOptions::default()).expect("runs")
}

fn completed(outcome: &Outcome, f: &str) -> usize {
    let ok = |e: &&faultline_api::TimedClientEvent| {
        e.value.kind == ClientEventKind::Ok && e.value.f == f
    };
    outcome.history.iter().filter(ok).count()
}

#[test]
fn a_correct_counter_passes_against_its_own_model() {
    for seed in 0..5 {
        let outcome = run_counter(seed, &[]);
        assert_eq!(
            outcome.verdict,
            Verdict::Pass,
            "seed {seed}: {:?}",
            outcome.detail
        );
        assert_eq!(
            outcome.history.len(),
            2 * OPS,
            "seed {seed}: every op invoked and completed"
        );
        assert!(
            completed(&outcome, "add") > 0 && completed(&outcome, "read") > 0,
            "seed {seed}"
        );
    }
}

#[test]
fn a_counter_that_loses_adds_is_not_linearizable() {
    for seed in 0..3 {
        let outcome = run_counter(seed, &[LOST_ADD]);
        assert_eq!(outcome.verdict, Verdict::Fail, "seed {seed}");
        assert_eq!(
            outcome.property.as_deref(),
            Some("linearizability"),
            "seed {seed}"
        );
        assert!(
            outcome.counterexample.is_some(),
            "seed {seed}: the checker's counterexample"
        );
        assert_eq!(
            outcome.history.len(),
            2 * OPS,
            "seed {seed}: judged at the end"
        );
    }
}

#[test]
fn an_operation_the_model_does_not_know_fails_at_its_first_event() {
    for seed in 0..3 {
        let clean = run_counter(seed, &[]);
        let outcome = run_counter(seed, &[MISNAMED_OP]);
        assert_eq!(outcome.verdict, Verdict::Fail, "seed {seed}");
        assert_eq!(
            outcome.property.as_deref(),
            Some("history_model"),
            "seed {seed}"
        );
        let detail = outcome.detail.unwrap_or_default();
        assert!(detail.contains("`get`"), "seed {seed}: {detail}");
        assert!(detail.contains("`counter` model"), "seed {seed}: {detail}");
        assert!(
            detail.contains("expected one of add, read"),
            "seed {seed}: {detail}"
        );
        assert!(
            outcome.events * 5 < clean.events,
            "seed {seed}: stopped early, {} of {} events",
            outcome.events,
            clean.events
        );
        assert!(
            outcome.sim_time_ns < DURATION_NS / 2,
            "seed {seed}: stopped at {}ns",
            outcome.sim_time_ns
        );
        let last = outcome
            .history
            .last()
            .expect("the offending event is recorded");
        assert_eq!(
            (last.value.f, last.value.kind),
            ("get", ClientEventKind::Invoke),
            "seed {seed}"
        );
    }
}

#[test]
fn operations_left_unanswered_are_stuck_even_when_the_protocol_counts_none() {
    for seed in 0..3 {
        let honest = run_counter(seed, &[DROPS_READS]);
        assert_eq!(
            honest.verdict,
            Verdict::Stuck,
            "seed {seed}: {:?}",
            honest.detail
        );
        let outcome = run_counter(seed, &[DROPS_READS, COUNTS_NONE]);
        assert_eq!(
            outcome.verdict,
            Verdict::Stuck,
            "seed {seed}: {:?}",
            outcome.detail
        );
        let detail = outcome.detail.unwrap_or_default();
        assert!(
            detail.contains("invoked and never answered"),
            "seed {seed}: {detail}"
        );
        assert!(
            detail.contains("`unfinished_ops` counted 0"),
            "seed {seed}: {detail}"
        );
    }
}

#[test]
fn a_protocol_the_registry_lacks_is_an_error_listing_the_registered_ones() {
    let text = scenario_text("raft", 0, &[]);
    let err = Scenario::parse(&text, "counter.json", &registry()).unwrap_err();
    assert_eq!(err.path, "protocol.kind", "{err}");
    assert!(err.message.contains("unknown protocol `raft`"), "{err}");
    assert!(err.message.contains("expected one of counter ("), "{err}");
    assert!(err.line > 0, "located in the text: {err}");
}

#[test]
fn the_registry_describes_the_protocol_from_its_trait() {
    let registry = registry();
    let info = registry.get("counter").expect("registered");
    assert_eq!(info.history_model, Some("counter"));
    assert!(info.has_clients);
    let (owner, bug) = registry.bug(LOST_ADD).expect("its bug is known");
    assert_eq!(
        (owner.name, bug.violates),
        ("counter", &["linearizability"][..])
    );
}

/// A protocol that says its checks read observations as they come but reads them
/// whole at the end is shown its mistake (a panic naming it) by a run that forgot
/// them, not passed on a partial record nor quietly run again.
#[test]
fn a_protocol_that_reads_a_forgotten_record_is_told_so() {
    let text = scenario_text("counter", 0, &[READS_WHOLE]);
    let scenario = Scenario::parse(&text, "counter.json", &registry()).expect("valid scenario");
    let kept = run(&scenario, &RunOptions::default()).expect("runs");
    assert_eq!(kept.verdict, Verdict::Pass, "{:?}", kept.detail);
    let forgetting = RunOptions {
        keep_history: false,
        ..RunOptions::default()
    };
    let forgot = run(&scenario, &forgetting).expect("runs");
    assert_eq!(forgot.verdict, Verdict::Fail);
    assert_eq!(forgot.property.as_deref(), Some("panic"));
    let detail = forgot.detail.unwrap_or_default();
    assert!(detail.contains("after the run forgot it"), "{detail}");
}
