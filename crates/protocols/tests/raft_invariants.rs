//! Every Raft invariant catches a violation: a healthy cluster is run until it has a
//! leader and committed entries, then one server's state is corrupted by hand the way
//! a bug would, and the checker must name the broken property.

use faultline_protocols::raft::node::RaftNode;
use faultline_protocols::raft::server::{Role, Server};
use faultline_protocols::raft::Raft;
use faultline_protocols::testkit::{random_workload, TestRun};
use faultline_sim::{NodeId, World, SECOND};

type Run = TestRun<Raft>;

fn healthy_cluster() -> Run {
    let mut run = Run::new(3, random_workload(2, 2, 40, 0.3), 11, 2 * SECOND, &[]);
    run.run_healthy_until(2 * SECOND);
    assert!(leader(&run.world).is_some(), "a leader was elected");
    run
}

fn leader(world: &World<RaftNode>) -> Option<u32> {
    (0..3).find(|&i| {
        world
            .actor(NodeId(i))
            .and_then(RaftNode::as_server)
            .is_some_and(|s| s.role == Role::Leader)
    })
}

fn corrupt(run: &mut Run, node: u32, change: impl FnOnce(&mut Server)) {
    run.corrupt(node, |actor| match actor {
        RaftNode::Server(server) => change(server),
        RaftNode::Client(_) => panic!("a server"),
    });
}

#[test]
fn two_leaders_in_one_term_break_election_safety() {
    let mut run = healthy_cluster();
    let l = leader(&run.world).unwrap();
    let term = run
        .world
        .actor(NodeId(l))
        .and_then(RaftNode::as_server)
        .unwrap()
        .term;
    let other = (l + 1) % 3;
    corrupt(&mut run, other, |s| {
        s.role = Role::Leader;
        s.term = term;
    });
    assert_eq!(run.violated(), "election_safety");
}

#[test]
fn a_term_going_back_is_caught() {
    let mut run = healthy_cluster();
    corrupt(&mut run, 0, |s| s.term -= 1);
    assert_eq!(run.violated(), "term_monotonic");
}

#[test]
fn a_forgotten_vote_is_caught() {
    let mut run = healthy_cluster();
    let l = leader(&run.world).unwrap();
    corrupt(&mut run, l, |s| s.voted_for = None);
    assert_eq!(run.violated(), "vote_durable");
}

#[test]
fn a_commit_index_going_back_is_caught() {
    let mut run = healthy_cluster();
    corrupt(&mut run, 1, |s| s.commit_index -= 1);
    assert_eq!(run.violated(), "commit_monotonic");
}

#[test]
fn a_leader_losing_an_entry_breaks_append_only() {
    let mut run = healthy_cluster();
    let l = leader(&run.world).unwrap();
    corrupt(&mut run, l, |s| {
        let last = s.log.last_index();
        s.log.truncate_from(last);
        s.commit_index = s.commit_index.min(last - 1);
    });
    let property = run.violated();
    assert!(
        property == "leader_append_only" || property == "commit_monotonic",
        "{property}"
    );
}

#[test]
fn a_different_entry_at_the_same_index_and_term_breaks_log_matching() {
    use faultline_protocols::raft::messages::{Entry, Payload};
    let mut run = healthy_cluster();
    let l = leader(&run.world).unwrap();
    let follower = (l + 1) % 3;
    corrupt(&mut run, l, |s| {
        let entry = Entry {
            term: s.term,
            payload: Payload::Noop,
        };
        s.log.append(entry);
    });
    run.check().unwrap();
    // Give the follower a command where the leader holds a no-op, same index and term.
    let (index, term) = {
        let s = run
            .world
            .actor(NodeId(l))
            .and_then(RaftNode::as_server)
            .unwrap();
        (s.log.last_index(), s.term)
    };
    corrupt(&mut run, follower, |s| {
        if s.log.last_index() >= index {
            s.log.truncate_from(index);
        }
        while s.log.last_index() + 1 < index {
            s.log.append(Entry {
                term,
                payload: Payload::Noop,
            });
        }
        let command = faultline_protocols::kv::Command {
            client: 99,
            seq: 1,
            op: faultline_protocols::kv::KvOp::Get { key: "k".into() },
        };
        s.log.append(Entry {
            term,
            payload: Payload::Command(command),
        });
    });
    assert_eq!(run.violated(), "log_matching");
}

