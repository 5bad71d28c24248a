//! Every lock invariant catches a violation: a healthy run (single service or Redlock)
//! is stepped until a client holds the lock and the resource has accepted writes, then
//! a node's state is corrupted by hand the way a bug would, and the checker must name
//! the broken property. Also: a paused holder is counted as "two clients believe they
//! hold it" without failing anything (the fence refuses its late write), and bad
//! setups are refused with a clear error.

use faultline_protocols::history::{ClientEvent, ClientEventKind};
use faultline_protocols::lock::client::Held;
use faultline_protocols::lock::node::LockNode;
use faultline_protocols::lock::resource::AcceptedWrite;
use faultline_protocols::lock::Lock;
use faultline_protocols::{Bugs, Protocol, Setup, SetupError, Workload};
use faultline_sim::disk::UnsyncedOnCrash;
use faultline_sim::fault::{FaultAction, Target};
use faultline_sim::{NetworkConfig, NodeId, World, WorldConfig, SECOND};
use serde_json::{json, Value};
use std::collections::BTreeMap;

const CLIENTS: usize = 3;

fn setup(servers: usize, options: &[(&str, Value)]) -> Setup {
    Setup {
        servers,
        workload: Workload {
            clients: CLIENTS,
            ops: 120,
            ..Workload::default()
        },
        bugs: Bugs::default(),
        options: options
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
        fault_period_ns: 4 * SECOND,
    }
}

fn start(servers: usize, options: &[(&str, Value)]) -> (Lock, World<LockNode>) {
    let lock = Lock::build(&setup(servers, options)).unwrap();
    let config = WorldConfig {
        seed: 5,
        server_count: servers,
        client_count: CLIENTS,
        network: NetworkConfig::default(),
        unsynced_on_crash: UnsyncedOnCrash::Lost,
        keep_trace: false,
    };
    let world = World::new(config, lock.node_factory());
    (lock, world)
}

fn single() -> (Lock, World<LockNode>) {
    start(3, &[])
}

fn redlock() -> (Lock, World<LockNode>) {
    start(6, &[("service", json!("redlock"))])
}

/// Steps (checking every invariant) until a client has just accepted a lease, with
/// at least two writes accepted by the resource before; returns that client.
fn until_held(lock: &mut Lock, world: &mut World<LockNode>) -> u32 {
    let resource = lock.config().resource;
    loop {
        let seen = world.observations().len();
        assert!(world.step(), "the run goes on");
        lock.check_step(world)
            .expect("a healthy run keeps every invariant");
        let writes = world
            .actor(resource)
            .and_then(LockNode::as_resource)
            .map_or(0, |r| r.fence.accepted.len());
        let new = &world.observations()[seen..];
        let accepted = new
            .iter()
            .find(|o| o.value.f == "acquire" && o.value.kind == ClientEventKind::Ok);
        if let Some(accepted) = accepted.filter(|_| writes >= 2) {
            return accepted.node.0;
        }
    }
}

fn held(world: &World<LockNode>, client: u32) -> Held {
    let actor = world.actor(NodeId(client)).and_then(LockNode::as_client);
    actor.and_then(|c| c.held).expect("holds the lock")
}

/// Makes `client` believe it was just granted `token`, as a client would record it.
fn accept_by_hand(world: &mut World<LockNode>, client: u32, token: u64, valid_for_ns: u64) {
    world.with_context(NodeId(client), |node, ctx| {
        let LockNode::Client(c) = node else {
            panic!("a client")
        };
        c.held = Some(Held {
            token,
            valid_until_ns: ctx.now() + valid_for_ns,
        });
        ctx.observe(ClientEvent {
            process: u64::from(client),
            kind: ClientEventKind::Ok,
            f: "acquire",
            key: Some("lock".into()),
            value: Some(token.to_string()),
        });
    });
}

fn violated(lock: &mut Lock, world: &World<LockNode>) -> String {
    lock.check_step(world)
        .expect_err("the corruption is caught")
        .property
}

fn another_client(world: &World<LockNode>, not: u32) -> u32 {
    let first = world.server_count() as u32;
    (first..first + CLIENTS as u32).find(|&c| c != not).unwrap()
}

#[test]
fn a_resource_accepting_a_lower_token_breaks_fenced_writes() {
    for (mut lock, mut world) in [single(), redlock()] {
        until_held(&mut lock, &mut world);
        let resource = lock.config().resource;
        world.with_context(resource, |node, _| {
            let LockNode::Resource(r) = node else {
                panic!("the resource")
            };
            let last = r.fence.accepted.last().cloned().unwrap();
            r.fence.accepted.push(AcceptedWrite {
                client: last.client,
                op: last.op + 1,
                token: last.token - 1,
                value: "<stale>".into(),
            });
        });
        assert_eq!(violated(&mut lock, &world), "fenced_writes");
    }
}

