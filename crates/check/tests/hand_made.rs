//! Small hand-made histories for each model: each must get the right verdict, and a
//! violation must come with the right counterexample.

use faultline_check::check::check_kind;
use faultline_check::import::{parse, Format};
use faultline_check::models::{CasFail, ModelKind};
use faultline_check::{CheckOptions, CheckReport, Verdict};

fn jsonl(lines: &[&str]) -> String {
    lines.join("\n")
}

fn run(text: &str, model: ModelKind) -> CheckReport {
    let history = parse(text, Format::detect(text)).expect("valid history");
    check_kind(&history, model, &CheckOptions::default())
}

#[test]
fn a_sequential_register_history_is_linearizable() {
    let text = jsonl(&[
        r#"{"process":0,"type":"invoke","f":"write","value":1}"#,
        r#"{"process":0,"type":"ok","f":"write","value":1}"#,
        r#"{"process":1,"type":"invoke","f":"read","value":null}"#,
        r#"{"process":1,"type":"ok","f":"read","value":1}"#,
    ]);
    assert_eq!(
        run(&text, ModelKind::Register).verdict,
        Verdict::Linearizable
    );
}

#[test]
fn a_stale_read_after_a_completed_write_is_caught() {
    let text = jsonl(&[
        r#"{"process":0,"type":"invoke","f":"write","value":1}"#,
        r#"{"process":0,"type":"ok","f":"write","value":1}"#,
        r#"{"process":0,"type":"invoke","f":"write","value":2}"#,
        r#"{"process":0,"type":"ok","f":"write","value":2}"#,
        r#"{"process":1,"type":"invoke","f":"read","value":null}"#,
        r#"{"process":1,"type":"ok","f":"read","value":1}"#,
    ]);
    let report = run(&text, ModelKind::Register);
    assert_eq!(report.verdict, Verdict::NotLinearizable);
    let c = report.counterexample.clone().expect("a counterexample");
    assert_eq!(c.op.process, 1, "the stale read cannot be linearized");
    assert_eq!(
        c.longest_linearization.len(),
        2,
        "both writes linearize first"
    );
    assert_eq!(c.states_before, vec!["2".to_string()]);
    assert!(
        report
            .to_string()
            .contains("cannot linearize: #2 process 1 read -> 1"),
        "{report}"
    );
}

#[test]
fn a_read_of_a_value_never_written_is_caught() {
    let text = jsonl(&[
        r#"{"process":0,"type":"invoke","f":"write","value":1}"#,
        r#"{"process":1,"type":"invoke","f":"read","value":null}"#,
        r#"{"process":1,"type":"ok","f":"read","value":7}"#,
        r#"{"process":0,"type":"ok","f":"write","value":1}"#,
    ]);
    let report = run(&text, ModelKind::Register);
    assert_eq!(report.verdict, Verdict::NotLinearizable);
    assert_eq!(report.counterexample.unwrap().op.process, 1);
}

#[test]
fn only_a_crashed_write_explains_a_read() {
    let base = [
        r#"{"process":0,"type":"invoke","f":"write","value":3}"#,
        r#"{"process":0,"type":"info","f":"write","value":3}"#,
        r#"{"process":1,"type":"invoke","f":"read","value":null}"#,
        r#"{"process":1,"type":"ok","f":"read","value":3}"#,
    ];
    assert_eq!(
        run(&jsonl(&base), ModelKind::Register).verdict,
        Verdict::Linearizable
    );
    // The same read, but the write failed (did not happen): nothing explains it.
    let failed = base.map(|l| l.replace("\"info\"", "\"fail\""));
    let failed: Vec<&str> = failed.iter().map(String::as_str).collect();
    assert_eq!(
        run(&jsonl(&failed), ModelKind::Register).verdict,
        Verdict::NotLinearizable
    );
}

#[test]
fn a_crashed_write_may_also_never_take_effect() {
    let text = jsonl(&[
        r#"{"process":0,"type":"invoke","f":"write","value":3}"#,
        r#"{"process":0,"type":"info","f":"write","value":3}"#,
        r#"{"process":1,"type":"invoke","f":"read","value":null}"#,
        r#"{"process":1,"type":"ok","f":"read","value":null}"#,
    ]);
    assert_eq!(
        run(&text, ModelKind::Register).verdict,
        Verdict::Linearizable
    );
}

