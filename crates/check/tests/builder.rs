//! Building a history in memory (as the simulator's harness does), writing it as JSON
//! Lines, reading it back: the same operations and the same verdict.

use faultline_check::import::{jsonl, parse, Format};
use faultline_check::{
    check_kind, CheckOptions, EventKind, Func, HistoryBuilder, HistoryEvent, ModelKind, Verdict,
};
use serde_json::json;

fn stale_read_history() -> HistoryBuilder {
    let mut b = HistoryBuilder::new();
    b.invoke(3, Func::Put, Some("k1"), json!("v-3-7")).unwrap();
    b.complete(3, EventKind::Ok, json!("v-3-7")).unwrap();
    b.invoke(3, Func::Put, Some("k1"), json!("v-3-8")).unwrap();
    b.complete(3, EventKind::Ok, json!("v-3-8")).unwrap();
    b.invoke(4, Func::Get, Some("k1"), json!(null)).unwrap();
    b.complete(4, EventKind::Ok, json!("v-3-7")).unwrap();
    b.invoke(5, Func::Append, Some("k2"), json!("x")).unwrap();
    b.complete(5, EventKind::Info, json!(null)).unwrap();
    b
}

#[test]
fn built_histories_round_trip_through_json_lines() {
    let b = stale_read_history();
    let text = b.to_jsonl();
    assert_eq!(
        text.lines().next().unwrap(),
        r#"{"process":3,"type":"invoke","f":"put","key":"k1","value":"v-3-7"}"#
    );
    assert_eq!(Format::detect(&text), Format::Jsonl);
    let events: Vec<HistoryEvent> = jsonl::parse_events(&text)
        .unwrap()
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    assert_eq!(events, b.events());
    let read_back = parse(&text, Format::Jsonl).unwrap();
    assert_eq!(read_back.ops.len(), b.history().ops.len());
    let options = CheckOptions::default();
    let direct = check_kind(b.history(), ModelKind::Kv, &options);
    let from_text = check_kind(&read_back, ModelKind::Kv, &options);
    assert_eq!(direct.verdict, Verdict::NotLinearizable);
    assert_eq!(from_text.verdict, direct.verdict);
    let c = direct.counterexample.unwrap();
    assert_eq!((c.key.as_deref(), c.op.process), (Some("k1"), 4));
    assert_eq!(direct.partitions.len(), 2);
    let json = serde_json::to_value(&from_text).unwrap();
    assert_eq!(json["verdict"], "not_linearizable");
    assert_eq!(json["counterexample"]["op"]["f"], "get");
}

#[test]
fn builder_refuses_a_completion_without_an_invocation() {
    let mut b = HistoryBuilder::new();
    let err = b.complete(9, EventKind::Ok, json!(null)).unwrap_err();
    assert_eq!(err.line, 1);
    assert!(err.message.contains("never invoked"), "{err}");
    b.invoke(1, Func::Read, None, json!(null)).unwrap();
    let err = b.invoke(1, Func::Read, None, json!(null)).unwrap_err();
    assert!(err.message.contains("invokes again"), "{err}");
    let err = b
        .push(HistoryEvent::invoke(2, Func::Write, None, json!({"a": 1})))
        .unwrap_err();
    assert!(err.message.contains("expected null, an integer"), "{err}");
}

#[test]
fn json_lines_errors_name_line_column_and_what_was_expected() {
    let text = "{\"process\":0,\"type\":\"invoke\",\"f\":\"put\",\"key\":\"a\",\"value\":\"x\"}\
        \n\n{\"process\":0,\"type\":\"done\",\"f\":\"put\"}\n";
    let err = parse(text, Format::Jsonl).unwrap_err();
    assert_eq!(err.line, 3);
    assert!(err.message.starts_with("column "), "{err}");
    assert!(err.message.contains("expected one of `invoke`"), "{err}");
    assert!(!err.message.contains("at line 1"), "{err}");
    let err = parse(
        "{\"process\":0,\"type\":\"invoke\",\"f\":\"frob\"}",
        Format::Jsonl,
    )
    .unwrap_err();
    assert!(err.message.contains("`frob`"), "{err}");
    // Integer keys and extra fields (a timestamp) are accepted.
    let ok = "{\"process\":0,\"type\":\"invoke\",\"f\":\"get\",\"key\":7,\"time\":12}";
    assert_eq!(
        parse(ok, Format::Jsonl).unwrap().ops[0].key.as_deref(),
        Some("7")
    );
}
