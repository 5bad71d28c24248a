//! Knossos's `multi-register` histories: transactions (`:f :txn`) of register reads
//! and writes over several keys, checked for linearizability as one object. Hand-made
//! histories: concurrent transactions that can be ordered pass (with registers whose
//! first value the history does not state, as in Jepsen's own test); a torn read (half
//! of one atomic write, half of another) and a read that goes back in time fail; bad
//! micro-operations are bad input.

use faultline_check::check::check_kind;
use faultline_check::import::{parse, Format};
use faultline_check::models::ModelKind;
use faultline_check::{CheckOptions, CheckReport, Verdict};

fn run(text: &str) -> CheckReport {
    let history = parse(text, Format::detect(text)).expect("valid history");
    if let Some(rejected) = ModelKind::MultiRegister.first_rejected(&history) {
        panic!("rejected: {rejected}");
    }
    check_kind(&history, ModelKind::MultiRegister, &CheckOptions::default())
}

/// x and y start at 0 (unstated); two writers and readers overlap; Knossos's
/// `:read`/`:write` spelling.
const GOOD: &str = "\
{:type :invoke, :f :txn, :value [[:read :x nil] [:read :y nil]], :process 0}
{:type :invoke, :f :txn, :value [[:write :x 1] [:write :y 1]], :process 1}
{:type :ok, :f :txn, :value [[:read :x 0] [:read :y 0]], :process 0}
{:type :invoke, :f :txn, :value [[:write :y 2]], :process 2}
{:type :ok, :f :txn, :value [[:write :x 1] [:write :y 1]], :process 1}
{:type :invoke, :f :txn, :value [[:read :x nil] [:read :y nil]], :process 0}
{:type :ok, :f :txn, :value [[:write :y 2]], :process 2}
{:type :ok, :f :txn, :value [[:read :x 1] [:read :y 1]], :process 0}
{:type :invoke, :f :txn, :value [[:r :y nil] [:w :x 3]], :process 1}
{:type :info, :f :txn, :value [[:r :y nil] [:w :x 3]], :process 1}
{:type :invoke, :f :txn, :value [[:r :x nil] [:r :y nil]], :process 0}
{:type :ok, :f :txn, :value [[:r :x 3] [:r :y 2]], :process 0}
";

#[test]
fn overlapping_transactions_that_can_be_ordered_are_linearizable() {
    let report = run(GOOD);
    assert_eq!(report.verdict, Verdict::Linearizable, "{report:?}");
    assert_eq!(report.model, "multi-register");
}

#[test]
fn a_torn_read_of_two_atomic_writes_is_not_linearizable() {
    let torn = "\
{:type :invoke, :f :txn, :value [[:w :x 1] [:w :y 1]], :process 0}
{:type :ok, :f :txn, :value [[:w :x 1] [:w :y 1]], :process 0}
{:type :invoke, :f :txn, :value [[:w :x 2] [:w :y 2]], :process 1}
{:type :invoke, :f :txn, :value [[:r :x nil] [:r :y nil]], :process 2}
{:type :ok, :f :txn, :value [[:r :x 1] [:r :y 2]], :process 2}
{:type :ok, :f :txn, :value [[:w :x 2] [:w :y 2]], :process 1}
";
    let report = run(torn);
    assert_eq!(report.verdict, Verdict::NotLinearizable, "{report:?}");
    let counterexample = report.counterexample.expect("a counterexample");
    assert!(
        counterexample.op.to_string().contains("txn"),
        "{}",
        counterexample.op
    );
}

#[test]
fn a_read_back_in_time_is_not_linearizable_in_json_lines_too() {
    let lines = [
        r#"{"process":0,"type":"invoke","f":"txn","value":[["w","x",1]]}"#,
        r#"{"process":0,"type":"ok","f":"txn","value":[["w","x",1]]}"#,
        r#"{"process":1,"type":"invoke","f":"txn","value":[["r","x",null]]}"#,
        r#"{"process":1,"type":"ok","f":"txn","value":[["r","x",1]]}"#,
        r#"{"process":0,"type":"invoke","f":"txn","value":[["w","x",2]]}"#,
        r#"{"process":0,"type":"ok","f":"txn","value":[["w","x",2]]}"#,
        r#"{"process":1,"type":"invoke","f":"txn","value":[["r","x",null]]}"#,
        r#"{"process":1,"type":"ok","f":"txn","value":[["r","x",1]]}"#,
    ];
    let text = lines.join("\n");
    assert_eq!(run(&text).verdict, Verdict::NotLinearizable);
    assert_eq!(
        run(&text[..text.rfind('\n').unwrap()]).verdict,
        Verdict::Linearizable
    );
}

#[test]
fn malformed_transactions_are_bad_input_with_their_line() {
    let bad = "{:type :invoke, :f :txn, :value [[:append :x 1]], :process 0}\n";
    let error = parse(bad, Format::Edn).unwrap_err();
    assert_eq!(error.line, 1);
    assert!(error.message.contains("[[:r :x 1] [:w :y 2]]"), "{error}");
    let json = r#"{"process":0,"type":"invoke","f":"txn","value":[["r","x"]]}"#;
    let error = parse(json, Format::Jsonl).unwrap_err();
    assert!(error.message.contains("expected a transaction"), "{error}");
    let register = "{:type :invoke, :f :write, :value 1, :process 0}\n";
    let history = parse(register, Format::Edn).expect("a register history");
    let rejected = ModelKind::MultiRegister
        .first_rejected(&history)
        .expect("rejected");
    assert!(rejected.message.contains("--model register"), "{rejected}");
}
