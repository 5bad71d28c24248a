//! `faultline check` on histories that are bad input, as a user meets them: each is an
//! error with exit code 3 that names the file and the line (and column, where there is
//! one), never a verdict and never a crash. Empty histories, operations the model cannot
//! perform, completions that do not match their invocation, nesting deep enough to
//! overflow a recursive reader, invalid UTF-8, a byte-order mark, and a JSON Lines file
//! whose first line is the broken one.

use std::path::PathBuf;
use std::process::Command;

/// What the user sees: exit code, stdout and stderr.
struct Seen {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn temp_file(name: &str, contents: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("faultline-check-input-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn check(name: &str, contents: &[u8], model: &str) -> Seen {
    let path = temp_file(name, contents);
    let output = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(["check", path.to_str().unwrap(), "--model", model])
        .output()
        .expect("the binary runs");
    Seen {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Checks a bad history and returns its one-line message, asserting exit code 3, no
/// verdict on stdout and an error naming the file.
fn bad_input(name: &str, contents: &[u8], model: &str) -> String {
    let seen = check(name, contents, model);
    assert_eq!(seen.code, Some(3), "{name}: {}{}", seen.stdout, seen.stderr);
    assert_eq!(seen.stdout, "", "{name}: no verdict");
    assert!(
        seen.stderr.contains(name),
        "names the file: {}",
        seen.stderr
    );
    assert!(!seen.stderr.contains("panicked"), "{}", seen.stderr);
    seen.stderr
}

const EDN_WRITE: &str = "{:process 0, :type :invoke, :f :write, :value 1}\n\
                         {:process 0, :type :ok, :f :write, :value 1}\n";

#[test]
fn a_history_without_operations_is_bad_input() {
    for (name, contents) in [
        ("empty.edn", ""),
        ("blank.jsonl", "\n   \n\t\n"),
        (
            "comments.edn",
            "; a Jepsen history\n;; with nothing in it\n",
        ),
        (
            "nemesis-only.edn",
            "{:process :nemesis, :type :info, :f :start, :value nil}\n",
        ),
    ] {
        let message = bad_input(name, contents.as_bytes(), "register");
        assert!(
            message.contains(&format!("{name}: no operations found")),
            "{message}"
        );
    }
}

#[test]
fn a_kv_history_checked_as_a_register_names_the_operation_and_the_model_for_it() {
    let kv = "{:process 0, :type :invoke, :f :put, :key \"a\", :value \"x\"}\n\
              {:process 0, :type :ok, :f :put, :key \"a\", :value \"x\"}\n\
              {:process 1, :type :invoke, :f :append, :key \"a\", :value \"y\"}\n\
              {:process 1, :type :ok, :f :append, :key \"a\", :value \"y\"}\n";
    let message = bad_input("kv.edn", kv.as_bytes(), "register");
    assert!(
        message.contains(
            "kv.edn:3: process 1 `append` key \"a\" value \"y\": model register has no `append` \
                operation"
        ),
        "{message}"
    );
    assert!(message.contains("--model kv accepts it"), "{message}");
}

#[test]
fn a_cas_register_history_checked_as_a_register_is_bad_input() {
    let etcd = "INFO  jepsen.util - 2\t:invoke\t:write\t1\n\
                INFO  jepsen.util - 2\t:ok\t:write\t1\n\
                INFO  jepsen.util - 3\t:invoke\t:cas\t[1 4]\n\
                INFO  jepsen.util - 3\t:fail\t:cas\t[1 4]\n";
    let message = bad_input("etcd.log", etcd.as_bytes(), "register");
    assert!(
        message.contains("etcd.log:3: process 3 `cas` value [1 4]: model register has no `cas`"),
        "{message}"
    );
    assert!(
        message.contains("--model cas-register accepts it"),
        "{message}"
    );
    let fine = check("etcd-ok.log", etcd.as_bytes(), "cas-register");
    assert_eq!(fine.code, Some(1), "the etcd reading: the compare found 1");
}

#[test]
fn a_cas_whose_value_is_not_from_and_to_is_bad_input() {
    let jsonl = concat!(
        r#"{"process":4,"type":"invoke","f":"cas","value":5}"#,
        "\n",
        r#"{"process":4,"type":"ok","f":"cas","value":5}"#,
        "\n"
    );
    let message = bad_input("cas.jsonl", jsonl.as_bytes(), "cas-register");
    assert!(
        message.contains(
            "cas.jsonl:1: process 4 `cas` value 5: model cas-register needs a cas value [from to], \
                not 5"
        ),
        "{message}"
    );
}

#[test]
fn a_completion_of_another_operation_names_both_lines() {
    let history = "{:process 0, :type :invoke, :f :write, :value 1}\n\
                   {:process 0, :type :ok, :f :read, :value 1}\n";
    let message = bad_input("mismatch.edn", history.as_bytes(), "register");
    assert!(
        message.contains(
            "mismatch.edn:2: process 0 completes `read`, but its open operation is the `write` it \
                invoked at line 1"
        ),
        "{message}"
    );
}

#[test]
fn deep_nesting_is_a_located_error_not_a_stack_overflow() {
    let deep = "[".repeat(15_000) + &"]".repeat(15_000);
    let message = bad_input("deep.edn", deep.as_bytes(), "register");
    assert!(
        message.contains("deep.edn:1: column 257: values nest more than 256 levels deep"),
        "{message}"
    );
}

#[test]
fn an_event_inside_one_big_vector_is_blamed_on_its_source_line() {
    let history = "; recorded by Jepsen\n\
                   [{:process 0, :type :invoke, :f :write, :value 1}\n \
                   {:process 0, :type :ok, :f :write, :value 1}\n \
                   {:process 0, :type :done, :f :write, :value 1}]\n";
    let message = bad_input("vector.edn", history.as_bytes(), "register");
    assert!(
        message.contains(
            "vector.edn:4: column 2: :type: expected :invoke, :ok, :fail or :info, found :done"
        ),
        "{message}"
    );
}

#[test]
fn invalid_utf8_names_the_line_and_byte() {
    let mut bytes = EDN_WRITE.as_bytes().to_vec();
    bytes.extend_from_slice(b"{:process 1, :type :invoke, :f :read, :value \"\xff\"}\n");
    let message = bad_input("latin1.edn", &bytes, "register");
    assert!(
        message.contains("latin1.edn:3: column 47 (byte offset 140): not valid UTF-8"),
        "{message}"
    );
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend_from_slice(EDN_WRITE.as_bytes());
    let seen = check("bom.edn", &bytes, "register");
    assert_eq!(seen.code, Some(0), "{}", seen.stderr);
    assert!(seen.stdout.starts_with("LINEARIZABLE"), "{}", seen.stdout);
}

#[test]
fn a_json_lines_file_with_a_broken_first_line_is_read_as_json_lines() {
    let history = concat!(
        r#"{"process":0,"type":"invoke","f":"put","key":"a","value":"x""#,
        "\n",
        r#"{"process":0,"type":"ok","f":"put","key":"a","value":"x"}"#,
        "\n"
    );
    let message = bad_input("broken.jsonl", history.as_bytes(), "kv");
    assert!(
        message.contains("broken.jsonl:1: column 60: EOF while parsing an object"),
        "{message}"
    );
    assert!(message.contains("(read as jsonl)"), "{message}");
}

/// With `--json`, bad input is the one JSON error line every command prints, for
/// linearizability, transactional and streaming checks alike.
#[test]
fn with_json_bad_input_is_one_json_line_on_stdout() {
    let path = temp_file("truncated.jsonl", b"{\"process\": 0, \"type\": \"invoke\"");
    for extra in [
        &["--model", "kv"][..],
        &["--model", "list-append"],
        &["--model", "kv", "--stream"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_faultline"))
            .args(["check", path.to_str().unwrap(), "--json"])
            .args(extra)
            .output()
            .expect("the binary runs");
        assert_eq!(output.status.code(), Some(3), "{extra:?}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let line: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one JSON line");
        assert_eq!(line["exit"], 3, "{extra:?}");
        assert!(
            line["error"].as_str().unwrap().contains("truncated.jsonl"),
            "{line}"
        );
        assert!(output.stderr.is_empty(), "{extra:?}");
    }
}
