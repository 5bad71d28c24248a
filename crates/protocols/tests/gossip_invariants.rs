//! The gossip example's invariant catches a violation: a healthy run is stepped
//! until rumors have spread, then a node's application is handed a rumor again
//! (or one older than everything it forgot) by hand, the way a bug would, and the
//! checker must name `delivered_once`, at the end and within one round of the
//! per-event check. Also: memory stays within its bound, and bad options are
//! refused with a clear error.

use faultline_protocols::examples::gossip::node::RumorId;
use faultline_protocols::examples::gossip::{Gossip, DELIVERED_ONCE};
use faultline_protocols::testkit::TestRun;
use faultline_protocols::{Bugs, Protocol, Setup, SetupError, Workload};
use faultline_sim::{MILLISECOND, SECOND};
use serde_json::{json, Value};

const NODES: usize = 20;
const MEMORY: usize = 16;

fn healthy() -> TestRun<Gossip> {
    let no_clients = Workload {
        clients: 0,
        ..Workload::default()
    };
    let options = [("memory", json!(MEMORY))];
    let mut t = TestRun::<Gossip>::new(NODES, no_clients, 3, SECOND, &options);
    t.run_healthy_until(2 * SECOND);
    t
}

#[test]
fn a_healthy_run_spreads_rumors_within_bounded_memory() {
    let mut t = healthy();
    for node in t.world.actors().iter().flatten() {
        assert!(
            node.audit.delivered > 50,
            "{} delivered",
            node.audit.delivered
        );
        assert_eq!(node.remembered(), MEMORY, "full, and no fuller");
    }
    t.check_end().expect("no repeats");
}

#[test]
fn a_rumor_delivered_again_is_named() {
    let mut t = healthy();
    t.corrupt(7, |node| {
        let id = node.audit.latest().expect("delivered some");
        node.audit.delivered(id);
    });
    assert_eq!(t.violated_at_end(), DELIVERED_ONCE.name);
}

#[test]
fn a_rumor_older_than_the_forgotten_ones_is_named() {
    let mut t = healthy();
    let ancient = RumorId {
        born_ns: MILLISECOND,
        origin: 0,
        seq: 0,
    };
    t.corrupt(12, |node| node.audit.delivered(ancient));
    assert_eq!(t.violated_at_end(), DELIVERED_ONCE.name);
}

#[test]
fn the_per_event_check_names_it_within_one_round_of_the_nodes() {
    let mut t = healthy();
    t.corrupt(19, |node| {
        let id = node.audit.latest().expect("delivered some");
        node.audit.delivered(id);
    });
    let found = (0..NODES).find_map(|_| t.check().err());
    let violation = found.expect("named within one check per node");
    assert_eq!(violation.property, DELIVERED_ONCE.name);
    assert!(violation.detail.starts_with("n19 "), "{}", violation.detail);
}

fn refusal(options: Value) -> String {
    let setup = Setup {
        servers: NODES,
        workload: Workload::default(),
        bugs: Bugs::default(),
        options: serde_json::from_value(options).unwrap(),
        fault_period_ns: SECOND,
    };
    match Gossip::build(&setup) {
        Err(SetupError::Invalid(why)) => why,
        other => panic!("expected a refusal, got {:?}", other.err()),
    }
}

#[test]
fn bad_options_are_refused_with_the_reason() {
    assert_eq!(refusal(json!({ "fanout": 0 })), "fanout must be 1 to 64");
    assert_eq!(refusal(json!({ "fanout": 65 })), "fanout must be 1 to 64");
    assert_eq!(
        refusal(json!({ "interval_us": 0 })),
        "interval_us must be positive"
    );
    assert!(refusal(json!({ "memory": 0 })).starts_with("memory must be"));
}