#[test]
fn cas_failure_readings_differ() {
    // A CAS from 1 fails while the register holds 1: impossible if the compare ran
    // (etcd), fine if the failure means it did not happen (Knossos).
    let text = jsonl(&[
        r#"{"process":0,"type":"invoke","f":"write","value":1}"#,
        r#"{"process":0,"type":"ok","f":"write","value":1}"#,
        r#"{"process":1,"type":"invoke","f":"cas","value":[1,2]}"#,
        r#"{"process":1,"type":"fail","f":"cas","value":[1,2]}"#,
        r#"{"process":0,"type":"invoke","f":"read","value":null}"#,
        r#"{"process":0,"type":"ok","f":"read","value":1}"#,
    ]);
    assert_eq!(
        run(&text, ModelKind::CasRegister(CasFail::Knossos)).verdict,
        Verdict::Linearizable
    );
    let etcd = run(&text, ModelKind::CasRegister(CasFail::Etcd));
    assert_eq!(etcd.verdict, Verdict::NotLinearizable);
    assert_eq!(etcd.counterexample.unwrap().op.process, 1);
}

#[test]
fn a_successful_cas_needs_the_expected_value() {
    let text = jsonl(&[
        r#"{"process":0,"type":"invoke","f":"cas","value":[5,6]}"#,
        r#"{"process":0,"type":"ok","f":"cas","value":[5,6]}"#,
    ]);
    assert_eq!(
        run(&text, ModelKind::CasRegister(CasFail::Knossos)).verdict,
        Verdict::NotLinearizable
    );
}

#[test]
fn kv_keys_are_checked_independently_and_appends_concatenate() {
    let text = jsonl(&[
        r#"{"process":0,"type":"invoke","f":"append","key":"a","value":"x"}"#,
        r#"{"process":1,"type":"invoke","f":"append","key":"a","value":"y"}"#,
        r#"{"process":0,"type":"ok","f":"append","key":"a","value":"x"}"#,
        r#"{"process":1,"type":"ok","f":"append","key":"a","value":"y"}"#,
        r#"{"process":2,"type":"invoke","f":"get","key":"a","value":null}"#,
        r#"{"process":2,"type":"ok","f":"get","key":"a","value":"yx"}"#,
        r#"{"process":2,"type":"invoke","f":"get","key":"b","value":null}"#,
        r#"{"process":2,"type":"ok","f":"get","key":"b","value":""}"#,
    ]);
    let report = run(&text, ModelKind::Kv);
    assert_eq!(report.verdict, Verdict::Linearizable);
    assert_eq!(report.partitions.len(), 2);
    assert_eq!(
        run(&text, ModelKind::KvWhole).verdict,
        Verdict::Linearizable
    );
}

#[test]
fn kv_stale_read_is_caught_in_its_key() {
    let text = jsonl(&[
        r#"{"process":0,"type":"invoke","f":"put","key":"a","value":"<0.1>"}"#,
        r#"{"process":0,"type":"ok","f":"put","key":"a","value":"<0.1>"}"#,
        r#"{"process":0,"type":"invoke","f":"put","key":"a","value":"<0.2>"}"#,
        r#"{"process":0,"type":"ok","f":"put","key":"a","value":"<0.2>"}"#,
        r#"{"process":1,"type":"invoke","f":"get","key":"a","value":null}"#,
        r#"{"process":1,"type":"ok","f":"get","key":"a","value":"<0.1>"}"#,
    ]);
    let report = run(&text, ModelKind::Kv);
    assert_eq!(report.verdict, Verdict::NotLinearizable);
    let c = report.counterexample.unwrap();
    assert_eq!(c.key.as_deref(), Some("a"));
    assert_eq!(c.states_before, vec!["\"<0.2>\"".to_string()]);
}

#[test]
fn a_double_applied_append_is_caught() {
    let text = jsonl(&[
        r#"{"process":0,"type":"invoke","f":"append","key":"a","value":"<0.1>"}"#,
        r#"{"process":0,"type":"ok","f":"append","key":"a","value":"<0.1>"}"#,
        r#"{"process":1,"type":"invoke","f":"get","key":"a","value":null}"#,
        r#"{"process":1,"type":"ok","f":"get","key":"a","value":"<0.1><0.1>"}"#,
    ]);
    assert_eq!(run(&text, ModelKind::Kv).verdict, Verdict::NotLinearizable);
}

