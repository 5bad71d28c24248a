//! Every ABD invariant catches a violation: a healthy run on a clean network stores
//! values on the replicas, then a node's state is changed by hand the way a bug would,
//! and the checker must name the broken property.

use abd::api::sim::{FaultAction, Target};
use abd::api::testkit::{random_workload, TestRun};
use abd::api::{NodeId, World, SECOND};
use abd::client::{Client, Receipt};
use abd::node::AbdNode;
use abd::replica::Replica;
use abd::timestamp::{Timestamp, Versioned};
use abd::Abd;

type Run = TestRun<Abd>;

const REPLICAS: u32 = 5;
/// The first client node.
const CLIENT: u32 = REPLICAS;

fn healthy_run() -> Run {
    let mut run = Run::new(
        REPLICAS as usize,
        random_workload(3, 2, 60, 0.5),
        5,
        SECOND,
        &[],
    );
    run.run_healthy_until(2 * SECOND);
    let stored = replica(&run.world, 1).registers.len();
    assert!(stored > 0, "the run wrote to the registers");
    run
}

fn replica(world: &World<AbdNode>, r: u32) -> &Replica {
    world
        .actor(NodeId(r))
        .and_then(AbdNode::as_replica)
        .unwrap()
}

fn client(world: &World<AbdNode>, c: u32) -> &Client {
    world.actor(NodeId(c)).and_then(AbdNode::as_client).unwrap()
}

/// A register replica `r` stores, and what it stores there.
fn stored(run: &Run, r: u32) -> (String, Versioned) {
    let registers = &replica(&run.world, r).registers;
    let (key, versioned) = registers.iter().next().expect("a written register");
    (key.clone(), versioned.clone())
}

fn corrupt_replica(run: &mut Run, r: u32, change: impl FnOnce(&mut Replica)) {
    run.corrupt(r, |node| change(node.as_replica_mut().unwrap()));
}

/// Makes the client believe its next operation completed ok with `versioned`.
fn fake_receipt(run: &mut Run, f: &'static str, key: String, versioned: Versioned) {
    let op = client(&run.world, CLIENT).invoked + 1;
    run.corrupt(CLIENT, |node| {
        let receipt = Receipt {
            op,
            f,
            key,
            versioned,
        };
        node.as_client_mut().unwrap().last_ok = Some(receipt);
    });
}

/// Stores a new value on replica 0 alone, durably, as its own code would.
fn store_on_one_replica(run: &mut Run) -> (String, Versioned) {
    let (key, before) = stored(run, 0);
    let versioned = Versioned {
        ts: Timestamp {
            counter: before.ts.counter + 100,
            writer: CLIENT,
        },
        value: Some("<lonely>".into()),
    };
    let (k, v) = (key.clone(), versioned.clone());
    run.world.with_context(NodeId(0), |node, ctx| {
        node.as_replica_mut().unwrap().store(ctx, k, v);
    });
    run.check()
        .expect("a newer value on one replica is fine by itself");
    (key, versioned)
}

#[test]
fn a_healthy_run_keeps_every_invariant() {
    let mut run = healthy_run();
    run.check().expect("still healthy");
    run.check_end().expect("nothing left to judge");
}

#[test]
fn a_lower_timestamp_breaks_monotonicity() {
    let mut run = healthy_run();
    let (key, versioned) = stored(&run, 1);
    let lower = Versioned {
        ts: Timestamp {
            counter: versioned.ts.counter - 1,
            ..versioned.ts
        },
        value: Some("<older>".into()),
    };
    corrupt_replica(&mut run, 1, |r| {
        r.registers.insert(key, lower);
    });
    assert_eq!(run.violated(), "replica_timestamp_monotonic");
}

#[test]
fn a_forgotten_register_breaks_monotonicity() {
    let mut run = healthy_run();
    let (key, _) = stored(&run, 2);
    corrupt_replica(&mut run, 2, |r| {
        r.registers.remove(&key);
    });
    assert_eq!(run.violated(), "replica_timestamp_monotonic");
}

#[test]
fn a_store_that_never_reached_the_disk_is_lost_on_restart() {
    let mut run = healthy_run();
    let (key, versioned) = stored(&run, 3);
    let newer = Versioned {
        ts: Timestamp {
            counter: versioned.ts.counter + 1,
            writer: CLIENT,
        },
        value: Some("<in memory only>".into()),
    };
    corrupt_replica(&mut run, 3, |r| {
        r.registers.insert(key, newer);
    });
    run.check()
        .expect("a newer value in memory is fine until it is lost");
    let crash = FaultAction::Crash {
        target: Target::Node(3),
        restart_after_ns: None,
    };
    run.world.apply_fault(crash);
    run.check()
        .expect("a crashed replica is judged when it is back");
    run.world.apply_fault(FaultAction::Restart(Target::Node(3)));
    assert_eq!(run.violated(), "replica_timestamp_monotonic");
}

#[test]
fn two_values_under_one_timestamp_break_uniqueness() {
    let mut run = healthy_run();
    let (key, versioned) = stored(&run, 4);
    let forged = Versioned {
        value: Some("<forged>".into()),
        ..versioned
    };
    corrupt_replica(&mut run, 4, |r| {
        r.registers.insert(key, forged);
    });
    assert_eq!(run.violated(), "timestamp_unique");
}

#[test]
fn a_client_told_another_value_for_a_timestamp_breaks_uniqueness() {
    let mut run = healthy_run();
    let (key, versioned) = stored(&run, 0);
    let forged = Versioned {
        value: Some("<forged>".into()),
        ..versioned
    };
    fake_receipt(&mut run, "read", key, forged);
    assert_eq!(run.violated(), "timestamp_unique");
}

#[test]
fn a_write_acked_by_a_minority_breaks_the_write_quorum() {
    let mut run = healthy_run();
    let (key, versioned) = store_on_one_replica(&mut run);
    fake_receipt(&mut run, "write", key, versioned);
    assert_eq!(run.violated(), "write_quorum");
}

#[test]
fn a_read_of_a_value_on_a_minority_breaks_the_read_quorum() {
    let mut run = healthy_run();
    let (key, versioned) = store_on_one_replica(&mut run);
    fake_receipt(&mut run, "read", key, versioned);
    assert_eq!(run.violated(), "read_quorum");
}
