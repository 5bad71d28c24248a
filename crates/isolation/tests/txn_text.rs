//! One transaction's text (`txn_edn`, `parse_txn`) and a run's JSON Lines history,
//! whose `value` holds that text: what `faultline run --history` writes for
//! transactional clients and `faultline check --model list-append` reads back.

use faultline_isolation::{
    check, parse_jsonl, parse_txn, txn_edn, Consistency, Mop, Status, TxnModel,
};

#[test]
fn a_transaction_reads_back_from_its_text() {
    let text = "[[:append 3 7] [:r 4 [1 7]] [:r 5 nil]]";
    let mops = parse_txn(text, TxnModel::ListAppend).expect("parses");
    assert_eq!(
        mops[1],
        Mop::ReadList {
            key: "4".into(),
            values: Some(vec!["1".into(), "7".into()])
        }
    );
    assert_eq!(txn_edn(&mops), "[[:append 3 7] [:r 4 [1 7]] [:r 5 []]]");
    assert_eq!(parse_txn(&txn_edn(&mops), TxnModel::ListAppend), Ok(mops));
    let unknown = vec![Mop::ReadList {
        key: "4".into(),
        values: None,
    }];
    assert_eq!(txn_edn(&unknown), "[[:r 4 nil]]");
    let bad = parse_txn("[[:w 3 7]]", TxnModel::ListAppend).unwrap_err();
    assert!(bad.contains("not a list-append micro-operation"), "{bad}");
    assert!(parse_txn("[:append 3 7]", TxnModel::ListAppend).is_err());
    assert!(parse_txn("[[:append 3 7]", TxnModel::ListAppend).is_err());
}

#[test]
fn a_run_history_with_transactions_as_text_is_checked() {
    let lines = [
        r#"{"process":5,"type":"invoke","f":"txn","value":"[[:append 1 10] [:r 2 nil]]"}"#,
        r#"{"process":6,"type":"invoke","f":"txn","value":"[[:append 2 20] [:r 1 nil]]"}"#,
        r#"{"process":5,"type":"ok","f":"txn","value":"[[:append 1 10] [:r 2 []]]"}"#,
        r#"{"process":6,"type":"ok","f":"txn","value":"[[:append 2 20] [:r 1 []]]","time_ns":9}"#,
    ];
    let history = parse_jsonl(&lines.join("\n"), TxnModel::ListAppend).expect("parses");
    assert_eq!(history.txns.len(), 2);
    assert!(history.txns.iter().all(|t| t.status == Status::Ok));
    // Each read the other's key empty: write skew, G2.
    let report = check(&history, TxnModel::ListAppend, Consistency::Serializable);
    assert!(!report.valid, "{report}");
    let report = check(
        &history,
        TxnModel::ListAppend,
        Consistency::SnapshotIsolation,
    );
    assert!(report.valid, "{report}");
}

#[test]
fn a_process_invoking_twice_without_completing_is_refused() {
    let lines = [
        r#"{"process":5,"type":"invoke","f":"txn","value":"[[:append 1 10]]"}"#,
        r#"{"process":5,"type":"invoke","f":"txn","value":"[[:append 1 11]]"}"#,
        r#"{"process":5,"type":"ok","f":"txn","value":"[[:append 1 11]]"}"#,
    ];
    let error = parse_jsonl(&lines.join("\n"), TxnModel::ListAppend).unwrap_err();
    assert_eq!(error.line, 2, "{error}");
    assert!(error.message.contains("invokes again"), "{error}");
    let completed = [
        lines[0],
        r#"{"process":5,"type":"info","f":"txn","value":"[[:append 1 10]]"}"#,
        lines[1],
    ];
    assert!(parse_jsonl(&completed.join("\n"), TxnModel::ListAppend).is_ok());
}
