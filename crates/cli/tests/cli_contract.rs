//! The CLI contract (README, "Exit codes") as a user meets it: exit codes, the `--json`
//! object, errors that name file, line, column and field, and files never clobbered.

use std::path::PathBuf;
use std::process::{Command, Output};

fn faultline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn temp_file(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("faultline-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs a bad scenario and returns its error message, asserting exit code 3.
fn bad_scenario(name: &str, contents: &str) -> String {
    let path = temp_file(name, contents);
    let output = faultline(&["run", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains(name), "names the file: {message}");
    assert!(!message.contains("panicked"), "{message}");
    message
}

#[test]
fn the_default_scenario_runs_with_no_arguments() {
    let output = faultline(&["run"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("verdict: PASS"));
}

#[test]
fn json_output_has_the_contract_fields() {
    let output = faultline(&["run", "--json", "--seed", "4"]);
    let object: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("one JSON object");
    for field in [
        "verdict",
        "seed",
        "events",
        "sim_time_ns",
        "wall_ns",
        "trace_hash",
    ] {
        assert!(object.get(field).is_some(), "missing {field}: {object}");
    }
    assert_eq!(object["seed"], 4);
}

#[test]
fn malformed_json_is_located() {
    let message = bad_scenario(
        "malformed.json",
        "{\n  \"protocol\": {\"kind\": \"broadcast\", \"nodes\": 3,\n",
    );
    assert!(message.contains(":3:"), "{message}");
}

#[test]
fn text_after_the_scenario_is_refused_not_ignored() {
    let one = r#"{ "protocol": { "kind": "broadcast", "nodes": 3 } }"#;
    let message = bad_scenario("two_objects.json", &format!("{one}\n{one}\n"));
    assert!(
        message.contains("two_objects.json:2:1") && message.contains("one scenario object"),
        "{message}"
    );
}

#[test]
fn a_partition_must_cut_something_and_name_each_node_once() {
    let with = |partition: &str| {
        format!(
            r#"{{ "protocol": {{ "kind": "broadcast", "nodes": 3 }},
  "faults": {{ "schedule": [{{ "at": "1ms", "partition": {partition} }}] }} }}"#
        )
    };
    for (name, partition, expected) in [
        ("overlap.json", "[[0, 1], [1, 2]]", "node 1 is named twice"),
        ("empty_side.json", "[[0, 1, 2], []]", "at least one node"),
        ("one_side.json", "[[0, 1, 2]]", "at least two sides"),
    ] {
        let message = bad_scenario(name, &with(partition));
        assert!(
            message.contains("faults.schedule[0].partition") && message.contains(expected),
            "{message}"
        );
    }
}

#[test]
fn a_byte_order_mark_or_a_top_level_array_is_named_as_such() {
    let bom = bad_scenario(
        "bom.json",
        "\u{feff}{ \"protocol\": { \"kind\": \"broadcast\" } }",
    );
    assert!(
        bom.contains("bom.json:1:1") && bom.contains("byte-order mark"),
        "{bom}"
    );
    let array = bad_scenario("array.json", "\n  [1, 2, 3]");
    assert!(
        array.contains("array.json:2:3") && array.contains("one JSON object"),
        "{array}"
    );
}

#[test]
fn a_value_the_protocol_refuses_is_located_at_its_option() {
    let message = bad_scenario(
        "slow_heartbeat.json",
        "{ \"protocol\": { \"kind\": \"raft\", \"nodes\": 3,\n  \"heartbeat_ms\": 900 } }",
    );
    assert!(
        message.contains("slow_heartbeat.json:2:19: protocol.heartbeat_ms: heartbeat_ms must"),
        "{message}"
    );
}

#[test]
fn a_wrong_type_names_the_field() {
    let message = bad_scenario(
        "wrong_type.json",
        r#"{ "protocol": { "kind": "broadcast", "nodes": 3 }, "seed": "one" }"#,
    );
    assert!(
        message.contains("seed") && message.contains("expected u64"),
        "{message}"
    );
}

#[test]
fn an_unknown_field_is_rejected_and_named() {
    let message = bad_scenario(
        "unknown_field.json",
        "{\n  \"protocol\": { \"kind\": \"broadcast\", \"nodes\": 3 },\n  \"duratoin\": \"1s\"\n}",
    );
    assert!(
        message.contains(":3:") && message.contains("unknown field `duratoin`"),
        "{message}"
    );
}

#[test]
fn a_negative_duration_is_rejected_and_named() {
    let message = bad_scenario(
        "negative.json",
        r#"{ "protocol": { "kind": "broadcast", "nodes": 3 },
             "faults": { "schedule": [ { "at": "-1s", "heal": true } ] } }"#,
    );
    assert!(
        message.contains("faults.schedule[0].at") && message.contains("negative"),
        "{message}"
    );
}

#[test]
fn a_node_index_out_of_range_is_rejected_and_located() {
    let message = bad_scenario(
        "out_of_range.json",
        "{\n  \"protocol\": { \"kind\": \"broadcast\", \"nodes\": 3 },\n  \"faults\": { \
            \"schedule\": [\n    { \"at\": \"1s\", \"crash\": 5 }\n  ] }\n}",
    );
    assert!(
        message.contains(":4:") && message.contains("faults.schedule[0].crash"),
        "{message}"
    );
    assert!(message.contains("out of range"), "{message}");
}

#[test]
fn an_unknown_protocol_or_bug_is_rejected() {
    let message = bad_scenario(
        "proto.json",
        r#"{ "protocol": { "kind": "zab", "nodes": 3 } }"#,
    );
    assert!(
        message.contains("protocol.kind") && message.contains("expected one of"),
        "{message}"
    );
    let output = faultline(&["run", "--bug", "nope.bug"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(stderr(&output).contains("nope.bug"));
}

#[test]
fn a_missing_file_is_bad_input() {
    let output = faultline(&["run", "/nonexistent/scenario.json"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(stderr(&output).contains("cannot read"));
}

#[test]
fn usage_errors_exit_3() {
    assert_eq!(faultline(&["frobnicate"]).status.code(), Some(3));
}

#[test]
fn a_trace_never_overwrites_a_file_faultline_did_not_write() {
    let precious = temp_file("precious.json", "{\"my\": \"scenario\"}");
    let output = faultline(&["run", "--trace", precious.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(3));
    assert!(stderr(&output).contains("refusing to overwrite"));
    assert_eq!(
        std::fs::read_to_string(&precious).unwrap(),
        "{\"my\": \"scenario\"}"
    );
}

#[test]
fn a_written_trace_replays_identically_and_prints_a_timeline() {
    let trace = temp_file("run.trace.jsonl", "");
    std::fs::remove_file(&trace).unwrap();
    let output = faultline(&["run", "--trace", trace.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = faultline(&["replay", trace.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("identical"));
    let output = faultline(&["replay", "--timeline", trace.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&output.stdout).contains("FAULT"));
}

#[test]
fn replay_of_a_non_trace_is_bad_input() {
    let path = temp_file("not_a_trace.jsonl", "{\"hello\": 1}\n");
    let output = faultline(&["replay", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr(&output).contains("not_a_trace.jsonl:1"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_schema_describes_scenario_files() {
    let output = faultline(&["schema"]);
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(schema["properties"]["protocol"].is_object(), "{schema}");
    let text = schema.to_string();
    for kind in ["\"raft\"", "\"lock\"", "\"pingpong\""] {
        assert!(text.contains(kind), "protocol.kind lists {kind}: {schema}");
    }
}

#[test]
fn check_gives_verdict_exit_codes_and_located_errors() {
    let good = temp_file(
        "good.jsonl",
        "{\"process\":0,\"type\":\"invoke\",\"f\":\"put\",\"key\":\"a\",\"value\":\"<0.1>\"}\
            \n{\"process\":0,\"type\":\"ok\",\"f\":\"put\",\"key\":\"a\",\"value\":\"<0.1>\"}\
            \n{\"process\":1,\"type\":\"invoke\",\"f\":\"get\",\"key\":\"a\",\"value\":null}\
            \n{\"process\":1,\"type\":\"ok\",\"f\":\"get\",\"key\":\"a\",\"value\":\"<0.1>\"}\n",
    );
    assert_eq!(
        faultline(&["check", good.to_str().unwrap(), "--model", "kv"])
            .status
            .code(),
        Some(0)
    );
    let stale_read = std::fs::read_to_string(&good).unwrap().replacen(
        "\"ok\",\"f\":\"get\",\"key\":\"a\",\"value\":\"<0.1>\"",
        "\"ok\",\"f\":\"get\",\"key\":\"a\",\"value\":\"<9.9>\"",
        1,
    );
    let bad = temp_file("bad.jsonl", &stale_read);
    let output = faultline(&["check", bad.to_str().unwrap(), "--model", "kv", "--json"]);
    assert_eq!(output.status.code(), Some(1));
    let object: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(object["verdict"], "not_linearizable");
    assert!(object["counterexample"]["op"].is_object());
    let broken = temp_file(
        "broken.jsonl",
        "{\"process\":0,\"type\":\"invoke\",\"f\":\"get\"}\nnot json\n",
    );
    let output = faultline(&["check", broken.to_str().unwrap(), "--model", "kv"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr(&output).contains("broken.jsonl:2"),
        "{}",
        stderr(&output)
    );
    let output = faultline(&["check", good.to_str().unwrap(), "--model", "queue"]);
    assert_eq!(output.status.code(), Some(3));
}

#[test]
fn a_bad_script_entry_is_rejected_and_located() {
    let scenario = |script: &str, extra: &str| {
        format!(
            "{{\n  \"protocol\": {{ \"kind\": \"raft\", \"nodes\": 3 }},\n  \"workload\": {{ \
                {extra}\"script\": [\n    {{ \"at\": \"1s\", \"client\": 0, \"f\": \"put\", \
                \"key\": \"k0\", \"value\": \"a\" }},\n    {script}\n  ] }}\n}}"
        )
    };
    let cases = [
        (
            "no_value.json",
            scenario(
                r#"{ "at": "2s", "client": 0, "f": "append", "key": "k0" }"#,
                "",
            ),
            "workload.script[1]",
            "needs \"value\"",
            5,
        ),
        (
            "same_value.json",
            scenario(
                r#"{ "at": "2s", "client": 1, "f": "put", "key": "k1", "value": "a" }"#,
                "",
            ),
            "workload.script[1].value",
            "also written by workload.script[0]",
            5,
        ),
        (
            "client_range.json",
            scenario(
                r#"{ "at": "2s", "client": 2, "f": "get", "key": "k0" }"#,
                "\"clients\": 2, ",
            ),
            "workload.script[1].client",
            "out of range",
            5,
        ),
        (
            "random_and_script.json",
            scenario(
                r#"{ "at": "2s", "client": 0, "f": "get", "key": "k0" }"#,
                "\"ops\": 10, ",
            ),
            "workload.ops",
            "only to random operations",
            3,
        ),
        (
            "unknown_op.json",
            scenario(
                r#"{ "at": "2s", "client": 0, "f": "cas", "key": "k0" }"#,
                "",
            ),
            "workload.script[1].f",
            "unknown operation `cas`",
            5,
        ),
    ];
    for (name, text, path, expected, line) in cases {
        let message = bad_scenario(name, &text);
        assert!(message.contains(path), "{name}: {message}");
        assert!(message.contains(expected), "{name}: {message}");
        assert!(
            message.contains(&format!("{name}:{line}:")),
            "{name}: {message}"
        );
    }
}

#[test]
fn a_fault_after_the_fault_period_is_rejected() {
    let message = bad_scenario(
        "late_fault.json",
        "{\n  \"protocol\": { \"kind\": \"broadcast\", \"nodes\": 3 },\n  \"faults\": { \
            \"schedule\": [\n    { \"at\": \"3s\", \"crash\": 1 }\n  ] },\n  \"duration\": \
            \"2s\"\n}",
    );
    assert!(
        message.contains(":4:") && message.contains("faults.schedule[0].at"),
        "{message}"
    );
    assert!(
        message.contains("not before the end of the fault period"),
        "{message}"
    );
}

#[test]
fn an_absurdly_long_time_is_rejected() {
    let message = bad_scenario(
        "too_long.json",
        "{\n  \"protocol\": { \"kind\": \"broadcast\", \"nodes\": 3 },\n  \"duration\": \"2s\",\n  \
            \"quiet\": \"9000000000s\"\n}",
    );
    assert!(
        message.contains(":4:") && message.contains("quiet") && message.contains("too long"),
        "{message}"
    );
}

#[test]
fn a_crashed_client_is_rejected_where_clients_do_not_restart() {
    let message = bad_scenario(
        "crash_client.json",
        "{\n  \"protocol\": { \"kind\": \"saga\", \"nodes\": 4 },\n  \"workload\": { \"clients\": \
            2, \"ops\": 10 },\n  \"faults\": { \"schedule\": [\n    { \"at\": \"1s\", \"crash\": 4 \
            }\n  ] }\n}",
    );
    assert!(
        message.contains(":5:") && message.contains("faults.schedule[0].crash"),
        "{message}"
    );
    assert!(message.contains("clients restart"), "{message}");
}

#[test]
fn a_bad_protocol_option_or_node_count_is_located() {
    let message = bad_scenario(
        "bad_option.json",
        "{\n  \"protocol\": {\n    \"kind\": \"lock\", \"nodes\": 3,\n    \"service\": \
            \"paxos\"\n  }\n}",
    );
    assert!(
        message.contains(":4:") && message.contains("protocol.service"),
        "{message}"
    );
    let message = bad_scenario(
        "bad_nodes.json",
        "{\n  \"protocol\": { \"kind\": \"saga\", \"nodes\": 5 }\n}",
    );
    assert!(message.contains("exactly 4 nodes"), "{message}");
}

/// Commands cut off after their first line as `| head -1` would: none panics. The
/// fuzz campaign keeps printing failures after the reader has gone, so its writes
/// meet the closed pipe whatever the timing.
#[test]
fn a_reader_that_goes_away_ends_the_command_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let commands: [&[&str]; 4] = [
        &["list", "bugs"],
        &["list", "protocols"],
        &["run", "--json"],
        &[
            "fuzz",
            "../../scenarios/raft/nemesis.json",
            "--seeds",
            "0..300",
            "--keep-going",
            "--bug",
            "raft.stale_read",
            "--json",
            "--out",
            "../../target/fuzz-closed-pipe",
        ],
    ];
    for args in commands {
        let mut child = Command::new(env!("CARGO_BIN_EXE_faultline"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        let mut first = String::new();
        let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
        stdout.read_line(&mut first).expect("a first line");
        drop(stdout);
        let output = child.wait_with_output().expect("it ends");
        let message = stderr(&output);
        assert!(!first.is_empty(), "{args:?} printed nothing");
        assert!(!message.contains("panicked"), "{args:?}: {message}");
        assert_ne!(output.status.code(), Some(101), "{args:?}: {message}");
    }
}

/// The first thing a user reads says what a green run covered: the faults applied
/// and skipped by kind (a `crash leader` before any election is skipped), what was
/// checked and on how many operations, and the commands to run next.
#[test]
fn the_run_summary_says_what_was_faulted_checked_and_what_to_do_next() {
    let path = temp_file(
        "skipped_crash.json",
        r#"{
  "name": "skipped-crash",
  "protocol": { "kind": "raft", "nodes": 3 },
  "faults": { "schedule": [
    { "at": "1ms", "crash": "leader", "for": "1s" }, { "at": "2s", "crash": 1, "for": "500ms" }
  ] },
  "workload": { "clients": 2, "ops": 10 },
  "duration": "4s"
}"#,
    );
    let output = faultline(&["run", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("1 skipped (crash: no leader 1)"), "{text}");
    assert!(text.contains("crash 1"), "{text}");
    assert!(
        text.contains("linearizability of 10 client operations"),
        "{text}"
    );
    assert!(
        text.contains("--trace skipped-crash-seed0.trace.jsonl"),
        "{text}"
    );
    assert!(text.contains("fuzz more seeds"), "{text}");

    let output = faultline(&["run", path.to_str().unwrap(), "--json"]);
    let object: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(object["faults_skipped"], 1, "{object}");
    assert_eq!(object["faults"]["skipped"][0]["reason"], "no leader");
    assert_eq!(object["faults"]["applied"]["crash"], 1);
}

/// A node down for good that the run never reached is said, not counted as checked.
#[test]
fn a_down_for_good_crash_after_the_run_ended_is_said() {
    let path = temp_file(
        "down_too_late.json",
        r#"{ "protocol": { "kind": "lock", "nodes": 3 },
  "workload": { "clients": 2, "ops": 2 },
  "checks": { "availability": "3s", "down_for_good": "holder" },
  "duration": "5s", "quiet": "20s" }"#,
    );
    let output = faultline(&["run", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("but no holder was taken down for good")
            && stdout.contains("due at 8.000s"),
        "{stdout}"
    );
}
