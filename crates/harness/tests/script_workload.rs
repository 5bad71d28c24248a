//! A scripted workload runs exactly its operations: each client invokes its entries in
//! order, each no earlier than its `at` and never two at once, and nothing else.

use faultline_harness::Registry;
use faultline_harness::{run, RunOptions, Scenario, Verdict};
use faultline_protocols::BuiltinProtocols;
use faultline_protocols::ClientEventKind;
use faultline_sim::MILLISECOND;

const SCRIPTED: &str = r#"{
  "name": "scripted",
  "protocol": { "kind": "raft", "nodes": 3 },
  "workload": { "script": [
    { "at": "400ms", "client": 0, "f": "put", "key": "k0", "value": "<a>" },
    { "at": "400ms", "client": 1, "f": "append", "key": "k0", "value": "<b>" },
    { "at": "401ms", "client": 0, "f": "get", "key": "k0" },
    { "at": "900ms", "client": 1, "f": "get", "key": "k0" }
  ] },
  "faults": { "schedule": [ { "at": "450ms", "crash": "leader", "for": "200ms" } ] },
  "duration": "1s",
  "quiet": "5s"
}"#;

#[test]
fn a_script_runs_exactly_its_operations_in_order_and_on_time() {
    let scenario = Scenario::parse(SCRIPTED, "scripted.json", &Registry::builtin()).unwrap();
    assert_eq!(
        scenario.clients(),
        2,
        "one more than the highest client named"
    );
    let outcome = run(&scenario, &RunOptions::default()).unwrap();
    assert_eq!(outcome.verdict, Verdict::Pass, "{:?}", outcome.detail);
    let invoked: Vec<(u32, &str, Option<&str>, u64)> = outcome
        .history
        .iter()
        .filter(|e| e.value.kind == ClientEventKind::Invoke)
        .map(|e| (e.node.0 - 3, e.value.f, e.value.value.as_deref(), e.time_ns))
        .collect();
    assert_eq!(invoked.len(), 4, "every entry, once: {invoked:?}");
    let at_ms = [400, 400, 401, 900];
    let mut by_client: Vec<Vec<(&str, Option<&str>, u64)>> = vec![Vec::new(); 2];
    for &(client, f, value, time) in &invoked {
        by_client[client as usize].push((f, value, time));
    }
    let ops = |c: usize| by_client[c].iter().map(|e| (e.0, e.1)).collect::<Vec<_>>();
    assert_eq!(ops(0), [("put", Some("<a>")), ("get", None)]);
    assert_eq!(ops(1), [("append", Some("<b>")), ("get", None)]);
    let put_at = by_client[0][0].2;
    assert_eq!(put_at, at_ms[0] * MILLISECOND, "invoked at its time");
    assert_eq!(
        by_client[1][0].2,
        at_ms[1] * MILLISECOND,
        "invoked at its time"
    );
    assert!(
        by_client[0][1].2 > put_at,
        "the get waits for the put to complete"
    );
    assert!(
        by_client[1][1].2 >= at_ms[3] * MILLISECOND,
        "no earlier than its time"
    );
}

/// An operation scripted after the run can end would never start, and the run
/// would be stuck for no fault of the protocol's (a shrinker that cut the duration
/// once wrote such files): validation refuses it, at the entry.
#[test]
fn an_operation_scripted_past_the_end_of_the_run_is_refused() {
    let source = r#"{"protocol": {"kind": "lock", "nodes": 3}, "duration": "1ms", "quiet": "20s",
 "workload": {"script": [{"at": "10ms", "client": 0, "f": "acquire", "key": "lock"},
                         {"at": "28s", "client": 0, "f": "release", "key": "lock"}]}}"#;
    let error = Scenario::parse(source, "late.json", &Registry::builtin()).expect_err("refused");
    assert_eq!(error.path, "workload.script[1].at");
    assert_eq!(error.line, 3);
    assert!(error.message.contains("would never start"), "{error}");
    let in_time = source.replace("28s", "19s");
    Scenario::parse(&in_time, "late.json", &Registry::builtin()).expect("valid");
}

#[test]
fn a_key_may_be_omitted_only_by_operations_without_one() {
    let kv = r#"{"protocol": {"kind": "raft", "nodes": 3}, "duration": "1s", "quiet": "5s",
 "workload": {"script": [{"at": "10ms", "client": 0, "f": "get"}]}}"#;
    let error = Scenario::parse(kv, "kv.json", &Registry::builtin()).expect_err("refused");
    assert_eq!(error.path, "workload.script[0].key");
    assert!(error.message.contains("non-empty key"), "{error}");
    let txn = r#"{"protocol": {"kind": "twopc", "nodes": 3, "workload": "list_append"},
 "duration": "1s", "quiet": "5s",
 "workload": {"script": [{"at": "10ms", "client": 0, "f": "txn", "value": "[[:append 0 1]]"}]}}"#;
    Scenario::parse(txn, "txn.json", &Registry::builtin()).expect("valid");
    let keyed = txn.replace("\"f\": \"txn\"", "\"f\": \"txn\", \"key\": \"k0\"");
    let error = Scenario::parse(&keyed, "txn.json", &Registry::builtin()).expect_err("refused");
    assert_eq!(error.path, "workload.script[0].key");
    let bank = txn.replace(", \"workload\": \"list_append\"", "");
    let error = Scenario::parse(&bank, "txn.json", &Registry::builtin()).expect_err("refused");
    assert!(error.message.contains("option workload is bank"), "{error}");
}
