//! The transactional store on Raft runs Raft's own invariant checker over its
//! servers, and each of its checks can fail there too: a healthy run of the store is
//! run until it has a leader and committed transactions, then one server's state is
//! corrupted by hand the way a bug would, and the checker must name the property. A
//! server that applied more transactions than clients invoked (a retry applied twice)
//! breaks `at_most_once` at the end. (The store applying a retry once is
//! `raft_txn::store`'s unit test.)

use faultline_protocols::list_append::KeyOp;
use faultline_protocols::raft::server::Role;
use faultline_protocols::raft_txn::node::TxnNode;
use faultline_protocols::raft_txn::ops::TxnCommand;
use faultline_protocols::raft_txn::service::TxnServerCore;
use faultline_protocols::raft_txn::RaftTxn;
use faultline_protocols::testkit::{random_workload, TestRun};
use faultline_sim::{NodeId, SECOND};

type Run = TestRun<RaftTxn>;

fn healthy() -> Run {
    let mut run = Run::new(3, random_workload(2, 3, 40, 0.5), 5, 2 * SECOND, &[]);
    run.run_healthy_until(2 * SECOND);
    assert!(leader(&run).is_some(), "a leader was elected");
    run
}

fn server(run: &Run, node: u32) -> &TxnServerCore {
    let actor = run.world.actor(NodeId(node)).and_then(TxnNode::as_server);
    &actor.expect("a live server").raft
}

fn leader(run: &Run) -> Option<u32> {
    (0..3).find(|&i| server(run, i).role == Role::Leader)
}

fn corrupt(run: &mut Run, node: u32, change: impl FnOnce(&mut TxnServerCore)) {
    run.corrupt(node, |actor| match actor {
        TxnNode::Server(server) => change(&mut server.raft),
        TxnNode::Client(_) => panic!("a server"),
    });
}

#[test]
fn two_leaders_in_one_term_break_election_safety() {
    let mut run = healthy();
    let l = leader(&run).unwrap();
    let term = server(&run, l).term;
    corrupt(&mut run, (l + 1) % 3, |s| {
        s.role = Role::Leader;
        s.term = term;
    });
    assert_eq!(run.violated(), "election_safety");
}

#[test]
fn a_commit_index_going_back_breaks_commit_monotonic() {
    let mut run = healthy();
    let l = leader(&run).unwrap();
    assert!(server(&run, l).commit_index > 0, "transactions committed");
    corrupt(&mut run, l, |s| s.commit_index -= 1);
    assert_eq!(run.violated(), "commit_monotonic");
}

#[test]
fn more_transactions_applied_than_invoked_break_at_most_once() {
    let mut run = healthy();
    let invoked = run.world.observations().len() as u64;
    let l = leader(&run).unwrap();
    corrupt(&mut run, l, |s| {
        for seq in 0..=invoked {
            let ops = vec![KeyOp {
                key: 0,
                append: Some(seq),
            }];
            s.store.apply(&TxnCommand {
                client: 1_000 + seq,
                seq: 1,
                ops,
            });
        }
    });
    assert_eq!(run.violated_at_end(), "at_most_once");
}
