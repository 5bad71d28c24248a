//! Every Raft invariant catches a violation: a healthy cluster is run until it has a
//! leader and committed entries, then one server's state is corrupted by hand the way
//! a bug would, and the checker must name the broken property.

use faultline_protocols::raft::node::RaftNode;
use faultline_protocols::raft::server::{Role, Server};
use faultline_protocols::raft::Raft;
use faultline_protocols::{Bugs, Protocol, Setup, Workload};
use faultline_sim::disk::UnsyncedOnCrash;
use faultline_sim::{NetworkConfig, NodeId, World, WorldConfig, SECOND};

fn healthy_cluster() -> (Raft, World<RaftNode>) {
    let setup = Setup {
        servers: 3,
        workload: Workload {
            clients: 2,
            keys: 2,
            ops: 40,
            read_ratio: 0.3,
            think_ns_mean: None,
            script: Vec::new(),
        },
        bugs: Bugs::default(),
        options: Default::default(),
        fault_period_ns: 2 * SECOND,
    };
    let mut raft = Raft::build(&setup).unwrap();
    let config = WorldConfig {
        seed: 11,
        server_count: 3,
        client_count: 2,
        network: NetworkConfig::default(),
        unsynced_on_crash: UnsyncedOnCrash::Lost,
        keep_trace: false,
    };
    let mut world = World::new(config, raft.node_factory());
    while world.peek_time().is_some_and(|t| t < 2 * SECOND) {
        world.step();
        raft.check_step(&world)
            .expect("a healthy cluster keeps every invariant");
    }
    assert!(leader(&world).is_some(), "a leader was elected");
    (raft, world)
}

fn leader(world: &World<RaftNode>) -> Option<u32> {
    (0..3).find(|&i| {
        world
            .actor(NodeId(i))
            .and_then(RaftNode::as_server)
            .is_some_and(|s| s.role == Role::Leader)
    })
}

fn corrupt(world: &mut World<RaftNode>, node: u32, change: impl FnOnce(&mut Server)) {
    world.with_context(NodeId(node), |actor, _| match actor {
        RaftNode::Server(server) => change(server),
        RaftNode::Client(_) => panic!("a server"),
    });
}

fn violated(raft: &mut Raft, world: &World<RaftNode>) -> String {
    raft.check_step(world)
        .expect_err("the corruption is caught")
        .property
}

#[test]
fn two_leaders_in_one_term_break_election_safety() {
    let (mut raft, mut world) = healthy_cluster();
    let l = leader(&world).unwrap();
    let term = world
        .actor(NodeId(l))
        .and_then(RaftNode::as_server)
        .unwrap()
        .term;
    let other = (l + 1) % 3;
    corrupt(&mut world, other, |s| {
        s.role = Role::Leader;
        s.term = term;
    });
    assert_eq!(violated(&mut raft, &world), "election_safety");
}

#[test]
fn a_term_going_back_is_caught() {
    let (mut raft, mut world) = healthy_cluster();
    corrupt(&mut world, 0, |s| s.term -= 1);
    assert_eq!(violated(&mut raft, &world), "term_monotonic");
}

#[test]
fn a_forgotten_vote_is_caught() {
    let (mut raft, mut world) = healthy_cluster();
    let l = leader(&world).unwrap();
    corrupt(&mut world, l, |s| s.voted_for = None);
    assert_eq!(violated(&mut raft, &world), "vote_durable");
}

#[test]
fn a_commit_index_going_back_is_caught() {
    let (mut raft, mut world) = healthy_cluster();
    corrupt(&mut world, 1, |s| s.commit_index -= 1);
    assert_eq!(violated(&mut raft, &world), "commit_monotonic");
}

#[test]
fn a_leader_losing_an_entry_breaks_append_only() {
    let (mut raft, mut world) = healthy_cluster();
    let l = leader(&world).unwrap();
    corrupt(&mut world, l, |s| {
        let last = s.log.last_index();
        s.log.truncate_from(last);
        s.commit_index = s.commit_index.min(last - 1);
    });
    let property = violated(&mut raft, &world);
    assert!(
        property == "leader_append_only" || property == "commit_monotonic",
        "{property}"
    );
}

#[test]
fn a_different_entry_at_the_same_index_and_term_breaks_log_matching() {
    use faultline_protocols::raft::messages::{Entry, Payload};
    let (mut raft, mut world) = healthy_cluster();
    let l = leader(&world).unwrap();
    let follower = (l + 1) % 3;
    corrupt(&mut world, l, |s| {
        let entry = Entry {
            term: s.term,
            payload: Payload::Noop,
        };
        s.log.append(entry);
    });
    raft.check_step(&world).unwrap();
    // Give the follower a command where the leader holds a no-op, same index and term.
    let (index, term) = {
        let s = world
            .actor(NodeId(l))
            .and_then(RaftNode::as_server)
            .unwrap();
        (s.log.last_index(), s.term)
    };
    corrupt(&mut world, follower, |s| {
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
    assert_eq!(violated(&mut raft, &world), "log_matching");
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
    let (mut raft, mut world) = healthy_cluster();
    let l = leader(&world).unwrap();
    let (a, b) = ((l + 1) % 3, (l + 2) % 3);
    let term = server(&world, l).term;
    let index = 1
        + (0..3)
            .map(|i| server(&world, i).log.last_index())
            .max()
            .unwrap();
    corrupt(&mut world, a, |s| {
        commit_at(s, index, term, Payload::Command(command(98, "x")))
    });
    corrupt(&mut world, b, |s| {
        commit_at(s, index, term, Payload::Command(command(99, "y")))
    });
    assert_eq!(violated(&mut raft, &world), "state_machine_safety");
}

#[test]
fn a_new_leader_without_a_committed_entry_breaks_leader_completeness() {
    let (mut raft, mut world) = healthy_cluster();
    let l = leader(&world).unwrap();
    let follower = (l + 1) % 3;
    let committed = server(&world, l).commit_index;
    corrupt(&mut world, follower, |s| {
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
    assert_eq!(violated(&mut raft, &world), "leader_completeness");
}

#[test]
fn a_server_that_lacks_a_committed_entry_but_could_win_breaks_electable_completeness() {
    use faultline_protocols::raft::messages::{Entry, Payload};
    let (mut raft, mut world) = healthy_cluster();
    let l = leader(&world).unwrap();
    let follower = (l + 1) % 3;
    let committed = server(&world, l).commit_index;
    // The committed entry replaced by one of a far later term: every log now looks
    // older than this one, so it would collect every vote.
    corrupt(&mut world, follower, |s| {
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
    assert_eq!(violated(&mut raft, &world), "electable_completeness");
}

#[test]
fn a_commit_not_on_a_majority_of_disks_breaks_committed_durable() {
    let (mut raft, mut world) = healthy_cluster();
    for node in 0..3 {
        corrupt(&mut world, node, |s| s.durable_index = 0);
    }
    let first = raft.check_step(&world);
    let property = match first {
        Err(v) => v.property,
        Ok(()) => violated(&mut raft, &world),
    };
    assert_eq!(property, "committed_durable");
}

#[test]
fn more_applies_than_invocations_break_at_most_once() {
    let (mut raft, mut world) = healthy_cluster();
    corrupt(&mut world, 0, |s| {
        for _ in 0..1_000 {
            s.store.apply_unchecked(&command(97, "again"));
        }
    });
    let property = raft
        .check_end(&world)
        .expect_err("the duplicate applies are caught")
        .property;
    assert_eq!(property, "at_most_once");
}