fn server(world: &World<RaftNode>, node: u32) -> &Server {
    world
        .actor(NodeId(node))
        .and_then(RaftNode::as_server)
        .expect("a live server")
}

fn command(client: u64, value: &str) -> faultline_protocols::kv::Command {
    faultline_protocols::kv::Command {
        client,
        seq: 1,
        op: faultline_protocols::kv::KvOp::Put {
            key: "k".into(),
            value: value.into(),
        },
    }
}

/// Pads `s`'s log with no-ops of `term` up to `index - 1`, then puts `payload` at
/// `index` and marks it committed.
fn commit_at(
    s: &mut Server,
    index: u64,
    term: u64,
    payload: faultline_protocols::raft::messages::Payload,
) {
    use faultline_protocols::raft::messages::{Entry, Payload};
    while s.log.last_index() + 1 < index {
        s.log.append(Entry {
            term,
            payload: Payload::Noop,
        });
    }
    s.log.append(Entry { term, payload });
    s.commit_index = index;
}

#[test]
fn two_different_commands_committed_at_one_index_break_state_machine_safety() {
    use faultline_protocols::raft::messages::Payload;
    let mut run = healthy_cluster();
    let l = leader(&run.world).unwrap();
    let (a, b) = ((l + 1) % 3, (l + 2) % 3);
    let term = server(&run.world, l).term;
    let index = 1
        + (0..3)
            .map(|i| server(&run.world, i).log.last_index())
            .max()
            .unwrap();
    corrupt(&mut run, a, |s| {
        commit_at(s, index, term, Payload::Command(command(98, "x")))
    });
    corrupt(&mut run, b, |s| {
        commit_at(s, index, term, Payload::Command(command(99, "y")))
    });
    assert_eq!(run.violated(), "state_machine_safety");
}

#[test]
fn a_new_leader_without_a_committed_entry_breaks_leader_completeness() {
    let mut run = healthy_cluster();
    let l = leader(&run.world).unwrap();
    let follower = (l + 1) % 3;
    let committed = server(&run.world, l).commit_index;
    corrupt(&mut run, follower, |s| {
        assert!(
            committed > s.log.snapshot_index,
            "the entry is still in the log"
        );
        if s.log.last_index() >= committed {
            s.log.truncate_from(committed);
        }
        s.term += 1;
        s.voted_for = Some(s.id);
        s.role = Role::Leader;
    });
    assert_eq!(run.violated(), "leader_completeness");
}

#[test]
fn a_server_that_lacks_a_committed_entry_but_could_win_breaks_electable_completeness() {
    use faultline_protocols::raft::messages::{Entry, Payload};
    let mut run = healthy_cluster();
    let l = leader(&run.world).unwrap();
    let follower = (l + 1) % 3;
    let committed = server(&run.world, l).commit_index;
    // The committed entry replaced by one of a far later term: every log now looks
    // older than this one, so it would collect every vote.
    corrupt(&mut run, follower, |s| {
        if s.log.last_index() >= committed {
            s.log.truncate_from(committed);
        }
        while s.log.last_index() < committed {
            s.log.append(Entry {
                term: 1_000,
                payload: Payload::Noop,
            });
        }
    });
    assert_eq!(run.violated(), "electable_completeness");
}

#[test]
fn a_commit_not_on_a_majority_of_disks_breaks_committed_durable() {
    let mut run = healthy_cluster();
    for node in 0..3 {
        corrupt(&mut run, node, |s| s.durable_index = 0);
    }
    let first = run.check();
    let property = match first {
        Err(v) => v.property,
        Ok(()) => run.violated(),
    };
    assert_eq!(property, "committed_durable");
}

#[test]
fn more_applies_than_invocations_break_at_most_once() {
    let mut run = healthy_cluster();
    corrupt(&mut run, 0, |s| {
        for _ in 0..1_000 {
            s.store.apply_unchecked(&command(97, "again"));
        }
    });
    let property = run.violated_at_end();
    assert_eq!(property, "at_most_once");
}
