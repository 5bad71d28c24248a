//! Where faultline's outputs go and what its errors about files say, as a user meets
//! them: `-` and `/dev/stdout` are stdout (the report moves to stderr), devices are
//! written in place, a closed pipe never costs a result file, and every error names
//! the path the user gave and what went wrong: a full disk, a truncated trace, a
//! scenario given where a trace belongs.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Ping-pong under pauses with a quiet period too short for some seeds: seed 5 is
/// stuck, and shrinks in a few runs.
const FLAKY_PINGPONG: &str = r#"{
  "name": "pingpong-tight",
  "description": "ping-pong under pauses with a quiet period too short for some seeds",
  "protocol": { "kind": "pingpong", "nodes": 2, "messages": 40 },
  "faults": { "random": { "pause_every": "30ms", "pause_for": "40ms" } },
  "duration": "150ms",
  "quiet": "120ms"
}"#;
const STUCK_SEED: &str = "5";
const EXIT_STUCK: i32 = 2;
const EXIT_BAD_INPUT: i32 = 3;
const EXIT_CLOSED_PIPE: i32 = 141;

fn faultline() -> Command {
    Command::new(env!("CARGO_BIN_EXE_faultline"))
}

/// Runs faultline in `dir` with `args`.
fn run_in<S: AsRef<OsStr>>(dir: &Path, args: &[S]) -> Output {
    faultline()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

/// A fresh directory for one test.
fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("faultline-files-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Writes the flaky scenario and the trace of its stuck seed in `dir`: `stuck.jsonl`.
fn stuck_trace(dir: &Path) -> PathBuf {
    std::fs::write(dir.join("flaky.json"), FLAKY_PINGPONG).unwrap();
    let output = run_in(
        dir,
        &[
            "run",
            "flaky.json",
            "--seed",
            STUCK_SEED,
            "--trace",
            "stuck.jsonl",
        ],
    );
    assert_eq!(
        output.status.code(),
        Some(EXIT_STUCK),
        "{}",
        text(&output.stderr)
    );
    dir.join("stuck.jsonl")
}

/// Asserts `path` holds a scenario that is stuck when run, as the trace was.
fn assert_fails_as_recorded(dir: &Path, path: &Path) {
    let output = run_in(
        dir,
        &[OsStr::new("run"), path.as_os_str(), "--json".as_ref()],
    );
    let object: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("a scenario that runs: {}", text(&output.stderr)));
    assert_eq!(object["verdict"], "stuck", "{object}");
}

/// A pipe whose reader is already gone: every write to it fails with EPIPE.
fn closed_pipe() -> std::io::PipeWriter {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    writer
}

/// Runs faultline in `dir` with stdout (and stderr too, when `both`) on a pipe
/// nobody reads; the exit code and whatever reached stderr otherwise.
fn run_into_closed_pipe(dir: &Path, args: &[&str], both: bool) -> (Option<i32>, String) {
    let pipe = closed_pipe();
    let stderr = if both {
        Stdio::from(pipe.try_clone().unwrap())
    } else {
        Stdio::piped()
    };
    let output = faultline()
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::from(pipe))
        .stderr(stderr)
        .output()
        .unwrap();
    (output.status.code(), text(&output.stderr))
}

#[test]
fn a_full_device_is_a_clear_error_naming_it() {
    let dir = workdir("full");
    let output = run_in(&dir, &["run", "--trace", "/dev/full"]);
    assert_eq!(output.status.code(), Some(EXIT_BAD_INPUT));
    let message = text(&output.stderr);
    assert!(
        message.contains("/dev/full: cannot write: no space left on device (disk full)"),
        "{message}"
    );
    assert!(
        output.stdout.is_empty(),
        "no summary of a run whose trace was lost"
    );
}

