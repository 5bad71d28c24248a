//! Every two-phase commit invariant catches a violation: a healthy run on a clean
//! network commits transfers, then one node's state is corrupted by hand the way a
//! bug would, and the checker must name the broken property.

use faultline_protocols::twopc::coordinator::{AttemptState, DecisionEntry};
use faultline_protocols::twopc::messages::{AccountChange, Attempt, TxId};
use faultline_protocols::twopc::node::TwoPcNode;
use faultline_protocols::twopc::participant::{Status, TxState, VoteEntry};
use faultline_protocols::twopc::TwoPc;
use faultline_protocols::{Bugs, Protocol, Setup, Workload};
use faultline_sim::disk::UnsyncedOnCrash;
use faultline_sim::{NetworkConfig, NodeId, World, WorldConfig, SECOND};
use std::collections::{BTreeMap, BTreeSet};

fn healthy_run() -> (TwoPc, World<TwoPcNode>) {
    let setup = Setup {
        servers: 3,
        workload: Workload {
            clients: 2,
            keys: 4,
            ops: 20,
            read_ratio: 0.0,
            think_ns_mean: None,
            script: Vec::new(),
        },
        bugs: Bugs::default(),
        options: Default::default(),
        fault_period_ns: SECOND,
    };
    let mut twopc = TwoPc::build(&setup).unwrap();
    let config = WorldConfig {
        seed: 5,
        server_count: 3,
        client_count: 2,
        network: NetworkConfig::default(),
        unsynced_on_crash: UnsyncedOnCrash::Lost,
        keep_trace: false,
    };
    let mut world = World::new(config, twopc.node_factory());
    while world.peek_time().is_some_and(|t| t < 3 * SECOND) {
        world.step();
        twopc
            .check_step(&world)
            .expect("a healthy run keeps every invariant");
    }
    twopc
        .check_end(&world)
        .expect("and ends with every attempt decided");
    let commits = coordinator(&world)
        .decision_log
        .iter()
        .filter(|d| d.commit)
        .count();
    assert!(commits > 5, "the run committed transfers: {commits}");
    (twopc, world)
}

fn coordinator(world: &World<TwoPcNode>) -> &faultline_protocols::twopc::coordinator::Coordinator {
    world
        .actor(NodeId(0))
        .and_then(TwoPcNode::as_coordinator)
        .unwrap()
}

fn corrupt(world: &mut World<TwoPcNode>, node: u32, change: impl FnOnce(&mut TwoPcNode)) {
    world.with_context(NodeId(node), |actor, _| change(actor));
}

fn fake_attempt() -> Attempt {
    Attempt {
        tx: TxId { client: 99, seq: 1 },
        number: 1,
    }
}

/// An attempt the coordinator took part in and decided, with one participant in it.
fn decided_attempt(world: &World<TwoPcNode>, commit: bool) -> (Attempt, u32) {
    let (attempt, state) = coordinator(world)
        .attempts
        .iter()
        .find(|(_, s)| s.decision == Some(commit))
        .expect("such an attempt");
    (*attempt, state.participants[0].0)
}

fn property(twopc: &mut TwoPc, world: &World<TwoPcNode>) -> String {
    twopc.check_step(world).expect_err("a violation").property
}

fn as_coordinator(
    node: &mut TwoPcNode,
) -> &mut faultline_protocols::twopc::coordinator::Coordinator {
    match node {
        TwoPcNode::Coordinator(c) => c,
        _ => panic!("the coordinator"),
    }
}

fn as_participant(
    node: &mut TwoPcNode,
) -> &mut faultline_protocols::twopc::participant::Participant {
    match node {
        TwoPcNode::Participant(p) => p,
        _ => panic!("a participant"),
    }
}

#[test]
fn two_outcomes_for_one_attempt_break_agreement() {
    let (mut twopc, mut world) = healthy_run();
    let (attempt, state) = coordinator(&world)
        .attempts
        .iter()
        .find(|(_, s)| s.decision == Some(true) && s.participants.len() == 1)
        .expect("a committed transfer within one participant");
    let (attempt, inside) = (*attempt, state.participants[0].0);
    let outside = if inside == 1 { 2 } else { 1 };
    corrupt(&mut world, outside, |n| {
        as_participant(n).outcome_log.push((attempt, false))
    });
    assert_eq!(property(&mut twopc, &world), "agreement");
}

