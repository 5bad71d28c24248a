//! Saga invariants are shown able to fail on hand-corrupted state: a step applied
//! twice, a compensation applied to a completed saga, a saga ended with nothing done,
//! an effect no saga accounts for, a delivery for an order its customer was told
//! failed, money and stock appearing from nowhere. (The named bugs trip them for real
//! in the harness tests, `crates/harness/tests/named_bugs.rs`.)

use faultline_protocols::history::ClientEventKind;
use faultline_protocols::saga::books::Books;
use faultline_protocols::saga::messages::{
    Action, Command, CommandId, Order, OrderId, Outcome, SagaEnd,
};
use faultline_protocols::saga::node::SagaNode;
use faultline_protocols::saga::service::ServiceNode;
use faultline_protocols::saga::Saga;
use faultline_protocols::{Bugs, Protocol, Setup, Workload};
use faultline_sim::disk::UnsyncedOnCrash;
use faultline_sim::{FaultAction, NetworkConfig, NodeId, Target, World, WorldConfig, SECOND};
use serde_json::json;

const INVENTORY: u32 = 1;
const PAYMENT: u32 = 2;
const DELIVERY: u32 = 3;

/// Two customers, 60 orders over 2s, with stock so short (10 of each item) that many are refused.
fn setup() -> Setup {
    Setup {
        servers: 4,
        workload: Workload {
            clients: 2,
            keys: 2,
            ops: 60,
            ..Workload::default()
        },
        bugs: Bugs::default(),
        options: [("stock_per_item".to_string(), json!(10))]
            .into_iter()
            .collect(),
        fault_period_ns: 2 * SECOND,
    }
}

fn world_for(saga: &Saga) -> World<SagaNode> {
    let config = WorldConfig {
        seed: 3,
        server_count: 4,
        client_count: 2,
        network: NetworkConfig::default(),
        unsynced_on_crash: UnsyncedOnCrash::Lost,
        keep_trace: false,
    };
    World::new(config, saga.node_factory())
}

/// A run checked after every event up to `until_ns`.
fn healthy_until(until_ns: u64) -> (Saga, World<SagaNode>) {
    let mut saga = Saga::build(&setup()).unwrap();
    let mut world = world_for(&saga);
    while world.peek_time().is_some_and(|t| t < until_ns) {
        world.step();
        saga.check_step(&world).expect("healthy");
    }
    (saga, world)
}

fn healthy() -> (Saga, World<SagaNode>) {
    healthy_until(SECOND)
}

fn service(world: &World<SagaNode>, node: u32) -> &ServiceNode {
    world
        .actor(NodeId(node))
        .and_then(SagaNode::as_service)
        .unwrap()
}

fn corrupt_service(world: &mut World<SagaNode>, node: u32, change: impl FnOnce(&mut ServiceNode)) {
    world.with_context(NodeId(node), |actor, _| match actor {
        SagaNode::Service(service) => change(service),
        _ => panic!("a service"),
    });
}

/// An effect written into `node`'s ledger as if it had applied `action` for `order`.
fn forge_effect(world: &mut World<SagaNode>, node: u32, action: Action, order: Order) {
    let command = Command {
        id: CommandId { boot: 99, n: 1 },
        action,
        order,
        amount: 5,
    };
    corrupt_service(world, node, |s| s.ledger.push((command, Outcome::Done)));
}

/// The orders whose saga the orchestrator ended `end`-wise (completed or cancelled).
fn ended(world: &World<SagaNode>, completed: bool) -> Vec<Order> {
    let orchestrator = world
        .actor(NodeId(0))
        .and_then(SagaNode::as_orchestrator)
        .unwrap();
    let sagas = orchestrator.sagas.values();
    sagas
        .filter(|s| {
            s.end()
                .is_some_and(|e| (e == SagaEnd::Completed) == completed)
        })
        .map(|s| s.order)
        .collect()
}

/// An order its customer was told failed.
fn told_failed(world: &World<SagaNode>) -> Order {
    let mut placed = std::collections::BTreeMap::new();
    for observed in world.observations() {
        let event = &observed.value;
        let seq = placed.entry(event.process).or_insert(0u64);
        match event.kind {
            ClientEventKind::Invoke => *seq += 1,
            ClientEventKind::Fail => {
                let id = OrderId {
                    customer: event.process as u32 - 4,
                    seq: *seq,
                };
                return ended(world, false)
                    .into_iter()
                    .find(|o| o.id == id)
                    .unwrap();
            }
            _ => {}
        }
    }
    panic!("the healthy run has a refused order");
}

#[test]
fn a_healthy_run_has_every_kind_of_end_and_passes_at_the_end() {
    let (mut saga, world) = healthy_until(30 * SECOND);
    assert_eq!(saga.unfinished_ops(&world), 0, "every order answered");
    saga.check_end(&world).expect("healthy at the end");
    assert!(!ended(&world, true).is_empty(), "some orders completed");
    assert!(!ended(&world, false).is_empty(), "some were cancelled");
}

