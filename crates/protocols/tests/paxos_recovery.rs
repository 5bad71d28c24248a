//! Paxos's recovery check catches violations: a disk that gives back a promise the
//! acceptor never made, and a restarted acceptor holding a vote it never cast. A
//! healthy cluster is run, then a disk or a restarted server is corrupted by hand
//! the way a bug in persistence or recovery would.

use faultline_protocols::paxos::messages::{Ballot, Record, Value, Vote};
use faultline_protocols::paxos::node::PaxosNode;
use faultline_protocols::paxos::server::Server;
use faultline_protocols::paxos::Paxos;
use faultline_protocols::testkit::{random_workload, TestRun};
use faultline_sim::{FaultAction, NodeId, Target, SECOND};

type Run = TestRun<Paxos>;

fn healthy() -> Run {
    let mut run = Run::new(3, random_workload(2, 2, 30, 0.3), 5, SECOND, &[]);
    run.run_healthy_until(2 * SECOND);
    run
}

fn corrupt(run: &mut Run, node: u32, change: impl FnOnce(&mut Server)) {
    run.corrupt(node, |actor| match actor {
        PaxosNode::Server(server) => change(server),
        PaxosNode::Client(_) => panic!("a server"),
    });
}

fn crash_and_restart(run: &mut Run, node: u32) {
    run.world.apply_fault(FaultAction::Crash {
        target: Target::Node(node),
        restart_after_ns: None,
    });
    run.check().unwrap();
    run.world
        .apply_fault(FaultAction::Restart(Target::Node(node)));
}

#[test]
fn a_healthy_restart_recovers_what_was_durable() {
    let mut run = healthy();
    crash_and_restart(&mut run, 1);
    run.check().unwrap();
    run.run_healthy_until(4 * SECOND);
}

#[test]
fn a_disk_that_gives_back_a_promise_never_made_breaks_recovered_as_durable() {
    let mut run = healthy();
    run.world.with_context(NodeId(2), |server, ctx| {
        let PaxosNode::Server(server) = server else {
            panic!("a server")
        };
        let higher = Ballot {
            round: server.promised.round + 7,
            proposer: 0,
        };
        let mut records = ctx.disk().records().unwrap().to_vec();
        records.push(Record::Promised(higher));
        ctx.disk().rewrite(records).unwrap();
    });
    run.check().unwrap();
    crash_and_restart(&mut run, 2);
    assert_eq!(run.violated(), "recovered_as_durable");
}

#[test]
fn a_restarted_acceptor_with_a_vote_it_never_cast_breaks_recovered_as_durable() {
    let mut run = healthy();
    crash_and_restart(&mut run, 0);
    corrupt(&mut run, 0, |s| {
        let vote = Vote {
            slot: 9_999,
            ballot: s.promised,
            value: Value::Noop,
        };
        s.accepted.insert(vote.slot, vote);
    });
    assert_eq!(run.violated(), "recovered_as_durable");
}
