//! Every invariant of the raft-rs example catches a violation: a healthy run on a
//! clean network elects a leader and commits entries, then raft-rs's public state,
//! the adapter's state or a disk is changed by hand the way a bug would, and the
//! checker must name the broken property.

use faultline::api::testkit::{random_workload, TestRun};
use faultline::sim::{FaultAction, Target};
use faultline::SECOND;
use raft::eraftpb::Entry;
use raft::StateRole;
use raftrs::api::{Command, KvNode, KvOp, NodeId, World};
use raftrs::messages::Record;
use raftrs::server::Server;
use raftrs::RaftRs;

type Run = TestRun<RaftRs>;

const SERVERS: usize = 5;

fn healthy_run() -> Run {
    let mut run = Run::new(SERVERS, random_workload(3, 2, 60, 0.5), 3, SECOND, &[]);
    run.run_healthy_until(2 * SECOND);
    let leader = leader(&run.world);
    assert!(
        server(&run.world, leader)
            .raft()
            .unwrap()
            .raft_log
            .committed
            > 5
    );
    run
}

fn server(world: &World<KvNode<Server>>, i: u32) -> &Server {
    world.actor(NodeId(i)).and_then(KvNode::as_server).unwrap()
}

fn leader(world: &World<KvNode<Server>>) -> u32 {
    (0..SERVERS as u32)
        .find(|&i| server(world, i).raft().unwrap().state == StateRole::Leader)
        .expect("a leader after two healthy seconds")
}

fn follower(world: &World<KvNode<Server>>) -> u32 {
    (leader(world) + 1) % SERVERS as u32
}

fn corrupt_server(run: &mut Run, i: u32, change: impl FnOnce(&mut Server)) {
    run.corrupt(i, |node| match node {
        KvNode::Server(server) => change(server),
        KvNode::Client(_) => panic!("n{i} is a server"),
    });
}

fn forged_entry(index: u64, term: u64) -> Entry {
    let mut entry = Entry {
        index,
        term,
        ..Entry::default()
    };
    entry.set_data(b"forged".to_vec().into());
    entry
}

/// Writes `record` to server `i`'s disk and fsyncs it, as its adapter would.
fn write_synced(run: &mut Run, i: u32, record: Record) {
    run.world.with_context(NodeId(i), |_, ctx| {
        ctx.disk().append(record);
        ctx.disk().fsync().unwrap();
    });
}

#[test]
fn a_healthy_run_keeps_every_invariant() {
    let mut run = healthy_run();
    run.check().expect("still healthy");
    run.check_end().expect("nothing left to judge");
}

#[test]
fn a_second_leader_in_a_term_breaks_election_safety() {
    let mut run = healthy_run();
    let term = server(&run.world, leader(&run.world)).raft().unwrap().term;
    let f = follower(&run.world);
    corrupt_server(&mut run, f, |s| {
        let raft = &mut s.node.as_mut().unwrap().raft;
        raft.state = StateRole::Leader;
        raft.term = term;
    });
    assert_eq!(run.violated(), "election_safety");
}

#[test]
fn a_term_going_back_breaks_term_monotonic() {
    let mut run = healthy_run();
    let f = follower(&run.world);
    corrupt_server(&mut run, f, |s| s.node.as_mut().unwrap().raft.term -= 1);
    assert_eq!(run.violated(), "term_monotonic");
}

#[test]
fn a_changed_vote_breaks_vote_durable() {
    let mut run = healthy_run();
    let f = follower(&run.world);
    corrupt_server(&mut run, f, |s| {
        let raft = &mut s.node.as_mut().unwrap().raft;
        raft.vote = raft.vote % SERVERS as u64 + 1;
    });
    assert_eq!(run.violated(), "vote_durable");
}

#[test]
fn a_commit_index_going_back_breaks_commit_monotonic() {
    let mut run = healthy_run();
    let f = follower(&run.world);
    corrupt_server(&mut run, f, |s| {
        s.node.as_mut().unwrap().raft.raft_log.committed -= 1
    });
    assert_eq!(run.violated(), "commit_monotonic");
}

#[test]
fn applying_past_the_commit_index_breaks_applied_committed() {
    let mut run = healthy_run();
    let f = follower(&run.world);
    corrupt_server(&mut run, f, |s| {
        s.applied_index = s.raft().unwrap().raft_log.committed + 1;
    });
    assert_eq!(run.violated(), "applied_committed");
}

#[test]
fn a_committed_entry_changed_after_a_restart_breaks_state_machine_safety() {
    let mut run = healthy_run();
    let f = follower(&run.world);
    let crash = FaultAction::Crash {
        target: Target::Node(f),
        restart_after_ns: None,
    };
    run.world.apply_fault(crash);
    run.check()
        .expect("a crashed server is judged when it is back");
    run.world.apply_fault(FaultAction::Restart(Target::Node(f)));
    corrupt_server(&mut run, f, |s| {
        let storage = s.node.as_mut().unwrap().mut_store();
        let entry = storage
            .entries
            .iter_mut()
            .find(|e| !e.get_data().is_empty())
            .unwrap();
        entry.set_data(b"changed".to_vec().into());
    });
    assert_eq!(run.violated(), "state_machine_safety");
}

#[test]
fn two_disks_disagreeing_on_an_entry_break_log_matching() {
    let mut run = healthy_run();
    let f = follower(&run.world);
    let storage = server(&run.world, f).storage().unwrap();
    let entry = storage.entries.last().unwrap();
    let forged = forged_entry(entry.index, entry.term);
    write_synced(&mut run, f, Record::Entries(vec![forged]));
    assert_eq!(run.violated(), "log_matching");
}

#[test]
fn a_commit_held_by_a_minority_of_disks_breaks_committed_durable() {
    let mut run = healthy_run();
    let l = leader(&run.world);
    let commit = server(&run.world, l).raft().unwrap().raft_log.committed;
    let others = (0..SERVERS as u32)
        .filter(|&i| i != l)
        .take(SERVERS / 2 + 1);
    for i in others.collect::<Vec<_>>() {
        // Those disks now say a later term's leader overwrote the entry.
        write_synced(
            &mut run,
            i,
            Record::Entries(vec![forged_entry(commit, 9999)]),
        );
    }
    assert_eq!(run.violated(), "committed_durable");
}

#[test]
fn a_command_applied_twice_breaks_at_most_once() {
    let mut run = healthy_run();
    let f = follower(&run.world);
    corrupt_server(&mut run, f, |s| {
        for seq in 1..=1000 {
            let op = KvOp::Get { key: "k0".into() };
            s.store.apply(&Command {
                client: 99,
                seq,
                op,
            });
        }
    });
    assert_eq!(run.violated_at_end(), "at_most_once");
}
