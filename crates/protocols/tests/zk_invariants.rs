//! Every zk invariant catches a violation: a healthy run of the coordination service
//! and its lock clients is stepped until clients have held the lock and written, then
//! a node's state is corrupted by hand the way a bug would, and the checker must name
//! the broken property. Also: bad setups are refused with a clear error.

use faultline_protocols::history::{ClientEvent, ClientEventKind};
use faultline_protocols::lock::fence::AcceptedWrite;
use faultline_protocols::testkit::{random_workload, TestRun};
use faultline_protocols::zk::client::Hold;
use faultline_protocols::zk::node::ZkNode;
use faultline_protocols::zk::ops::ZkOutput;
use faultline_protocols::zk::tree::{ZkMachine, Znode};
use faultline_protocols::zk::Zk;
use faultline_protocols::{Bugs, Protocol, Setup, SetupError};
use faultline_sim::{NodeId, SECOND};
use serde_json::{json, Value};
use std::collections::BTreeMap;

const SERVERS: usize = 4; // three Raft servers and the resource (n3)
const RESOURCE: u32 = 3;
const FIRST_CLIENT: u32 = 4;

/// A healthy run, stepped until the resource has accepted a few writes.
fn healthy() -> TestRun<Zk> {
    let mut run = TestRun::<Zk>::new(SERVERS, random_workload(3, 1, 30, 0.0), 7, 4 * SECOND, &[]);
    let mut until = SECOND;
    while accepted(&run).len() < 3 {
        run.run_healthy_until(until);
        until += SECOND / 2;
        assert!(until < 30 * SECOND, "clients write within 30 s");
    }
    run
}

fn accepted(run: &TestRun<Zk>) -> Vec<AcceptedWrite> {
    let resource = run
        .world
        .actor(NodeId(RESOURCE))
        .and_then(ZkNode::as_resource);
    resource.map_or_else(Vec::new, |r| r.accepted().to_vec())
}

/// Steps on until the checker names a violation (a server's tree is checked when it
/// next applies an entry).
fn violated_soon(run: &mut TestRun<Zk>) -> String {
    let found = (0..100_000).find_map(|_| {
        run.world.step();
        run.check().err()
    });
    found
        .expect("the corrupted server applies another entry")
        .property
}

fn corrupt_tree(run: &mut TestRun<Zk>, server: u32, change: impl FnOnce(&mut ZkMachine)) {
    run.corrupt(server, |node| match node {
        ZkNode::Server(server) => change(&mut server.raft.store),
        _ => unreachable!("n{server} is a server"),
    });
}

#[test]
fn a_client_holding_a_node_that_is_not_the_lowest_breaks_lock_exclusive() {
    let mut run = healthy();
    run.world.with_context(NodeId(FIRST_CLIENT), |node, ctx| {
        let ZkNode::Client(client) = node else {
            unreachable!("n{FIRST_CLIENT} is a client");
        };
        client.hold = Some(Hold {
            path: "/lock/n-bogus-9999999999".into(),
            token: 1,
        });
        ctx.observe(ClientEvent {
            process: u64::from(FIRST_CLIENT),
            kind: ClientEventKind::Ok,
            f: "acquire",
            key: Some("/lock".into()),
            value: Some("1".into()),
        });
    });
    assert_eq!(run.violated(), "lock_exclusive");
}

#[test]
fn a_write_accepted_with_a_lower_token_breaks_fenced_writes() {
    let mut run = healthy();
    run.corrupt(RESOURCE, |node| match node {
        ZkNode::Resource(resource) => resource.fence.accepted.push(AcceptedWrite {
            client: FIRST_CLIENT,
            op: 999,
            token: 0,
            value: "<late>".into(),
        }),
        _ => unreachable!("n{RESOURCE} is the resource"),
    });
    assert_eq!(run.violated(), "fenced_writes");
}

#[test]
fn a_write_the_resource_applied_twice_breaks_writes_as_told() {
    let mut run = healthy();
    run.check_end().expect("the log agrees with the answers");
    run.corrupt(RESOURCE, |node| match node {
        ZkNode::Resource(resource) => {
            let last = resource.fence.accepted.last().cloned().expect("a write");
            resource.fence.accepted.push(last);
        }
        _ => unreachable!("n{RESOURCE} is the resource"),
    });
    assert_eq!(run.violated_at_end(), "writes_as_told");
}

#[test]
fn an_ephemeral_node_of_an_expired_session_breaks_ephemeral_with_session() {
    let mut run = healthy();
    corrupt_tree(&mut run, 0, |tree| {
        tree.expired.insert(77);
        let orphan = Znode {
            czxid: 1,
            owner: Some(77),
        };
        tree.nodes.insert("/lock/n-4d-1-9999999998".into(), orphan);
    });
    assert_eq!(violated_soon(&mut run), "ephemeral_with_session");
}

#[test]
fn a_sequence_number_reused_breaks_sequence_unique() {
    let mut run = healthy();
    corrupt_tree(&mut run, 1, |tree| {
        tree.next_seq.insert("/lock".into(), 0);
        let node = Znode {
            czxid: 1,
            owner: None,
        };
        tree.nodes.insert("/lock/x-0000000000".into(), node);
    });
    assert_eq!(violated_soon(&mut run), "sequence_unique");
}

#[test]
fn a_tree_changed_outside_the_log_breaks_replicas_agree() {
    let mut run = healthy();
    corrupt_tree(&mut run, 2, |tree| {
        tree.next_seq.insert("/elsewhere".into(), 5);
    });
    assert_eq!(violated_soon(&mut run), "replicas_agree");
}

/// The client accepts its last answer again, changed as a stale read or a server
/// answering from its own state would.
fn corrupt_last_answer(run: &mut TestRun<Zk>, change: impl FnOnce(&mut (u64, u64, ZkOutput))) {
    run.corrupt(FIRST_CLIENT, |node| match node {
        ZkNode::Client(client) => {
            let mut answer = client.answers.last().expect("an answer").clone();
            change(&mut answer);
            client.answers.push(answer);
        }
        _ => unreachable!("n{FIRST_CLIENT} is a client"),
    });
}

#[test]
fn an_answer_the_log_did_not_give_breaks_answers_linearizable() {
    let mut run = healthy();
    corrupt_last_answer(&mut run, |answer| answer.2 = ZkOutput::Children(Vec::new()));
    assert_eq!(run.violated(), "answers_linearizable");
}

#[test]
fn an_answer_to_a_request_never_committed_breaks_answers_linearizable() {
    let mut run = healthy();
    corrupt_last_answer(&mut run, |answer| answer.1 += 1_000_000);
    assert_eq!(run.violated(), "answers_linearizable");
}

fn setup(servers: usize, options: &[(&str, Value)]) -> Setup {
    Setup {
        servers,
        workload: random_workload(2, 1, 10, 0.0),
        bugs: Bugs::default(),
        options: options
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
        fault_period_ns: SECOND,
    }
}

#[test]
fn bad_setups_are_refused_with_a_reason() {
    let error = |servers, options: &[(&str, Value)]| match Zk::build(&setup(servers, options)) {
        Err(SetupError::Invalid(reason)) => reason,
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("{servers} nodes with {options:?} accepted"),
    };
    assert!(error(1, &[]).contains("at least 2 nodes"));
    let short = error(4, &[("session_timeout_ms", json!(200))]);
    assert!(short.contains("four election timeouts"), "{short}");
}