#[test]
fn mutex_allows_one_holder() {
    let ok = jsonl(&[
        r#"{"process":0,"type":"invoke","f":"acquire","value":null}"#,
        r#"{"process":0,"type":"ok","f":"acquire","value":null}"#,
        r#"{"process":0,"type":"invoke","f":"release","value":null}"#,
        r#"{"process":0,"type":"ok","f":"release","value":null}"#,
        r#"{"process":1,"type":"invoke","f":"acquire","value":null}"#,
        r#"{"process":1,"type":"ok","f":"acquire","value":null}"#,
    ]);
    assert_eq!(run(&ok, ModelKind::Mutex).verdict, Verdict::Linearizable);
    let two_holders = jsonl(&[
        r#"{"process":0,"type":"invoke","f":"acquire","value":null}"#,
        r#"{"process":0,"type":"ok","f":"acquire","value":null}"#,
        r#"{"process":1,"type":"invoke","f":"acquire","value":null}"#,
        r#"{"process":1,"type":"ok","f":"acquire","value":null}"#,
    ]);
    let report = run(&two_holders, ModelKind::Mutex);
    assert_eq!(report.verdict, Verdict::NotLinearizable);
    assert_eq!(
        report.counterexample.unwrap().states_before,
        vec!["held".to_string()]
    );
}

#[test]
fn a_tiny_step_budget_gives_unknown_not_a_hang() {
    let mut lines = Vec::new();
    for p in 0..12 {
        lines.push(format!(
            r#"{{"process":{p},"type":"invoke","f":"write","value":{p}}}"#
        ));
    }
    for p in 0..12 {
        lines.push(format!(
            r#"{{"process":{p},"type":"ok","f":"write","value":{p}}}"#
        ));
    }
    let text = lines.join("\n");
    let history = parse(&text, Format::Jsonl).unwrap();
    // Twelve concurrent writes need at least twelve steps to linearize.
    let options = CheckOptions {
        steps_max: 5,
        ..CheckOptions::default()
    };
    assert_eq!(
        check_kind(&history, ModelKind::Register, &options).verdict,
        Verdict::Unknown
    );
}

#[test]
fn pruning_unobserved_crashed_writes_keeps_the_verdict() {
    let text = jsonl(&[
        r#"{"process":0,"type":"invoke","f":"put","key":"a","value":"<0.1>"}"#,
        r#"{"process":0,"type":"info","f":"put","key":"a","value":"<0.1>"}"#,
        r#"{"process":1,"type":"invoke","f":"put","key":"a","value":"<1.1>"}"#,
        r#"{"process":1,"type":"ok","f":"put","key":"a","value":"<1.1>"}"#,
        r#"{"process":2,"type":"invoke","f":"get","key":"a","value":null}"#,
        r#"{"process":2,"type":"ok","f":"get","key":"a","value":"<1.1>"}"#,
    ]);
    let history = parse(&text, Format::Jsonl).unwrap();
    let options = CheckOptions {
        prune_unobserved_writes: true,
        ..CheckOptions::default()
    };
    let report = check_kind(&history, ModelKind::Kv, &options);
    assert_eq!(report.verdict, Verdict::Linearizable);
    assert_eq!(report.pruned, 1);
}

#[test]
fn bad_lines_name_the_line() {
    let text = "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}\n{\"process\":0,\
        \"type\":\"bogus\",\"f\":\"read\"}";
    let err = parse(text, Format::Jsonl).unwrap_err();
    assert_eq!(err.line, 2);
    let err = parse(
        "INFO  jepsen.util - 0\t:invoke\t:frob\tnil",
        Format::PorcupineEtcd,
    )
    .unwrap_err();
    assert!(err.message.contains(":frob"), "{err}");
    let err = parse("{:process 0 :type :invoke :f :read", Format::Edn).unwrap_err();
    assert_eq!(err.line, 1);
}

#[test]
fn edn_histories_with_tuples_are_partitioned_by_key() {
    let text = "[{:process 0 :type :invoke :f :write :value [1 5]}\n {:process 0 :type :ok :f \
        :write :value [1 5]}\n {:process 1 :type :invoke :f :read :value [1 nil]}\n {:process 1 \
        :type :ok :f :read :value [1 5]}\n {:process :nemesis :type :info :f :start :value nil}]";
    let report = run(text, ModelKind::Register);
    assert_eq!(report.verdict, Verdict::Linearizable);
    assert_eq!(report.partitions[0].key.as_deref(), Some("1"));
}