#[test]
fn a_changed_outcome_is_a_reversal() {
    let (mut twopc, mut world) = healthy_run();
    let (attempt, _) = decided_attempt(&world, true);
    corrupt(&mut world, 0, |n| {
        as_coordinator(n).decision_log.push(DecisionEntry {
            attempt,
            commit: false,
            record: 0,
            recovered: true,
        })
    });
    assert_eq!(property(&mut twopc, &world), "no_reversal");
}

/// Makes the coordinator believe it began `attempt` with participant 1 alone.
fn begin_fake(world: &mut World<TwoPcNode>, attempt: Attempt) {
    corrupt(world, 0, |n| {
        let coordinator = as_coordinator(n);
        let changes = vec![AccountChange {
            account: 0,
            delta: 0,
        }];
        coordinator.attempts.insert(
            attempt,
            AttemptState {
                participants: vec![(1, changes)],
                votes: BTreeMap::new(),
                decision: None,
                acked: BTreeSet::new(),
            },
        );
        coordinator.begun_log.push(attempt);
    });
}

fn decide_fake(world: &mut World<TwoPcNode>, attempt: Attempt, commit: bool) {
    corrupt(world, 0, |n| {
        as_coordinator(n).decision_log.push(DecisionEntry {
            attempt,
            commit,
            record: 0,
            recovered: false,
        })
    });
}

#[test]
fn a_commit_without_every_yes_is_caught() {
    let (mut twopc, mut world) = healthy_run();
    begin_fake(&mut world, fake_attempt());
    twopc.check_step(&world).unwrap();
    decide_fake(&mut world, fake_attempt(), true);
    assert_eq!(property(&mut twopc, &world), "commit_needs_all_yes");
}

#[test]
fn an_abort_with_every_yes_and_no_fault_is_caught() {
    let (mut twopc, mut world) = healthy_run();
    begin_fake(&mut world, fake_attempt());
    twopc.check_step(&world).unwrap();
    corrupt(&mut world, 1, |n| {
        as_participant(n).vote_log.push(VoteEntry {
            attempt: fake_attempt(),
            yes: true,
            record: 0,
        })
    });
    twopc.check_step(&world).unwrap();
    decide_fake(&mut world, fake_attempt(), false);
    assert_eq!(property(&mut twopc, &world), "abort_without_cause");
}

#[test]
fn a_yes_before_prepared_is_on_disk_is_caught() {
    let (mut twopc, mut world) = healthy_run();
    let unsynced = world.disk(NodeId(1)).records().len();
    corrupt(&mut world, 1, |n| {
        as_participant(n).vote_log.push(VoteEntry {
            attempt: fake_attempt(),
            yes: true,
            record: unsynced,
        })
    });
    assert_eq!(property(&mut twopc, &world), "prepared_durable");
}

#[test]
fn a_decision_sent_before_it_is_on_disk_is_caught() {
    let (mut twopc, mut world) = healthy_run();
    let unsynced = world.disk(NodeId(0)).records().len();
    corrupt(&mut world, 0, |n| {
        as_coordinator(n).decision_log.push(DecisionEntry {
            attempt: fake_attempt(),
            commit: false,
            record: unsynced,
            recovered: false,
        })
    });
    assert_eq!(property(&mut twopc, &world), "decision_durable");
}

#[test]
fn a_participant_still_prepared_at_the_end_is_caught() {
    let (mut twopc, mut world) = healthy_run();
    corrupt(&mut world, 2, |n| {
        let state = TxState {
            attempt: 1,
            status: Status::Prepared,
            changes: Vec::new(),
        };
        as_participant(n).txs.insert(fake_attempt().tx, state);
    });
    let violation = twopc.check_end(&world).expect_err("a violation");
    assert_eq!(violation.property, "all_decided");
}

#[test]
fn money_from_nowhere_is_caught() {
    let (mut twopc, mut world) = healthy_run();
    corrupt(&mut world, 1, |n| {
        let balance = as_participant(n).balances.values_mut().next().unwrap();
        *balance += 1;
    });
    let violation = twopc.check_end(&world).expect_err("a violation");
    assert_eq!(violation.property, "money_conserved");
}
