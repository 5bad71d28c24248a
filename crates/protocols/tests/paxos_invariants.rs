//! Paxos invariants are shown able to fail on hand-corrupted state: an acceptor
//! accepting above its promise, a slot's accepted ballot going down (in place, and
//! across a restart that lost a vote), a learner executing a value that was never
//! chosen, a value no client proposed being chosen, a command applied twice. (The
//! named bugs trip the others in the harness tests, `crates/harness/tests/named_bugs.rs`.)

use faultline_protocols::paxos::messages::{Ballot, Value, Vote};
use faultline_protocols::paxos::node::PaxosNode;
use faultline_protocols::paxos::Paxos;
use faultline_protocols::{Bugs, Protocol, Setup, Workload};
use faultline_sim::disk::UnsyncedOnCrash;
use faultline_sim::{NetworkConfig, NodeId, World, WorldConfig, SECOND};

fn healthy() -> (Paxos, World<PaxosNode>) {
    let setup = Setup {
        servers: 3,
        workload: Workload {
            clients: 2,
            keys: 2,
            ops: 30,
            read_ratio: 0.3,
            think_ns_mean: None,
            script: Vec::new(),
        },
        bugs: Bugs::default(),
        options: Default::default(),
        fault_period_ns: SECOND,
    };
    let mut paxos = Paxos::build(&setup).unwrap();
    let config = WorldConfig {
        seed: 5,
        server_count: 3,
        client_count: 2,
        network: NetworkConfig::default(),
        unsynced_on_crash: UnsyncedOnCrash::Lost,
        keep_trace: false,
    };
    let mut world = World::new(config, paxos.node_factory());
    while world.peek_time().is_some_and(|t| t < SECOND) {
        world.step();
        paxos.check_step(&world).expect("healthy");
    }
    (paxos, world)
}

fn corrupt(
    world: &mut World<PaxosNode>,
    node: u32,
    change: impl FnOnce(&mut faultline_protocols::paxos::server::Server),
) {
    world.with_context(NodeId(node), |actor, _| match actor {
        PaxosNode::Server(server) => change(server),
        PaxosNode::Client(_) => panic!("a server"),
    });
}

#[test]
fn accepting_above_the_promise_is_caught() {
    let (mut paxos, mut world) = healthy();
    corrupt(&mut world, 1, |s| {
        let ballot = Ballot {
            round: s.promised.round + 5,
            proposer: 0,
        };
        s.accept_log.push(Vote {
            slot: 999,
            ballot,
            value: Value::Noop,
        });
    });
    assert_eq!(
        paxos.check_step(&world).unwrap_err().property,
        "accepted_within_promise"
    );
}

#[test]
fn executing_an_unchosen_value_is_caught() {
    let (mut paxos, mut world) = healthy();
    corrupt(&mut world, 2, |s| s.exec_log.push((999, Value::Noop)));
    assert_eq!(
        paxos.check_step(&world).unwrap_err().property,
        "learn_only_chosen"
    );
}

#[test]
fn choosing_a_value_no_client_proposed_is_caught() {
    let (mut paxos, mut world) = healthy();
    let forged = Value::Command(faultline_protocols::kv::Command {
        client: 77,
        seq: 1,
        op: faultline_protocols::kv::KvOp::Put {
            key: "k0".into(),
            value: "forged".into(),
        },
    });
    for node in [0, 1] {
        let value = forged.clone();
        corrupt(&mut world, node, |s| {
            s.accept_log.push(Vote {
                slot: 999,
                ballot: s.promised,
                value,
            });
        });
    }
    paxos
        .check_step(&world)
        .expect("one value in slot 999, so far consistent");
    assert_eq!(
        paxos.check_end(&world).unwrap_err().property,
        "only_proposed_chosen"
    );
}

