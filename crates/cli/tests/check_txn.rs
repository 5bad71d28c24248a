//! `faultline check --model list-append|rw-register --consistency MODEL` as a user
//! meets it: exit 0 when the history can have the model, 1 with the anomaly named and
//! explained when it cannot, 3 on bad input; EDN and JSON Lines both read.

mod common;

use common::{faultline, stderr, stdout, workdir};

const WRITE_SKEW: &str = "\
{:process 0, :type :invoke, :f :txn, :value [[:r x nil] [:r y nil] [:append x 1]]}
{:process 1, :type :invoke, :f :txn, :value [[:r x nil] [:r y nil] [:append y 1]]}
{:process 0, :type :ok, :f :txn, :value [[:r x []] [:r y []] [:append x 1]]}
{:process 1, :type :ok, :f :txn, :value [[:r x []] [:r y []] [:append y 1]]}
";

fn check(file: &str, text: &str, args: &[&str]) -> std::process::Output {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = workdir(&format!("check-txn-{call}"));
    let path = dir.join(file);
    std::fs::write(&path, text).unwrap();
    let mut all = vec!["check", path.to_str().unwrap()];
    all.extend_from_slice(args);
    faultline(&all)
}

#[test]
fn write_skew_is_allowed_by_snapshot_isolation_and_not_by_serializability() {
    let si = check(
        "skew.edn",
        WRITE_SKEW,
        &[
            "--model",
            "list-append",
            "--consistency",
            "snapshot-isolation",
        ],
    );
    assert_eq!(si.status.code(), Some(0), "{}", stderr(&si));
    assert!(stdout(&si).contains("G2: 1 (allowed)"), "{}", stdout(&si));
    let serializable = check("skew.edn", WRITE_SKEW, &["--model", "list-append"]);
    assert_eq!(serializable.status.code(), Some(1));
    let text = stdout(&serializable);
    assert!(text.starts_with("NOT VALID for serializable"), "{text}");
    assert!(
        text.contains("T0 < T1 because T0 read y empty and T1 appended its first element, 1"),
        "{text}"
    );
}

#[test]
fn json_lines_histories_and_json_output() {
    let jsonl = "\
{\"process\":0,\"type\":\"invoke\",\"f\":\"txn\",\"value\":[[\"w\",\"x\",1],[\"r\",\"y\",null]]}
{\"process\":1,\"type\":\"invoke\",\"f\":\"txn\",\"value\":[[\"w\",\"y\",1],[\"r\",\"x\",null]]}
{\"process\":0,\"type\":\"ok\",\"f\":\"txn\",\"value\":[[\"w\",\"x\",1],[\"r\",\"y\",1]]}
{\"process\":1,\"type\":\"ok\",\"f\":\"txn\",\"value\":[[\"w\",\"y\",1],[\"r\",\"x\",1]]}
";
    let output = check(
        "g1c.jsonl",
        jsonl,
        &[
            "--model",
            "rw-register",
            "--consistency",
            "read-committed",
            "--json",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_eq!(report["valid"], false);
    assert_eq!(report["forbidden"], serde_json::json!(["G1c"]));
    assert_eq!(report["txns"], 2);
}

#[test]
fn bad_transactional_input_exits_3_naming_the_line() {
    let bad = "{:process 0, :type :invoke, :f :txn, :value [[:append x 1]]}\n{:process 0, :type \
        :ok, :f :txn, :value [[:frobnicate x 1]]}\n";
    let output = check("bad.edn", bad, &["--model", "list-append"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(stderr(&output).contains("bad.edn:2"), "{}", stderr(&output));
    assert!(stderr(&output).contains("[:frobnicate x ...] is not a list-append micro-operation"));
    let wrong = check(
        "skew.edn",
        WRITE_SKEW,
        &["--model", "list-append", "--consistency", "linearizable"],
    );
    assert_eq!(wrong.status.code(), Some(3));
    assert!(stderr(&wrong).contains("expected read-committed, snapshot-isolation"));
    let misplaced = check(
        "skew.edn",
        WRITE_SKEW,
        &["--model", "register", "--consistency", "serializable"],
    );
    assert_eq!(misplaced.status.code(), Some(3));
    assert!(
        stderr(&misplaced).contains("--consistency applies to --model list-append or rw-register")
    );
}

#[test]
fn list_models_names_the_transactional_models() {
    let output = faultline(&["list", "models"]);
    let text = stdout(&output);
    assert!(
        text.contains("list-append") && text.contains("rw-register"),
        "{text}"
    );
}