#[test]
fn identical_crashed_writes_can_each_take_effect_at_different_times() {
    // Two crashed writes of 1: one must land before the write of 2, the other after.
    let text = jsonl(&[
        r#"{"process":0,"type":"invoke","f":"write","value":1}"#,
        r#"{"process":0,"type":"info","f":"write","value":1}"#,
        r#"{"process":1,"type":"invoke","f":"write","value":1}"#,
        r#"{"process":1,"type":"info","f":"write","value":1}"#,
        r#"{"process":2,"type":"invoke","f":"read","value":null}"#,
        r#"{"process":2,"type":"ok","f":"read","value":1}"#,
        r#"{"process":2,"type":"invoke","f":"write","value":2}"#,
        r#"{"process":2,"type":"ok","f":"write","value":2}"#,
        r#"{"process":2,"type":"invoke","f":"read","value":null}"#,
        r#"{"process":2,"type":"ok","f":"read","value":1}"#,
    ]);
    assert_eq!(
        run(&text, ModelKind::Register).verdict,
        Verdict::Linearizable
    );
    // With only one crashed write of 1, the second read of 1 is impossible.
    let one: Vec<&str> = text.lines().skip(2).collect();
    assert_eq!(
        run(&jsonl(&one), ModelKind::Register).verdict,
        Verdict::NotLinearizable
    );
}

#[test]
fn kv_only_a_crashed_append_explains_a_read() {
    let base = [
        r#"{"process":0,"type":"invoke","f":"append","key":"a","value":"<0.1>"}"#,
        r#"{"process":0,"type":"info","f":"append","key":"a","value":null}"#,
        r#"{"process":1,"type":"invoke","f":"get","key":"a","value":null}"#,
        r#"{"process":1,"type":"ok","f":"get","key":"a","value":"<0.1>"}"#,
    ];
    assert_eq!(
        run(&jsonl(&base), ModelKind::Kv).verdict,
        Verdict::Linearizable
    );
    let failed = base.map(|l| l.replace("\"info\"", "\"fail\""));
    let failed: Vec<&str> = failed.iter().map(String::as_str).collect();
    let report = run(&jsonl(&failed), ModelKind::Kv);
    assert_eq!(report.verdict, Verdict::NotLinearizable);
    let c = report.counterexample.expect("a counterexample");
    assert_eq!((c.op.process, c.op.line), (1, 3), "the get is blamed");
    assert!(c.longest_linearization.is_empty());
    assert_eq!(c.states_before, vec!["\"\"".to_string()]);
}