#[test]
fn a_step_applied_twice_is_caught() {
    let (mut saga, mut world) = healthy();
    let (command, outcome) = *service(&world, PAYMENT)
        .ledger
        .iter()
        .find(|(_, outcome)| *outcome == Outcome::Done)
        .unwrap();
    corrupt_service(&mut world, PAYMENT, |s| s.ledger.push((command, outcome)));
    assert_eq!(
        saga.check_step(&world).unwrap_err().property,
        "at_most_once"
    );
}

#[test]
fn a_compensation_of_a_completed_saga_is_caught() {
    let (mut saga, mut world) = healthy();
    let completed = ended(&world, true)[0];
    forge_effect(&mut world, PAYMENT, Action::Refund, completed);
    assert_eq!(
        saga.check_step(&world).unwrap_err().property,
        "saga_atomicity"
    );
}

#[test]
fn a_saga_ended_completed_with_nothing_done_is_caught() {
    let (mut saga, mut world) = healthy();
    let nobody = OrderId {
        customer: 1,
        seq: 999,
    };
    world.with_context(NodeId(0), |actor, _| match actor {
        SagaNode::Orchestrator(o) => o.ended_log.push((nobody, SagaEnd::Completed)),
        _ => panic!("the orchestrator"),
    });
    assert_eq!(
        saga.check_step(&world).unwrap_err().property,
        "saga_atomicity"
    );
}

#[test]
fn an_effect_no_ended_saga_accounts_for_is_caught_at_the_end() {
    let (mut saga, mut world) = healthy();
    let stray = Order {
        id: OrderId {
            customer: 0,
            seq: 999,
        },
        item: 0,
        qty: 1,
    };
    forge_effect(&mut world, DELIVERY, Action::Schedule, stray);
    saga.check_step(&world).expect("nothing ended it yet");
    assert_eq!(
        saga.check_end(&world).unwrap_err().property,
        "saga_atomicity"
    );
}

#[test]
fn a_delivery_for_an_order_told_failed_is_caught() {
    let (mut saga, mut world) = healthy();
    let failed = told_failed(&world);
    forge_effect(&mut world, DELIVERY, Action::Schedule, failed);
    assert_eq!(
        saga.check_step(&world).unwrap_err().property,
        "cancelled_net_zero"
    );
}

#[test]
fn money_from_nowhere_is_caught() {
    let (mut saga, mut world) = healthy();
    corrupt_service(&mut world, PAYMENT, |s| match &mut s.books {
        Books::Payment(payment) => payment.balances[0] += 1,
        _ => panic!("payment books"),
    });
    assert_eq!(
        saga.check_step(&world).unwrap_err().property,
        "money_conserved"
    );
}

#[test]
fn stock_from_nowhere_is_caught() {
    let (mut saga, mut world) = healthy();
    corrupt_service(&mut world, INVENTORY, |s| match &mut s.books {
        Books::Inventory(inventory) => inventory.on_hand[1] += 1,
        _ => panic!("inventory books"),
    });
    assert_eq!(
        saga.check_step(&world).unwrap_err().property,
        "stock_conserved"
    );
}

#[test]
fn sagas_and_applied_commands_survive_restarts() {
    let (mut saga, mut world) = healthy();
    let sagas_before = ended(&world, true).len() + ended(&world, false).len();
    let ledger_before = service(&world, PAYMENT).ledger.len();
    for node in [0, PAYMENT] {
        world.apply_fault(FaultAction::Crash {
            target: Target::Node(node),
            restart_after_ns: Some(SECOND / 10),
        });
    }
    while world.peek_time().is_some_and(|t| t < 30 * SECOND) {
        world.step();
        saga.check_step(&world).expect("healthy across restarts");
    }
    assert!(ended(&world, true).len() + ended(&world, false).len() >= sagas_before);
    assert!(service(&world, PAYMENT).ledger.len() >= ledger_before);
    assert_eq!(saga.unfinished_ops(&world), 0, "every order answered");
    saga.check_end(&world).expect("healthy at the end");
}

/// Steps on from `world`, checked after every event, until a violation or `until_ns`.
fn first_violation(saga: &mut Saga, world: &mut World<SagaNode>, until_ns: u64) -> String {
    while world.peek_time().is_some_and(|t| t < until_ns) {
        world.step();
        if let Err(v) = saga.check_step(world) {
            return v.property;
        }
    }
    panic!("no violation before {until_ns}ns");
}

#[test]
fn a_customer_told_the_end_of_another_order_is_caught() {
    let (mut saga, mut world) = healthy();
    // The orchestrator records every open saga as for a different quantity than its
    // customer ordered; each customer then hears how some other order ended.
    world.with_context(NodeId(0), |actor, _| match actor {
        SagaNode::Orchestrator(o) => {
            let open = o.sagas.values_mut().filter(|s| !s.is_ended());
            let mut changed = 0;
            for state in open {
                state.order.qty += 10;
                changed += 1;
            }
            assert!(changed > 0, "sagas in flight");
        }
        _ => panic!("the orchestrator"),
    });
    assert_eq!(
        first_violation(&mut saga, &mut world, 10 * SECOND),
        "told_as_recorded"
    );
}
