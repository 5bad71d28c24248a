//! Paxos invariants are shown able to fail on hand-corrupted state: an acceptor
//! accepting above its promise, a slot's accepted ballot going down (in place, and
//! across a restart that lost a vote), a learner executing a value that was never
//! chosen, a value no client proposed being chosen, a command applied twice. (The
//! named bugs trip the others in the harness tests, `crates/harness/tests/named_bugs.rs`.)

use faultline_protocols::paxos::messages::{Ballot, Value, Vote};
use faultline_protocols::paxos::node::PaxosNode;
use faultline_protocols::paxos::Paxos;
use faultline_protocols::testkit::{random_workload, TestRun};
use faultline_sim::{NodeId, SECOND};

type Run = TestRun<Paxos>;

fn healthy() -> Run {
    let mut run = Run::new(3, random_workload(2, 2, 30, 0.3), 5, SECOND, &[]);
    run.run_healthy_until(SECOND);
    run
}

fn corrupt(
    run: &mut Run,
    node: u32,
    change: impl FnOnce(&mut faultline_protocols::paxos::server::Server),
) {
    run.corrupt(node, |actor| match actor {
        PaxosNode::Server(server) => change(server),
        PaxosNode::Client(_) => panic!("a server"),
    });
}

#[test]
fn accepting_above_the_promise_is_caught() {
    let mut run = healthy();
    corrupt(&mut run, 1, |s| {
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
    assert_eq!(run.violated(), "accepted_within_promise");
}

#[test]
fn executing_an_unchosen_value_is_caught() {
    let mut run = healthy();
    corrupt(&mut run, 2, |s| s.exec_log.push((999, Value::Noop)));
    assert_eq!(run.violated(), "learn_only_chosen");
}

#[test]
fn choosing_a_value_no_client_proposed_is_caught() {
    let mut run = healthy();
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
        corrupt(&mut run, node, |s| {
            s.accept_log.push(Vote {
                slot: 999,
                ballot: s.promised,
                value,
            });
        });
    }
    run.check()
        .expect("one value in slot 999, so far consistent");
    assert_eq!(run.violated_at_end(), "only_proposed_chosen");
}

#[test]
fn executed_slots_are_garbage_collected_and_survive_a_restart() {
    let mut run = Run::new(3, random_workload(2, 2, 200, 0.3), 9, 2 * SECOND, &[]);
    run.run_healthy_until(3 * SECOND);
    let server = run
        .world
        .actor(NodeId(1))
        .and_then(PaxosNode::as_server)
        .unwrap();
    let executed = server.next_exec - 1;
    assert!(server.gc_below > 1, "votes were collected");
    assert!(
        (server.accepted.len() as u64) < executed,
        "fewer votes kept than slots executed"
    );
    run.world.apply_fault(faultline_sim::FaultAction::Crash {
        target: faultline_sim::Target::Node(1),
        restart_after_ns: None,
    });
    run.world.apply_fault(faultline_sim::FaultAction::Restart(
        faultline_sim::Target::Node(1),
    ));
    let restarted = run
        .world
        .actor(NodeId(1))
        .and_then(PaxosNode::as_server)
        .unwrap();
    assert!(
        restarted.next_exec > 1,
        "the store came back from the snapshot"
    );
    assert!(restarted.next_exec - 1 <= executed);
    run.run_healthy_until(5 * SECOND);
    let caught_up = run
        .world
        .actor(NodeId(1))
        .and_then(PaxosNode::as_server)
        .unwrap();
    assert!(caught_up.next_exec > executed, "it caught up");
}

#[test]
fn an_accepted_ballot_going_down_is_caught() {
    let mut run = healthy();
    let vote = |round| Vote {
        slot: 999,
        ballot: Ballot { round, proposer: 1 },
        value: Value::Noop,
    };
    corrupt(&mut run, 1, |s| s.accept_log.push(vote(s.promised.round)));
    run.check().expect("a first vote in slot 999");
    corrupt(&mut run, 1, |s| {
        s.accept_log.push(vote(s.promised.round - 1))
    });
    assert_eq!(run.violated(), "accepted_monotonic");
}

#[test]
fn a_vote_lost_across_a_restart_is_caught() {
    let mut run = healthy();
    // A vote the acceptor was seen to cast but never wrote to its disk.
    corrupt(&mut run, 1, |s| {
        s.accept_log.push(Vote {
            slot: 999,
            ballot: s.promised,
            value: Value::Noop,
        })
    });
    run.check().expect("one vote, nothing chosen");
    run.world.apply_fault(faultline_sim::FaultAction::Crash {
        target: faultline_sim::Target::Node(1),
        restart_after_ns: None,
    });
    run.check().expect("a crashed acceptor is not checked");
    run.world.apply_fault(faultline_sim::FaultAction::Restart(
        faultline_sim::Target::Node(1),
    ));
    assert_eq!(run.violated(), "accepted_monotonic");
}

#[test]
fn a_command_applied_twice_is_caught() {
    let mut run = healthy();
    run.check_end().expect("healthy");
    let command = faultline_protocols::kv::Command {
        client: 3,
        seq: 1,
        op: faultline_protocols::kv::KvOp::Append {
            key: "k0".into(),
            value: "x".into(),
        },
    };
    corrupt(&mut run, 0, |s| {
        for _ in 0..100 {
            s.store.apply_unchecked(&command);
        }
    });
    assert_eq!(run.violated_at_end(), "at_most_once");
}