#[test]
fn kv_read_of_a_value_never_written_names_the_read_and_the_state() {
    let text = jsonl(&[
        r#"{"process":0,"type":"invoke","f":"put","key":"a","value":"<0.1>"}"#,
        r#"{"process":0,"type":"ok","f":"put","key":"a","value":"<0.1>"}"#,
        r#"{"process":1,"type":"invoke","f":"get","key":"a","value":null}"#,
        r#"{"process":1,"type":"ok","f":"get","key":"a","value":"<7.7>"}"#,
    ]);
    let report = run(&text, ModelKind::Kv);
    assert_eq!(report.verdict, Verdict::NotLinearizable);
    let c = report.counterexample.clone().unwrap();
    assert_eq!(c.op.process, 1);
    assert_eq!(c.longest_linearization.len(), 1, "the put linearizes");
    assert_eq!(c.states_before, vec!["\"<0.1>\"".to_string()]);
    let text = report.to_string();
    assert!(
        text.contains(r#"cannot linearize: #1 process 1 get key "a" -> "<7.7>" (line 3)"#),
        "{text}"
    );
}

#[test]
fn cas_register_stale_read_after_a_completed_cas_is_caught() {
    let text = jsonl(&[
        r#"{"process":0,"type":"invoke","f":"write","value":1}"#,
        r#"{"process":0,"type":"ok","f":"write","value":1}"#,
        r#"{"process":0,"type":"invoke","f":"cas","value":[1,2]}"#,
        r#"{"process":0,"type":"ok","f":"cas","value":[1,2]}"#,
        r#"{"process":1,"type":"invoke","f":"read","value":null}"#,
        r#"{"process":1,"type":"ok","f":"read","value":1}"#,
    ]);
    for reading in [CasFail::Knossos, CasFail::Etcd] {
        let report = run(&text, ModelKind::CasRegister(reading));
        assert_eq!(report.verdict, Verdict::NotLinearizable);
        let c = report.counterexample.unwrap();
        assert_eq!(c.op.process, 1);
        assert_eq!(c.states_before, vec!["2".to_string()]);
    }
}

#[test]
fn cas_register_only_a_crashed_cas_explains_a_read() {
    let text = jsonl(&[
        r#"{"process":0,"type":"invoke","f":"write","value":1}"#,
        r#"{"process":0,"type":"ok","f":"write","value":1}"#,
        r#"{"process":0,"type":"invoke","f":"cas","value":[1,2]}"#,
        r#"{"process":0,"type":"info","f":"cas","value":null}"#,
        r#"{"process":1,"type":"invoke","f":"read","value":null}"#,
        r#"{"process":1,"type":"ok","f":"read","value":2}"#,
        r#"{"process":1,"type":"invoke","f":"read","value":null}"#,
        r#"{"process":1,"type":"ok","f":"read","value":3}"#,
    ]);
    let report = run(&text, ModelKind::CasRegister(CasFail::Knossos));
    assert_eq!(
        report.verdict,
        Verdict::NotLinearizable,
        "3 was never written"
    );
    let c = report.counterexample.unwrap();
    assert_eq!(c.op.line, 7, "the read of 3 is blamed, not the read of 2");
    assert_eq!(c.states_before, vec!["2".to_string()]);
    let first_read: Vec<&str> = text.lines().take(6).collect();
    assert_eq!(
        run(
            &jsonl(&first_read),
            ModelKind::CasRegister(CasFail::Knossos)
        )
        .verdict,
        Verdict::Linearizable
    );
}

#[test]
fn mutex_crashed_acquire_need_not_take_effect_but_a_stray_release_is_caught() {
    // The crashed acquire cannot take effect while the lock is held, and need not.
    let text = jsonl(&[
        r#"{"process":0,"type":"invoke","f":"acquire","value":null}"#,
        r#"{"process":0,"type":"ok","f":"acquire","value":null}"#,
        r#"{"process":1,"type":"invoke","f":"acquire","value":null}"#,
        r#"{"process":1,"type":"info","f":"acquire","value":null}"#,
    ]);
    assert_eq!(run(&text, ModelKind::Mutex).verdict, Verdict::Linearizable);
    let stray = jsonl(&[
        r#"{"process":0,"type":"invoke","f":"acquire","value":null}"#,
        r#"{"process":0,"type":"ok","f":"acquire","value":null}"#,
        r#"{"process":0,"type":"invoke","f":"release","value":null}"#,
        r#"{"process":0,"type":"ok","f":"release","value":null}"#,
        r#"{"process":1,"type":"invoke","f":"release","value":null}"#,
        r#"{"process":1,"type":"ok","f":"release","value":null}"#,
    ]);
    let report = run(&stray, ModelKind::Mutex);
    assert_eq!(report.verdict, Verdict::NotLinearizable);
    let c = report.counterexample.unwrap();
    assert_eq!(c.op.process, 1);
    assert_eq!(c.longest_linearization.len(), 2);
    assert_eq!(c.states_before, vec!["free".to_string()]);
}

#[test]
fn porcupine_etcd_lines_keep_crashed_operations_open() {
    // A crashed write of 3 explains the later read; a timed-out read is unknown.
    let text = "INFO  jepsen.util - 0\t:invoke\t:write\t3\n\
                INFO  jepsen.util - 0\t:info\t:write\t:timed-out\n\
                INFO  jepsen.util - 1\t:invoke\t:read\tnil\n\
                INFO  jepsen.util - 1\t:fail\t:read\t:timed-out\n\
                INFO  jepsen.util - 2\t:invoke\t:read\tnil\n\
                INFO  jepsen.util - 2\t:ok\t:read\t3\n\
                INFO  jepsen.util - 2\t:invoke\t:cas\t[3 4]\n\
                INFO  jepsen.util - 2\t:fail\t:cas\t[3 4]\n";
    assert_eq!(Format::detect(text), Format::PorcupineEtcd);
    let etcd = run(text, ModelKind::CasRegister(CasFail::Etcd));
    assert_eq!(
        etcd.verdict,
        Verdict::NotLinearizable,
        "the CAS compare ran on 3 and cannot have failed"
    );
    assert_eq!(etcd.counterexample.unwrap().op.line, 7);
    assert_eq!(
        run(text, ModelKind::CasRegister(CasFail::Knossos)).verdict,
        Verdict::Linearizable
    );
}
