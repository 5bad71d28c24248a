//! What each classic Raft scenario promises beyond the generic invariants, asserted on
//! the omniscient state while a small driver runs it: one stable leader without
//! faults; no leader without a quorum; nothing commits without a majority; a follower
//! behind a compaction comes back through a snapshot; a reconnected follower's log
//! matches the leader's. (The scenario files in `scenarios/raft/` run the same shapes
//! through the harness, with linearizability and liveness.)

use faultline_protocols::raft::node::RaftNode;
use faultline_protocols::raft::server::{Role, Server};
use faultline_protocols::raft::Raft;
use faultline_protocols::testkit::{random_workload, TestRun};
use faultline_protocols::Protocol;
use faultline_sim::fault::{FaultAction, PartitionShape, Target};
use faultline_sim::{Nanos, NodeId, MILLISECOND, SECOND};
use serde_json::Value;

struct Run {
    test: TestRun<Raft>,
    servers: u32,
}

fn start(servers: u32, ops: usize, options: &[(&str, Value)], fault_period_ns: Nanos) -> Run {
    let workload = random_workload(3, 3, ops, 0.3);
    let test = TestRun::new(servers as usize, workload, 7, fault_period_ns, options);
    Run { test, servers }
}

impl Run {
    /// Steps until `until_ns`, checking every invariant after each event.
    fn run_until(&mut self, until_ns: Nanos) {
        self.test.run_healthy_until(until_ns);
    }

    fn server(&self, node: u32) -> Option<&Server> {
        self.test
            .world
            .actor(NodeId(node))
            .and_then(RaftNode::as_server)
    }

    fn leaders(&self) -> Vec<(u32, u64)> {
        (0..self.servers)
            .filter_map(|i| self.server(i).map(|s| (i, s)))
            .filter(|(_, s)| s.role == Role::Leader)
            .map(|(i, s)| (i, s.term))
            .collect()
    }

    fn max_commit(&self) -> u64 {
        (0..self.servers)
            .filter_map(|i| self.server(i))
            .map(|s| s.commit_index)
            .max()
            .unwrap_or(0)
    }

    /// Heals everything, runs the quiet period and requires every operation done.
    fn finish(&mut self, quiet_ns: Nanos) {
        let now = self.test.world.now();
        self.test.world.schedule_fault(now, FaultAction::RecoverAll);
        self.run_until(now + quiet_ns);
        assert_eq!(
            self.test.protocol.unfinished_ops(&self.test.world),
            0,
            "clients finished"
        );
    }
}

fn partition(groups: &[&[u32]]) -> FaultAction {
    FaultAction::Partition(PartitionShape::Groups(
        groups.iter().map(|g| g.to_vec()).collect(),
    ))
}

#[test]
fn without_faults_one_leader_is_elected_and_the_term_stays_put() {
    let mut run = start(3, 40, &[], 3 * SECOND);
    run.run_until(SECOND);
    let leaders = run.leaders();
    assert_eq!(leaders.len(), 1, "one leader: {leaders:?}");
    run.run_until(3 * SECOND);
    assert_eq!(run.leaders(), leaders, "same leader, same term");
    run.finish(2 * SECOND);
}

#[test]
fn a_disconnected_leader_is_replaced_and_no_leader_without_quorum() {
    let mut run = start(3, 60, &[], 6 * SECOND);
    run.run_until(SECOND);
    let [(old, old_term)] = run.leaders()[..] else {
        panic!("one leader")
    };
    run.test.world.schedule_fault(
        SECOND,
        FaultAction::Partition(PartitionShape::Isolate(Target::Node(old))),
    );
    run.run_until(2500 * MILLISECOND);
    let others: Vec<_> = run
        .leaders()
        .into_iter()
        .filter(|&(l, _)| l != old)
        .collect();
    assert!(
        others.len() == 1 && others[0].1 > old_term,
        "a new leader: {others:?}"
    );
    run.test
        .world
        .schedule_fault(2500 * MILLISECOND, FaultAction::Heal);
    run.test
        .world
        .schedule_fault(3500 * MILLISECOND, partition(&[&[0], &[1], &[2]]));
    // CheckQuorum: within two check periods the leader has stepped down.
    run.run_until(4200 * MILLISECOND);
    assert!(run.leaders().is_empty(), "no leader without a quorum");
    run.run_until(5 * SECOND);
    assert!(run.leaders().is_empty(), "still none");
    run.test.world.schedule_fault(5 * SECOND, FaultAction::Heal);
    run.run_until(6 * SECOND);
    assert_eq!(run.leaders().len(), 1, "a leader once quorum is back");
    run.finish(5 * SECOND);
}