#[test]
fn devices_are_written_in_place_and_never_replaced() {
    let dir = workdir("devices");
    let output = run_in(
        &dir,
        &["run", "--trace", "/dev/null", "--history", "/dev/null"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    std::os::unix::fs::symlink("/dev/null", dir.join("null-link")).unwrap();
    let output = run_in(&dir, &["run", "--trace", "null-link", "--force"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let link = std::fs::symlink_metadata(dir.join("null-link")).unwrap();
    assert!(link.file_type().is_symlink(), "the symlink was kept");
}

#[test]
fn a_symlink_to_a_regular_file_stays_a_symlink() {
    let dir = workdir("symlink");
    std::fs::write(dir.join("target.jsonl"), "").unwrap();
    std::os::unix::fs::symlink("target.jsonl", dir.join("link.jsonl")).unwrap();
    let output = run_in(&dir, &["run", "--trace", "link.jsonl"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "an empty file is replaced: {}",
        text(&output.stderr)
    );
    let link = std::fs::symlink_metadata(dir.join("link.jsonl")).unwrap();
    assert!(link.file_type().is_symlink());
    let written = std::fs::read_to_string(dir.join("target.jsonl")).unwrap();
    assert!(written.starts_with("{\"format\":\"faultline-trace\""));
}

#[test]
fn a_dash_trace_goes_to_stdout_and_the_summary_to_stderr() {
    let dir = workdir("dash");
    let output = run_in(&dir, &["run", "--trace", "-"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(
        stdout.starts_with("{\"format\":\"faultline-trace\""),
        "{stdout}"
    );
    assert!(stdout.lines().last().unwrap().starts_with("{\"summary\""));
    assert!(text(&output.stderr).contains("verdict: PASS"));
    assert!(!dir.join("-").exists(), "no file named -");

    // And it replays from stdin.
    let mut replay = faultline()
        .args(["replay", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    replay
        .stdin
        .take()
        .unwrap()
        .write_all(stdout.as_bytes())
        .unwrap();
    let replayed = replay.wait_with_output().unwrap();
    assert_eq!(replayed.status.code(), Some(0));
    assert!(text(&replayed.stdout).contains("identical"));
}

#[test]
fn dev_stdout_is_stdout_even_with_force() {
    let dir = workdir("devstdout");
    let output = run_in(
        &dir,
        &["run", "--trace", "/dev/stdout", "--force", "--json"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(text(&output.stdout).starts_with("{\"format\":\"faultline-trace\""));
    let report: serde_json::Value = serde_json::from_slice(&output.stderr).unwrap();
    assert_eq!(report["verdict"], "pass");
    let link = std::fs::symlink_metadata("/dev/stdout").unwrap();
    assert!(
        link.file_type().is_symlink(),
        "/dev/stdout is still a symlink"
    );
}

#[test]
fn a_dash_history_goes_to_stdout_and_two_outputs_cannot_share_it() {
    let dir = workdir("history");
    let output = run_in(&dir, &["run", "--history", "-"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(!stdout.is_empty());
    for line in stdout.lines() {
        let event: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        assert!(event.get("process").is_some(), "{line}");
    }

    let both = run_in(&dir, &["run", "--trace", "-", "--history", "/dev/stdout"]);
    assert_eq!(both.status.code(), Some(EXIT_BAD_INPUT));
    let message = text(&both.stderr);
    assert!(
        message.contains("--trace and --history go to stdout"),
        "{message}"
    );
    assert!(both.stdout.is_empty());
}

#[test]
fn two_outputs_cannot_share_a_file() {
    let dir = workdir("same_file");
    let same = run_in(
        &dir,
        &["run", "--trace", "out.jsonl", "--history", "./out.jsonl"],
    );
    assert_eq!(same.status.code(), Some(EXIT_BAD_INPUT));
    let message = text(&same.stderr);
    assert!(
        message.contains("--trace and --history both name"),
        "{message}"
    );
    assert!(!dir.join("out.jsonl").exists(), "refused before the run");
    let out = dir.join("campaign");
    std::fs::write(dir.join("flaky.json"), FLAKY_PINGPONG).unwrap();
    let args = ["fuzz", "flaky.json", "--seeds", "0..2", "--out", "campaign"];
    let junit = run_in(&dir, &[&args[..], &["--junit", "campaign"]].concat());
    assert_eq!(
        junit.status.code(),
        Some(EXIT_BAD_INPUT),
        "{}",
        text(&junit.stderr)
    );
    assert!(text(&junit.stderr).contains("is the --out directory"));
    assert!(!out.exists(), "refused before any seed ran");
}

#[test]
fn a_closed_stdout_ends_a_trace_to_stdout_quietly() {
    let dir = workdir("closed");
    let (code, stderr) = run_into_closed_pipe(&dir, &["run", "--trace", "-"], false);
    assert_eq!(code, Some(EXIT_CLOSED_PIPE), "{stderr}");
    assert!(stderr.is_empty(), "quietly: {stderr}");
}

#[test]
fn errors_name_the_users_path_and_what_went_wrong() {
    let dir = workdir("errors");
    std::fs::write(dir.join("plain"), "not a directory").unwrap();
    let output = run_in(&dir, &["run", "--trace", "plain/sub/t.jsonl"]);
    assert_eq!(output.status.code(), Some(EXIT_BAD_INPUT));
    let message = text(&output.stderr);
    assert!(
        message.contains("plain/sub/t.jsonl: cannot create its directory plain/sub")
            && message.contains("not a directory"),
        "{message}"
    );
    assert!(
        !message.contains(".tmp"),
        "never the temporary file: {message}"
    );

    let output = run_in(&dir, &["run", "--trace", "."]);
    assert_eq!(output.status.code(), Some(EXIT_BAD_INPUT));
    assert!(text(&output.stderr).contains(".: is a directory"));

    let output = run_in(&dir, &["run", "--trace", "plain"]);
    assert_eq!(output.status.code(), Some(EXIT_BAD_INPUT));
    assert!(text(&output.stderr).contains("plain: exists and was not written by faultline"));
}

#[test]
fn a_truncated_trace_is_reported_as_truncated_not_as_a_divergence() {
    let dir = workdir("truncated");
    let trace = std::fs::read_to_string(stuck_trace(&dir)).unwrap();
    let lines = trace.lines().count();
    let without_summary: String = trace
        .lines()
        .take(lines - 1)
        .map(|l| format!("{l}\n"))
        .collect();
    let mid_line = &trace[..trace.len() - 20];
    for (name, contents, last_line) in [
        ("no-summary.jsonl", without_summary.as_str(), lines - 1),
        ("mid-line.jsonl", mid_line, lines),
    ] {
        std::fs::write(dir.join(name), contents).unwrap();
        let replay = ["replay", name];
        let shrink = ["shrink", name, "-o", "never.json"];
        for args in [replay.as_slice(), shrink.as_slice()] {
            let output = run_in(&dir, args);
            let command = args[0];
            assert_eq!(
                output.status.code(),
                Some(EXIT_BAD_INPUT),
                "{command} {name}"
            );
            let message = text(&output.stderr);
            let expected = format!(
                "{name}:{last_line}:1: truncated: the trace ends at line {last_line} without its \
                    final record"
            );
            assert!(message.contains(&expected), "{command}: {message}");
            assert!(!text(&output.stdout).contains("DIVERGED"));
        }
    }
    assert!(!dir.join("never.json").exists());
}

#[test]
fn a_scenario_given_to_replay_and_a_trace_given_to_run_are_named_as_such() {
    let dir = workdir("swapped");
    let trace = stuck_trace(&dir);
    let output = run_in(&dir, &["replay", "flaky.json"]);
    assert_eq!(output.status.code(), Some(EXIT_BAD_INPUT));
    let message = text(&output.stderr);
    assert!(
        message.contains("flaky.json: is a scenario file, not a trace; to run it: ")
            && message.trim_end().ends_with(" run flaky.json"),
        "{message}"
    );

    let output = run_in(&dir, &[OsStr::new("run"), trace.as_os_str()]);
    assert_eq!(output.status.code(), Some(EXIT_BAD_INPUT));
    let message = text(&output.stderr);
    assert!(
        message.contains("is a faultline trace, not a scenario; to run it again: ")
            && message.contains(" replay "),
        "{message}"
    );
}

#[test]
fn shrink_writes_its_file_before_printing_to_a_closed_pipe() {
    let dir = workdir("shrink-closed");
    stuck_trace(&dir);
    // Both streams closed: the first line of progress ends the command, and the
    // file already holds the whole failing scenario.
    let args = ["shrink", "stuck.jsonl", "-o", "early.json"];
    let (code, _) = run_into_closed_pipe(&dir, &args, true);
    assert_eq!(code, Some(EXIT_CLOSED_PIPE));
    assert_fails_as_recorded(&dir, Path::new("early.json"));
    let early = std::fs::read_to_string(dir.join("early.json")).unwrap();
    assert!(early.contains("Not shrunk"), "{early}");

    // Only stdout closed: the report ends the command, after the minimal scenario
    // was written.
    let args = ["shrink", "stuck.jsonl", "-o", "minimal.json"];
    let (code, stderr) = run_into_closed_pipe(&dir, &args, false);
    assert_eq!(code, Some(EXIT_CLOSED_PIPE), "{stderr}");
    assert_fails_as_recorded(&dir, Path::new("minimal.json"));
    let minimal = std::fs::read_to_string(dir.join("minimal.json")).unwrap();
    assert!(minimal.contains("Reproduces STUCK"), "{minimal}");
}

#[test]
fn shrink_into_head_leaves_a_valid_scenario() {
    let dir = workdir("shrink-head");
    stuck_trace(&dir);
    let program = env!("CARGO_BIN_EXE_faultline");
    let status = Command::new("sh")
        .current_dir(&dir)
        .arg("-c")
        .arg(r#""$0" shrink stuck.jsonl -o zz.json 2>&1 | head -1 >/dev/null"#)
        .arg(program)
        .status()
        .unwrap();
    assert!(status.success());
    assert_fails_as_recorded(&dir, Path::new("zz.json"));
}

#[test]
fn shrink_to_stdout_prints_the_scenario_alone() {
    let dir = workdir("shrink-dash");
    stuck_trace(&dir);
    let output = run_in(&dir, &["shrink", "stuck.jsonl", "-o", "-"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let scenario: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON alone");
    assert_eq!(scenario["name"], "pingpong-tight-shrunk");
    assert!(text(&output.stderr).contains("wrote the minimal scenario to stdout"));
    assert!(!dir.join("-").exists());
}

#[test]
fn shrinking_a_passing_trace_leaves_no_file() {
    let dir = workdir("shrink-pass");
    let output = run_in(&dir, &["run", "--trace", "pass.jsonl"]);
    assert_eq!(output.status.code(), Some(0));
    let output = run_in(&dir, &["shrink", "pass.jsonl", "-o", "out.json"]);
    assert_eq!(output.status.code(), Some(EXIT_BAD_INPUT));
    assert!(text(&output.stderr).contains("nothing to shrink"));
    assert!(!dir.join("out.json").exists(), "no file claims a failure");
}

#[test]
fn non_utf8_paths_are_quoted_in_commands_and_kept_in_messages() {
    let dir = workdir("bytes");
    let name = OsStr::from_bytes(b"t\xff.jsonl");
    let output = run_in(&dir, &[OsStr::new("run"), "--trace".as_ref(), name]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let summary = text(&output.stdout);
    assert!(summary.contains(r"replay $'t\xff.jsonl'"), "{summary}");
    assert!(dir.join(name).exists());

    let missing = OsStr::from_bytes(b"gone\xff.jsonl");
    let output = run_in(&dir, &[OsStr::new("replay"), missing]);
    assert_eq!(output.status.code(), Some(EXIT_BAD_INPUT));
    let message = text(&output.stderr);
    assert!(
        message.contains("gone\u{fffd}.jsonl: cannot read: no such file or directory"),
        "{message}"
    );
}

#[test]
fn a_fifo_is_written_in_place_for_its_reader() {
    let dir = workdir("fifo");
    let made = Command::new("mkfifo")
        .arg(dir.join("pipe"))
        .status()
        .unwrap();
    assert!(made.success());
    // The reader copies into a file, so it never waits on us while we wait on it.
    let copy = std::fs::File::create(dir.join("copy.jsonl")).unwrap();
    let mut reader = Command::new("cat")
        .arg(dir.join("pipe"))
        .stdout(Stdio::from(copy))
        .spawn()
        .unwrap();
    let output = run_in(&dir, &["run", "--trace", "pipe"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(reader.wait().unwrap().success());
    let copied = std::fs::read_to_string(dir.join("copy.jsonl")).unwrap();
    assert!(copied.starts_with("{\"format\":\"faultline-trace\""));
    assert!(copied.lines().last().unwrap().starts_with("{\"summary\""));
    let kept = std::fs::symlink_metadata(dir.join("pipe")).unwrap();
    assert!(
        !kept.file_type().is_file(),
        "still a FIFO, not renamed over"
    );
}

/// `check -` reads the history from stdin, so a run's history pipes straight into
/// the checker.
#[test]
fn a_history_piped_to_check_dash_is_checked() {
    let dir = workdir("check-stdin");
    let history = run_in(&dir, &["run", "--history", "-"]);
    assert_eq!(history.status.code(), Some(0), "{}", text(&history.stderr));
    let mut check = faultline()
        .current_dir(&dir)
        .args(["check", "--model", "kv", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    use std::io::Write;
    let mut stdin = check.stdin.take().expect("piped");
    stdin.write_all(&history.stdout).expect("written");
    drop(stdin);
    let output = check.wait_with_output().expect("it ends");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(text(&output.stdout).starts_with("LINEARIZABLE: 100 operations"));
}

/// The summary line is checked too: a trace whose events replay the same but whose
/// summary was edited (its hash, its verdict) is not reported identical.
#[test]
fn an_edited_summary_line_diverges_at_the_summary() {
    let dir = workdir("edited_summary");
    let trace = stuck_trace(&dir);
    let text_of = std::fs::read_to_string(&trace).unwrap();
    let edited = text_of.replace("\"verdict\":\"stuck\"", "\"verdict\":\"pass\"");
    assert_ne!(edited, text_of, "the summary names its verdict");
    std::fs::write(dir.join("edited.jsonl"), edited).unwrap();
    let output = run_in(&dir, &["replay", "edited.jsonl"]);
    assert_eq!(output.status.code(), Some(EXIT_STUCK), "a divergence");
    let stdout = text(&output.stdout);
    assert!(stdout.contains("DIVERGED at the summary line"), "{stdout}");
    assert!(
        stdout.contains("verdict: recorded \"pass\", replayed \"stuck\""),
        "{stdout}"
    );
    let json = run_in(&dir, &["replay", "edited.jsonl", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["identical"], false);
}

#[test]
fn a_report_over_its_own_trace_and_an_empty_time_window_are_refused() {
    let dir = workdir("own_input");
    let trace = stuck_trace(&dir);
    let before = std::fs::read(&trace).unwrap();
    let over = run_in(&dir, &["report", "stuck.jsonl", "-o", "./stuck.jsonl"]);
    assert_eq!(over.status.code(), Some(EXIT_BAD_INPUT));
    assert!(text(&over.stderr).contains("is the file the report reads"));
    assert_eq!(
        std::fs::read(&trace).unwrap(),
        before,
        "the trace is untouched"
    );
    let args = [
        "replay",
        "stuck.jsonl",
        "--timeline",
        "--from",
        "5s",
        "--to",
        "1s",
    ];
    let window = run_in(&dir, &args);
    assert_eq!(window.status.code(), Some(EXIT_BAD_INPUT));
    assert!(text(&window.stderr).contains("is after --to"));
}