#[test]
fn executed_slots_are_garbage_collected_and_survive_a_restart() {
    let setup = Setup {
        servers: 3,
        workload: Workload {
            clients: 2,
            keys: 2,
            ops: 200,
            read_ratio: 0.3,
            think_ns_mean: None,
            script: Vec::new(),
        },
        bugs: Bugs::default(),
        options: Default::default(),
        fault_period_ns: 2 * SECOND,
    };
    let mut paxos = Paxos::build(&setup).unwrap();
    let config = WorldConfig {
        seed: 9,
        server_count: 3,
        client_count: 2,
        network: NetworkConfig::default(),
        unsynced_on_crash: UnsyncedOnCrash::Lost,
        keep_trace: false,
    };
    let mut world = World::new(config, paxos.node_factory());
    let run_until = |world: &mut World<PaxosNode>, paxos: &mut Paxos, until| {
        while world.peek_time().is_some_and(|t| t < until) {
            world.step();
            paxos.check_step(world).expect("safe");
        }
    };
    run_until(&mut world, &mut paxos, 3 * SECOND);
    let server = world
        .actor(NodeId(1))
        .and_then(PaxosNode::as_server)
        .unwrap();
    let executed = server.next_exec - 1;
    assert!(server.gc_below > 1, "votes were collected");
    assert!(
        (server.accepted.len() as u64) < executed,
        "fewer votes kept than slots executed"
    );
    world.apply_fault(faultline_sim::FaultAction::Crash {
        target: faultline_sim::Target::Node(1),
        restart_after_ns: None,
    });
    world.apply_fault(faultline_sim::FaultAction::Restart(
        faultline_sim::Target::Node(1),
    ));
    let restarted = world
        .actor(NodeId(1))
        .and_then(PaxosNode::as_server)
        .unwrap();
    assert!(
        restarted.next_exec > 1,
        "the store came back from the snapshot"
    );
    assert!(restarted.next_exec - 1 <= executed);
    run_until(&mut world, &mut paxos, 5 * SECOND);
    let caught_up = world
        .actor(NodeId(1))
        .and_then(PaxosNode::as_server)
        .unwrap();
    assert!(caught_up.next_exec > executed, "it caught up");
}

#[test]
fn an_accepted_ballot_going_down_is_caught() {
    let (mut paxos, mut world) = healthy();
    let vote = |round| Vote {
        slot: 999,
        ballot: Ballot { round, proposer: 1 },
        value: Value::Noop,
    };
    corrupt(&mut world, 1, |s| s.accept_log.push(vote(s.promised.round)));
    paxos.check_step(&world).expect("a first vote in slot 999");
    corrupt(&mut world, 1, |s| {
        s.accept_log.push(vote(s.promised.round - 1))
    });
    assert_eq!(
        paxos.check_step(&world).unwrap_err().property,
        "accepted_monotonic"
    );
}

#[test]
fn a_vote_lost_across_a_restart_is_caught() {
    let (mut paxos, mut world) = healthy();
    // A vote the acceptor was seen to cast but never wrote to its disk.
    corrupt(&mut world, 1, |s| {
        s.accept_log.push(Vote {
            slot: 999,
            ballot: s.promised,
            value: Value::Noop,
        })
    });
    paxos.check_step(&world).expect("one vote, nothing chosen");
    world.apply_fault(faultline_sim::FaultAction::Crash {
        target: faultline_sim::Target::Node(1),
        restart_after_ns: None,
    });
    paxos
        .check_step(&world)
        .expect("a crashed acceptor is not checked");
    world.apply_fault(faultline_sim::FaultAction::Restart(
        faultline_sim::Target::Node(1),
    ));
    assert_eq!(
        paxos.check_step(&world).unwrap_err().property,
        "accepted_monotonic"
    );
}

#[test]
fn a_command_applied_twice_is_caught() {
    let (mut paxos, mut world) = healthy();
    paxos.check_end(&world).expect("healthy");
    let command = faultline_protocols::kv::Command {
        client: 3,
        seq: 1,
        op: faultline_protocols::kv::KvOp::Append {
            key: "k0".into(),
            value: "x".into(),
        },
    };
    corrupt(&mut world, 0, |s| {
        for _ in 0..100 {
            s.store.apply_unchecked(&command);
        }
    });
    assert_eq!(
        paxos.check_end(&world).unwrap_err().property,
        "at_most_once"
    );
}
