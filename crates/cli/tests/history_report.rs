//! `faultline check HISTORY --html FILE`, as a user meets it: a page of the history
//! that shows the longest linearization found and the operation that cannot be placed
//! (the Porcupine view), self-contained, never written over a file faultline did not
//! write, and rendered in headless Chromium with the marker on the right operation.

mod common;

use common::{faultline, stderr, stdout, workdir};
use std::path::Path;

/// Process 1 reads 2 while the register only ever held 1: not linearizable.
const BAD_REGISTER: &str = "\
{:process 0, :type :invoke, :f :write, :value 1}
{:process 0, :type :ok, :f :write, :value 1}
{:process 1, :type :invoke, :f :read, :value nil}
{:process 0, :type :invoke, :f :write, :value 1}
{:process 1, :type :ok, :f :read, :value 2}
{:process 0, :type :ok, :f :write, :value 1}
";

const GOOD_REGISTER: &str = "\
{:process 0, :type :invoke, :f :write, :value 1}
{:process 1, :type :invoke, :f :read, :value nil}
{:process 0, :type :ok, :f :write, :value 1}
{:process 1, :type :ok, :f :read, :value 1}
";

fn check_html(dir: &Path, history: &str, extra: &[&str]) -> (std::process::Output, String) {
    let input = dir.join("history.edn");
    std::fs::write(&input, history).unwrap();
    let page = dir.join("history.html");
    let mut args = vec![
        "check",
        input.to_str().unwrap(),
        "--model",
        "register",
        "--html",
        page.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let output = faultline(&args);
    let html = std::fs::read_to_string(&page).unwrap_or_default();
    (output, html)
}

fn inlined_data(html: &str) -> serde_json::Value {
    let open = "<script id=\"faultline-data\" type=\"application/json\">";
    let start = html.find(open).expect("the data element") + open.len();
    let length = html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..start + length]).expect("the data is JSON")
}

#[test]
fn a_bad_history_gets_a_page_naming_the_operation_that_cannot_be_placed() {
    let dir = workdir("history-bad");
    let (output, html) = check_html(&dir, BAD_REGISTER, &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("NOT LINEARIZABLE"), "{text}");
    assert!(html.starts_with("<!DOCTYPE html>\n<!-- faultline report"));
    assert!(!html.to_lowercase().contains("src=\"http"));
    let data = inlined_data(&html);
    assert_eq!(data["verdict"], "NOT LINEARIZABLE");
    assert_eq!(data["ops"].as_array().unwrap().len(), 3);
    let stuck: Vec<_> = data["ops"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|op| op["stuck"] == true)
        .collect();
    assert_eq!(stuck.len(), 1);
    assert!(
        stuck[0]["text"].as_str().unwrap().contains("read -> 2"),
        "{stuck:?}"
    );
    assert_eq!(data["linearization"].as_array().unwrap().len(), 2, "{data}");
}

#[test]
fn a_good_history_gets_a_page_with_its_verdict_and_no_marker() {
    let dir = workdir("history-good");
    let (output, html) = check_html(&dir, GOOD_REGISTER, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let data = inlined_data(&html);
    assert_eq!(data["verdict"], "LINEARIZABLE");
    assert!(data["stuck"].is_null());
    assert_eq!(data["ops"].as_array().unwrap().len(), 2);
}

#[test]
fn the_page_is_never_written_over_a_file_faultline_did_not_write() {
    let dir = workdir("history-refuse");
    std::fs::write(dir.join("history.html"), "my notes").unwrap();
    let (output, html) = check_html(&dir, BAD_REGISTER, &[]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(stderr(&output).contains("--force"), "{}", stderr(&output));
    assert_eq!(html, "my notes");
    let (output, html) = check_html(&dir, BAD_REGISTER, &["--force"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(html.starts_with("<!DOCTYPE html>"));
}

#[test]
fn the_history_page_renders_in_headless_chromium() {
    let Some(browser) = common::browser_or_skip("the_history_page_renders_in_headless_chromium")
    else {
        return;
    };
    let dir = workdir("history-chromium");
    let (_, html) = check_html(&dir, BAD_REGISTER, &[]);
    assert!(!html.is_empty());
    let (dom, log) = common::rendered_dom(browser, &dir.join("history.html"), &dir.join("profile"));
    assert!(!log.contains("Uncaught"), "a script error: {log}");
    assert!(dom.contains("<svg id=\"lanes\""), "the chart was drawn");
    assert_eq!(dom.matches("class=\"op").count(), 3, "a bar per operation");
    assert!(dom.contains("id=\"stuck-marker\""), "{dom}");
    assert!(dom.contains("cannot be placed: read -&gt; 2"), "{dom}");
    assert!(dom.contains("NOT LINEARIZABLE"));
}
