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
            skip: 0,
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
