//! `faultline check --stream`: the streaming check from the command line gives the
//! whole-history verdicts and exit codes, reads a history from a file or stdin, and
//! turns bad input into exit 3 naming the file and line.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn faultline(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("faultline runs");
    let mut input = child.stdin.take().unwrap();
    // A command that refuses its arguments exits without reading stdin: the pipe
    // may close under the write, which is not the test's failure.
    if let Err(e) = input.write_all(stdin.as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn put_then_get(read: &str) -> String {
    [
        r#"{"process":1,"type":"invoke","f":"put","key":"a","value":"x"}"#,
        r#"{"process":1,"type":"ok","f":"put","key":"a","value":"x"}"#,
        "",
        r#"{"process":2,"type":"invoke","f":"get","key":"a"}"#,
        &format!(r#"{{"process":2,"type":"ok","f":"get","key":"a","value":"{read}"}}"#),
    ]
    .join("\n")
}

#[test]
fn a_stale_read_fails_with_its_line_and_a_good_history_passes() {
    let bad = faultline(
        &["check", "-", "--model", "kv", "--stream"],
        &put_then_get("y"),
    );
    let stdout = String::from_utf8_lossy(&bad.stdout);
    assert_eq!(bad.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("NOT LINEARIZABLE"), "{stdout}");
    assert!(
        stdout.contains("(line 4)") && stdout.contains("\"x\""),
        "{stdout}"
    );
    let good = faultline(
        &["check", "-", "--model", "kv", "--stream", "--json"],
        &put_then_get("x"),
    );
    let report: serde_json::Value = serde_json::from_slice(&good.stdout).unwrap();
    assert_eq!(good.status.code(), Some(0), "{report}");
    assert_eq!(report["verdict"], "linearizable");
    assert_eq!(report["operations"], 2);
    assert_eq!(report["stream"], true);
}

#[test]
fn bad_input_is_exit_3_naming_the_line() {
    let broken = put_then_get("x").replace(r#""type":"ok","f":"get""#, r#""type":"ok","f":"gte""#);
    let out = faultline(&["check", "-", "--model", "kv", "--stream"], &broken);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("stdin:5:") && stderr.contains("gte"),
        "{stderr}"
    );

    let rejected = put_then_get("x");
    let out = faultline(&["check", "-", "--model", "mutex", "--stream"], &rejected);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("stdin:"), "{stderr}");

    let out = faultline(&["check", "-", "--model", "kv", "--stream"], "\n\n");
    assert_eq!(out.status.code(), Some(3));
    let out = faultline(
        &[
            "check",
            "-",
            "--model",
            "kv",
            "--stream",
            "--html",
            "page.html",
        ],
        &put_then_get("x"),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("--html"), "{stderr}");
}
