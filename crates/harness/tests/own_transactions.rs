//! A protocol written outside faultline whose clients run transactions, checked for
//! isolation by the harness: it declares `Protocol::isolation` (list-append, strict
//! serializable) and its clients record each transaction as a `txn` client event,
//! which the default `Protocol::transactions` reads. A store that runs each
//! transaction atomically passes; one that serves reads from a copy lagging one
//! transaction behind fails the harness property `isolation`, with the anomaly named
//! and its cycle explained; a client that records a malformed transaction makes the
//! verdict unknown.

use faultline_api::plan::{Pacing, Plan};
use faultline_api::transactions::{txn_value, Consistency, Isolation, Mop, TxnModel, TXN};
use faultline_api::{BugInfo, ClientEvent, ClientEventKind, Protocol, Setup};
use faultline_api::{SetupError, Violation};
use faultline_harness::{run, Outcome, Registry, RunOptions, Scenario, Verdict};
use faultline_sim::{Actor, Context, NodeId, World};
use serde::Serialize;
use std::collections::BTreeMap;

const STALE_READS: &str = "store.stale_reads";
const GARBLED: &str = "store.garbled_history";
const KEYS: u64 = 3;

type Lists = BTreeMap<u64, Vec<u64>>;

/// One server (node 0) holding a list per key; clients after it.
struct Store {
    setup: Setup,
}

/// A micro-operation on the wire: a key and the value to append (`None`: a read).
type WireOp = (u64, Option<u64>);

#[derive(Clone, Debug, Hash, Serialize)]
enum Msg {
    Run(Vec<WireOp>),
    Done(Vec<Option<Vec<u64>>>),
}

#[derive(Clone, Debug, Hash, Serialize)]
struct NextTxn;

enum StoreNode {
    Server {
        lists: Lists,
        /// The lists as they were before the latest transaction (the bug reads these).
        lagging: Lists,
        stale_reads: bool,
    },
    Client(Client),
}

struct Client {
    plan: Plan<()>,
    pacing: Pacing,
    completed: usize,
    appended: u64,
    in_flight: Vec<WireOp>,
    garbled: bool,
}

fn mops(ops: &[WireOp], reads: Option<&[Option<Vec<u64>>]>) -> Vec<Mop> {
    let text = |v: &u64| v.to_string();
    ops.iter()
        .enumerate()
        .map(|(i, (key, append))| match append {
            Some(value) => Mop::Append {
                key: key.to_string(),
                value: value.to_string(),
            },
            None => Mop::ReadList {
                key: key.to_string(),
                values: reads.and_then(|r| r[i].as_ref().map(|l| l.iter().map(text).collect())),
            },
        })
        .collect()
}

impl Client {
    fn report(&self, ctx: &mut Context<'_, StoreNode>, kind: ClientEventKind, value: String) {
        let process = u64::from(ctx.id().0);
        ctx.observe(ClientEvent {
            process,
            kind,
            f: TXN,
            key: None,
            value: Some(value),
        });
    }

    fn invoke(&mut self, ctx: &mut Context<'_, StoreNode>) {
        let len = 1 + ctx.rng().below(3);
        let mut ops = Vec::new();
        for _ in 0..len {
            let key = ctx.rng().below(KEYS);
            let append = ctx.rng().chance(0.5).then(|| {
                self.appended += 1;
                u64::from(ctx.id().0) * 1000 + self.appended
            });
            ops.push((key, append));
        }
        let value = if self.garbled {
            "[[:append 1]]".to_string()
        } else {
            txn_value(&mops(&ops, None))
        };
        self.report(ctx, ClientEventKind::Invoke, value);
        ctx.send(NodeId(0), Msg::Run(ops.clone()));
        self.in_flight = ops;
    }

    fn on_done(&mut self, ctx: &mut Context<'_, StoreNode>, reads: &[Option<Vec<u64>>]) {
        let value = txn_value(&mops(&self.in_flight, Some(reads)));
        self.report(ctx, ClientEventKind::Ok, value);
        self.completed += 1;
        if self.completed < self.plan.len() {
            let delay = self.pacing.delay_before(&self.plan, self.completed, ctx);
            ctx.set_timer(delay, NextTxn);
        }
    }
}

/// Runs a transaction atomically; reads see `reads_from` plus the transaction's own
/// appends so far (the correct store reads `lists` itself).
fn execute(lists: &mut Lists, reads_from: Option<&Lists>, ops: &[WireOp]) -> Vec<Option<Vec<u64>>> {
    let mut own: Lists = BTreeMap::new();
    let mut results = Vec::new();
    for (key, append) in ops {
        match append {
            Some(value) => {
                lists.entry(*key).or_default().push(*value);
                own.entry(*key).or_default().push(*value);
                results.push(None);
            }
            None => {
                let seen = match reads_from {
                    Some(stale) => {
                        let mut list = stale.get(key).cloned().unwrap_or_default();
                        list.extend(own.get(key).into_iter().flatten());
                        list
                    }
                    None => lists.get(key).cloned().unwrap_or_default(),
                };
                results.push(Some(seen));
            }
        }
    }
    results
}

