//! Raft's recovery checks catch violations: a disk that does not give back what a
//! server fsynced, a restarted server that does not hold what its disk gave, and two
//! snapshots of one applied prefix that differ. A healthy cluster is run, then a
//! disk or a server is corrupted by hand the way a bug in replay, recovery or
//! compaction would.

use faultline_protocols::kv::KvStore;
use faultline_protocols::raft::messages::Record;
use faultline_protocols::raft::node::RaftNode;
use faultline_protocols::raft::server::Server;
use faultline_protocols::raft::Raft;
use faultline_protocols::testkit::{random_workload, TestRun};
use faultline_sim::{FaultAction, NodeId, Target, SECOND};

type Run = TestRun<Raft>;

/// A 3-server cluster that has served its clients and is idle.
fn settled_cluster() -> Run {
    let mut run = Run::new(3, random_workload(2, 2, 40, 0.3), 11, 2 * SECOND, &[]);
    run.run_healthy_until(4 * SECOND);
    run
}

fn corrupt(run: &mut Run, node: u32, change: impl FnOnce(&mut Server)) {
    run.corrupt(node, |actor| match actor {
        RaftNode::Server(server) => change(server),
        RaftNode::Client(_) => panic!("a server"),
    });
}

fn server(run: &Run, node: u32) -> &Server {
    run.world
        .actor(NodeId(node))
        .and_then(RaftNode::as_server)
        .expect("a live server")
}

fn crash(run: &mut Run, node: u32) {
    run.world.apply_fault(FaultAction::Crash {
        target: Target::Node(node),
        restart_after_ns: None,
    });
}

#[test]
fn a_healthy_crash_and_restart_recovers_what_was_durable() {
    let mut run = settled_cluster();
    crash(&mut run, 1);
    run.check().unwrap();
    run.world.apply_fault(FaultAction::Restart(Target::Node(1)));
    run.check().unwrap();
    run.run_healthy_until(6 * SECOND);
}

#[test]
fn a_disk_that_loses_a_synced_entry_breaks_recovered_as_durable() {
    let mut run = settled_cluster();
    run.world.with_context(NodeId(1), |_, ctx| {
        let mut records = ctx.disk().records().unwrap().to_vec();
        let last = records
            .iter()
            .rposition(|r| matches!(r, Record::Append { .. }))
            .expect("an appended entry");
        records.remove(last);
        ctx.disk().rewrite(records).unwrap();
    });
    run.check().unwrap();
    crash(&mut run, 1);
    assert_eq!(run.violated(), "recovered_as_durable");
}

#[test]
fn a_restarted_server_that_forgets_an_entry_breaks_recovered_as_durable() {
    let mut run = settled_cluster();
    crash(&mut run, 2);
    run.check().unwrap();
    run.world.apply_fault(FaultAction::Restart(Target::Node(2)));
    corrupt(&mut run, 2, |s| {
        let last = s.log.last_index();
        assert!(last > s.log.snapshot_index, "entries after the snapshot");
        s.log.truncate_from(last);
    });
    assert_eq!(run.violated(), "recovered_as_durable");
}

#[test]
fn two_snapshots_of_one_applied_prefix_that_differ_break_snapshot_matches_applied() {
    let mut run = settled_cluster();
    let applied = server(&run, 0).last_applied;
    assert!(applied > 0 && (0..3).all(|n| server(&run, n).last_applied == applied));
    let term = server(&run, 0).log.term_at(applied).unwrap();
    // n0 compacts into a snapshot that lost its data; n1 into a faithful one.
    corrupt(&mut run, 0, |s| {
        s.log.compact_to(applied, term);
        s.snapshot_copy = Some(KvStore::default());
    });
    run.check().unwrap();
    corrupt(&mut run, 1, |s| {
        s.log.compact_to(applied, term);
        s.snapshot_copy = Some(s.store.clone());
    });
    assert_eq!(run.violated(), "snapshot_matches_applied");
}