#[test]
fn a_second_lease_while_one_runs_breaks_leases_disjoint() {
    for (mut lock, mut world) in [single(), redlock()] {
        let holder = until_held(&mut lock, &mut world);
        let token = held(&world, holder).token;
        let other = another_client(&world, holder);
        accept_by_hand(&mut world, other, token + 1, SECOND);
        assert_eq!(violated(&mut lock, &world), "leases_disjoint");
    }
}

#[test]
fn a_token_handed_out_again_breaks_tokens_increase() {
    for (mut lock, mut world) in [single(), redlock()] {
        let holder = until_held(&mut lock, &mut world);
        let token = held(&world, holder).token;
        // The holder itself, so no other client's lease is in the way.
        accept_by_hand(&mut world, holder, token, SECOND);
        assert_eq!(violated(&mut lock, &world), "tokens_increase");
    }
}

#[test]
fn a_lease_that_ended_by_its_holders_clock_is_no_overlap() {
    let (mut lock, mut world) = single();
    let holder = until_held(&mut lock, &mut world);
    let token = held(&world, holder).token;
    let ends = held(&world, holder).valid_until_ns;
    let other = another_client(&world, holder);
    // The holder's clock jumps past its lease's end: its window is over.
    let jump = (ends - world.clock(NodeId(holder)).local(world.now())) as i64 + 1;
    world.apply_fault(FaultAction::ClockJump {
        target: Target::Node(holder),
        by_ns: jump,
    });
    accept_by_hand(&mut world, other, token + 1, SECOND);
    lock.check_step(&world)
        .expect("no lease runs any more, and the token is higher");
}

/// The holder is paused for longer than its lease: another client gets the lock while
/// the first still believes it holds it (counted), and the late write is fenced off.
#[test]
fn a_paused_holder_is_counted_and_fenced_off() {
    for (mut lock, mut world) in [single(), redlock()] {
        until_held(&mut lock, &mut world);
        let pause = FaultAction::Pause {
            target: Target::Role("holder".into()),
            resume_after_ns: Some(2 * SECOND),
        };
        world.apply_fault(pause);
        assert!(world.applied_faults().last().unwrap().skipped.is_none());
        let end = world.now() + 6 * SECOND;
        while world.peek_time().is_some_and(|t| t <= end) {
            world.step();
            lock.check_step(&world)
                .expect("fencing keeps every invariant");
        }
        assert!(
            lock.believed_together() >= 1,
            "two clients believed at once"
        );
        let fenced_off = world
            .observations()
            .iter()
            .any(|o| o.value.f == "write" && o.value.kind == ClientEventKind::Fail);
        assert!(fenced_off, "the paused holder's late write was refused");
    }
}

#[test]
fn bad_setups_are_refused_with_a_reason() {
    let refused = |servers, options: &[(&str, Value)]| -> SetupError {
        Lock::build(&setup(servers, options))
            .err()
            .expect("refused")
    };
    assert!(refused(5, &[]).to_string().contains("3 nodes"));
    assert!(refused(1, &[("service", json!("redlock"))])
        .to_string()
        .contains("at least 2"));
    assert!(refused(3, &[("service", json!("paxos"))])
        .to_string()
        .contains("one of \"single\" \"redlock\""));
    let allowance = refused(
        3,
        &[("ttl_ms", json!(30)), ("drift_allowance_ms", json!(10))],
    );
    assert!(allowance.to_string().contains("third"), "{allowance}");
    let failover = refused(3, &[("failover_ms", json!(50))]);
    assert!(failover.to_string().contains("heartbeat"), "{failover}");
    let huge = refused(3, &[("ttl_ms", json!(u64::MAX))]);
    assert!(huge.to_string().contains("too long"), "{huge}");
    assert!(Lock::build(&setup(3, &[("ttl_ms", json!(500))])).is_ok());
}

#[test]
fn a_write_the_resource_logged_twice_or_lost_breaks_writes_as_told() {
    for (mut lock, mut world) in [single(), redlock()] {
        until_held(&mut lock, &mut world);
        lock.check_end(&world)
            .expect("the log agrees with the answers");
        let resource = lock.config().resource;
        let fence = |world: &mut World<LockNode>, edit: fn(&mut Vec<AcceptedWrite>)| {
            world.with_context(resource, |node, _| {
                let LockNode::Resource(r) = node else {
                    panic!("the resource")
                };
                edit(&mut r.fence.accepted);
            });
        };
        fence(&mut world, |log| log.push(log.last().cloned().unwrap()));
        let twice = lock.check_end(&world).expect_err("applied twice").property;
        assert_eq!(twice, "writes_as_told");
        fence(&mut world, |log| {
            log.pop();
            log.pop();
        });
        let lost = lock
            .check_end(&world)
            .expect_err("an ok write lost")
            .property;
        assert_eq!(lost, "writes_as_told");
    }
}