impl Actor for StoreNode {
    type Msg = Msg;
    type Timer = NextTxn;
    type Record = ();
    type Observation = ClientEvent;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        if let StoreNode::Client(client) = self {
            let delay = client.pacing.delay_before(&client.plan, 0, ctx);
            ctx.set_timer(delay, NextTxn);
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Msg) {
        match (self, msg) {
            (
                StoreNode::Server {
                    lists,
                    lagging,
                    stale_reads,
                },
                Msg::Run(ops),
            ) => {
                let before = lists.clone();
                let stale = stale_reads.then_some(&*lagging);
                let results = execute(lists, stale, &ops);
                *lagging = before;
                ctx.send(from, Msg::Done(results));
            }
            (StoreNode::Client(client), Msg::Done(reads)) => client.on_done(ctx, &reads),
            _ => {}
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, _timer: NextTxn) {
        if let StoreNode::Client(client) = self {
            client.invoke(ctx);
        }
    }
}

impl Protocol for Store {
    type Node = StoreNode;
    type Options = ();
    const NAME: &'static str = "store";
    const SUMMARY: &'static str = "test: one server running list-append transactions";
    const HISTORY_MODEL: Option<&'static str> = None;
    const HAS_CLIENTS: bool = true;

    fn bugs() -> &'static [BugInfo] {
        const BUGS: [BugInfo; 2] = [
            BugInfo {
                name: STALE_READS,
                mechanism: "reads see the lists as they were before the previous transaction",
                violates: &["isolation"],
                scenario: "nemesis",
            },
            BugInfo {
                name: GARBLED,
                mechanism: "clients record a malformed transaction",
                violates: &["isolation"],
                scenario: "nemesis",
            },
        ];
        &BUGS
    }

    fn build(setup: &Setup) -> Result<Self, SetupError> {
        Ok(Store {
            setup: setup.clone(),
        })
    }

    fn isolation(&self) -> Option<Isolation> {
        Some(Isolation {
            model: TxnModel::ListAppend,
            consistency: Consistency::StrictSerializable,
        })
    }

    fn node_factory(&self) -> Box<dyn FnMut(NodeId) -> StoreNode> {
        let setup = self.setup.clone();
        Box::new(move |id| {
            if id.0 == 0 {
                return StoreNode::Server {
                    lists: Lists::new(),
                    lagging: Lists::new(),
                    stale_reads: setup.bugs.is_on(STALE_READS),
                };
            }
            let workload = &setup.workload;
            StoreNode::Client(Client {
                plan: Plan::for_client(workload, id.0 as usize - 1, |_| ()),
                pacing: Pacing::for_workload(workload, setup.fault_period_ns),
                completed: 0,
                appended: 0,
                in_flight: Vec::new(),
                garbled: setup.bugs.is_on(GARBLED),
            })
        })
    }

    fn check_step(&mut self, _world: &World<StoreNode>) -> Result<(), Violation> {
        Ok(())
    }

    fn unfinished_ops(&self, world: &World<StoreNode>) -> usize {
        let left = |node: &StoreNode| match node {
            StoreNode::Client(c) => c.plan.len() - c.completed,
            StoreNode::Server { .. } => 0,
        };
        world.actors().iter().flatten().map(left).sum()
    }
}

fn run_store(seed: u64, bugs: &[&str]) -> Outcome {
    let text = serde_json::json!({
        "name": "store",
        "protocol": { "kind": "store", "nodes": 1 },
        "network": { "latency": { "min": "1ms", "max": "5ms" } },
        "workload": { "clients": 4, "ops": 80 },
        "duration": "2s",
        "quiet": "1s",
        "seed": seed,
        "bugs": bugs,
    })
    .to_string();
    let registry = Registry::empty().with::<Store>();
    let scenario = Scenario::parse(&text, "store.json", &registry).expect("valid scenario");
    run(&scenario, &RunOptions::default()).expect("runs")
}

#[test]
fn an_atomic_store_passes_and_says_what_the_isolation_check_judged() {
    for seed in 0..5 {
        let outcome = run_store(seed, &[]);
        assert_eq!(
            outcome.verdict,
            Verdict::Pass,
            "seed {seed}: {:?}",
            outcome.detail
        );
        let checked = outcome.isolation.expect("judged");
        assert!(
            checked.starts_with("strict-serializable of 80 list-append transactions (80 committed"),
            "seed {seed}: {checked}"
        );
        assert_eq!(
            run_store(seed, &[]).trace_hash,
            outcome.trace_hash,
            "seed {seed}"
        );
    }
}

#[test]
fn stale_reads_fail_isolation_with_the_anomaly_explained() {
    for seed in 0..5 {
        let outcome = run_store(seed, &[STALE_READS]);
        assert_eq!(outcome.verdict, Verdict::Fail, "seed {seed}");
        assert_eq!(
            outcome.property.as_deref(),
            Some("isolation"),
            "seed {seed}"
        );
        let detail = outcome.detail.unwrap_or_default();
        assert!(
            detail.contains("which strict-serializable forbids"),
            "seed {seed}: {detail}"
        );
        assert!(detail.contains(" because T"), "seed {seed}: {detail}");
        assert!(outcome.isolation.is_none(), "seed {seed}");
    }
}

#[test]
fn a_malformed_transaction_makes_the_verdict_unknown_naming_the_event() {
    let outcome = run_store(0, &[GARBLED]);
    assert_eq!(outcome.verdict, Verdict::Unknown);
    assert_eq!(outcome.property.as_deref(), Some("isolation"));
    let detail = outcome.detail.unwrap_or_default();
    assert!(
        detail.starts_with("malformed transactional history: client event 1"),
        "{detail}"
    );
}