#[test]
fn nothing_commits_while_three_of_five_are_cut_off() {
    let mut run = start(5, 90, &[], 5 * SECOND);
    run.run_until(SECOND);
    run.test
        .world
        .schedule_fault(SECOND, partition(&[&[0, 1], &[2], &[3], &[4]]));
    // Let anything already in flight land, then nothing more may commit.
    run.run_until(SECOND + 100 * MILLISECOND);
    let committed = run.max_commit();
    run.run_until(4 * SECOND);
    assert_eq!(run.max_commit(), committed, "no commit without a majority");
    run.test.world.schedule_fault(4 * SECOND, FaultAction::Heal);
    run.run_until(5 * SECOND);
    assert!(
        run.max_commit() > committed,
        "commits resume after the heal"
    );
    run.finish(5 * SECOND);
}

#[test]
fn a_follower_behind_a_compaction_catches_up_through_a_snapshot() {
    let options = [("snapshot_every", Value::from(8))];
    let mut run = start(3, 150, &options, 5 * SECOND);
    run.test.world.schedule_fault(
        500 * MILLISECOND,
        FaultAction::Partition(PartitionShape::Isolate(Target::Node(2))),
    );
    run.run_until(3500 * MILLISECOND);
    let behind = run.server(2).unwrap().log.last_index();
    let compacted = (0..2)
        .map(|i| run.server(i).unwrap().log.snapshot_index)
        .min()
        .unwrap();
    assert!(
        compacted > behind,
        "the others compacted past n2 ({compacted} > {behind})"
    );
    run.test
        .world
        .schedule_fault(3500 * MILLISECOND, FaultAction::Heal);
    run.finish(3 * SECOND);
    let n2 = run.server(2).unwrap();
    assert!(n2.log.snapshot_index > behind, "n2 installed a snapshot");
    let n0 = run.server(0).unwrap();
    assert_eq!(n2.store, n0.store, "same state machine");
}

#[test]
fn a_reconnected_follower_catches_up_and_its_log_matches() {
    let options = [("snapshot_every", Value::from(0))];
    let mut run = start(3, 120, &options, 5 * SECOND);
    run.test.world.schedule_fault(
        SECOND,
        FaultAction::Partition(PartitionShape::Isolate(Target::Node(2))),
    );
    run.run_until(4 * SECOND);
    run.test.world.schedule_fault(4 * SECOND, FaultAction::Heal);
    run.finish(3 * SECOND);
    let logs: Vec<_> = (0..3).map(|i| &run.server(i).unwrap().log).collect();
    let commit = run.server(2).unwrap().commit_index;
    assert!(commit > 0);
    for index in 1..=commit {
        let n2 = logs[2].entry(index);
        assert!(
            n2.is_some() && n2 == logs[0].entry(index),
            "entry {index} matches"
        );
    }
}

/// What building Raft with `options` refuses, and why.
fn refusal(options: Value) -> String {
    let setup = faultline_protocols::Setup {
        servers: 3,
        workload: faultline_protocols::Workload::default(),
        bugs: faultline_protocols::Bugs::default(),
        options: serde_json::from_value(options).unwrap(),
        fault_period_ns: SECOND,
    };
    match Raft::build(&setup) {
        Err(faultline_protocols::SetupError::Invalid(why)) => why,
        other => panic!("expected a refusal, got {:?}", other.err()),
    }
}

#[test]
fn timing_raft_cannot_run_with_is_refused() {
    let zero_election = refusal(serde_json::json!({ "election_timeout_ms": 0 }));
    assert!(
        zero_election.starts_with("election_timeout_ms must be 1 to"),
        "{zero_election}"
    );
    let slow_heartbeat = serde_json::json!({ "heartbeat_ms": 150, "election_timeout_ms": 150 });
    assert!(refusal(slow_heartbeat).contains("below election_timeout_ms (150)"));
    assert!(refusal(serde_json::json!({ "heartbeat_ms": 0 })).contains("at least 1"));
    let no_entries = refusal(serde_json::json!({ "entries_per_message": 0 }));
    assert_eq!(no_entries, "entries_per_message must be at least 1");
    let appends = refusal(serde_json::json!({ "append_percent": 101 }));
    assert_eq!(
        appends, "append_percent must be 0 to 100",
        "the client's options too"
    );
}
