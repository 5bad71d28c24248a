//! The JUnit XML report of a campaign, for CI systems.
//!
//! One `<testsuite>` named by scenario, seed range and shard, holding one
//! `<testcase>` per failing seed (a `<failure>` for a violated property, an `<error>`
//! for stuck or unknown; detail, trace, replay and reproduce commands in its text)
//! and one for the campaign itself (`campaign seeds A..B shard K/N`: the passing
//! seeds). A campaign stopped before every seed ran says so in `<properties>`
//! (`stopped`, `interrupted`, `seeds_not_run`, `resume`) and in its campaign test
//! case: an `<error>` after a signal, a `<failure>` with `--require-complete`, else
//! `<skipped>`; a campaign that ran every seed but never reached a situation its
//! scenario requires fails it (`never_reached`); so the report has a failing test
//! case exactly when the exit code is not 0. `<properties>` also carry the
//! coverage: how many declared situations were reached (`coverage`), those never
//! reached (`never_reached`), and the seeds reaching each (`situation: NAME`). The
//! counts (`tests`, `failures`, `errors`, `skipped`) are computed from the test
//! cases written, so they always agree with them.
//!
//! The file starts with [`HEADER`], which is how a later run knows it may replace it.

use super::failure::{Failure, MAX_LISTED};
use super::runner::{CampaignReport, Stop};
use super::summary::resume_range;
use super::FuzzArgs;
use faultline_harness::reached::NEVER_REACHED;
use faultline_harness::{Scenario, Verdict};

/// The first lines of every JUnit file faultline writes.
pub const HEADER: &str =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- faultline fuzz JUnit report -->\n";

/// How one test case ended.
enum CaseResult {
    Pass,
    Failure { message: String, text: String },
    Error { message: String, text: String },
    Skipped { message: String },
}

struct TestCase {
    name: String,
    result: CaseResult,
    /// Extra lines for `<system-out>`.
    output: Option<String>,
}

pub fn render(
    scenario: &Scenario,
    args: &FuzzArgs,
    report: &CampaignReport,
    resume: Option<&str>,
) -> String {
    let mut cases: Vec<TestCase> = report.failures.iter().map(failure_case).collect();
    cases.extend(unlisted_cases(report));
    cases.push(campaign_case(args, report, resume));
    let count =
        |matches: fn(&CaseResult) -> bool| cases.iter().filter(|c| matches(&c.result)).count();
    let failures = count(|r| matches!(r, CaseResult::Failure { .. }));
    let errors = count(|r| matches!(r, CaseResult::Error { .. }));
    let skipped = count(|r| matches!(r, CaseResult::Skipped { .. }));
    let counts = format!(
        "tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" \
            time=\"{:.3}\"",
        cases.len(),
        report.wall.as_secs_f64()
    );
    let classname = escape(&scenario.file.name);
    let mut xml = format!("{HEADER}<testsuites {counts}>\n");
    xml += &format!(
        "<testsuite name=\"{}\" {counts}>\n",
        escape(&suite_name(scenario, args))
    );
    xml += &properties(scenario, args, report, resume);
    for case in &cases {
        xml += &render_case(&classname, case);
    }
    xml + "</testsuite>\n</testsuites>\n"
}

fn suite_name(scenario: &Scenario, args: &FuzzArgs) -> String {
    format!(
        "faultline fuzz {} seeds {} shard {}",
        scenario.file.name,
        args.seeds,
        args.shard()
    )
}

fn properties(
    scenario: &Scenario,
    args: &FuzzArgs,
    report: &CampaignReport,
    resume: Option<&str>,
) -> String {
    let mut entries = vec![
        ("scenario", scenario.file.name.clone()),
        ("seeds", args.seeds.to_string()),
        ("shard", args.shard().to_string()),
        ("seeds_planned", report.planned.to_string()),
        ("seeds_run", report.tally.seeds_run.to_string()),
        ("seeds_not_run", report.seeds_not_run().to_string()),
        ("stopped", report.stop.key().to_string()),
        ("interrupted", report.interrupted().is_some().to_string()),
    ];
    entries.extend(
        report
            .interrupted()
            .map(|s| ("signal", s.name().to_string())),
    );
    entries.extend(resume_range(args, report).map(|r| ("next_seeds", r.to_string())));
    entries.extend(resume.map(|r| ("resume", r.to_string())));
    let mut entries: Vec<(String, String)> = entries
        .into_iter()
        .map(|(name, value)| (name.to_string(), value))
        .collect();
    entries.extend(report.guided.iter().flat_map(|g| g.junit_properties()));
    entries.extend(report.coverage.junit_properties());
    let mut xml = String::from("  <properties>\n");
    for (name, value) in entries {
        let name = escape(&name);
        xml += &format!(
            "    <property name=\"{name}\" value=\"{}\"/>\n",
            escape(&value)
        );
    }
    xml + "  </properties>\n"
}

fn failure_case(failure: &Failure) -> TestCase {
    let message = failure.property.clone().unwrap_or_else(|| "?".into());
    let mut text = failure.detail.clone().unwrap_or_default();
    if let Some(trace) = failure.trace_path() {
        text += &format!("\ntrace: {}", trace.display());
    }
    if let Some(replay) = &failure.replay {
        text += &format!("\nreplay: {replay}");
    }
    text += &format!("\nreproduce: {}", failure.repro);
    let result = if failure.verdict == Verdict::Fail {
        CaseResult::Failure { message, text }
    } else {
        CaseResult::Error { message, text }
    };
    TestCase {
        name: format!("seed {}", failure.seed),
        result,
        output: None,
    }
}

/// Failures past [`MAX_LISTED`]: one test case per kind, counting them.
fn unlisted_cases(report: &CampaignReport) -> Vec<TestCase> {
    let listed = |verdict_is_fail: bool| {
        report
            .failures
            .iter()
            .filter(|f| (f.verdict == Verdict::Fail) == verdict_is_fail)
            .count() as u64
    };
    let tally = &report.tally;
    let more_failed = tally.failed - listed(true);
    let more_errors = tally.stuck + tally.unknown - listed(false);
    let text = format!("only the first {MAX_LISTED} failing seeds are listed");
    let mut cases = Vec::new();
    if more_failed > 0 {
        cases.push(TestCase {
            name: format!("{more_failed} more failed seeds"),
            result: CaseResult::Failure {
                message: format!("{more_failed} more seeds failed a property"),
                text: text.clone(),
            },
            output: None,
        });
    }
    if more_errors > 0 {
        cases.push(TestCase {
            name: format!("{more_errors} more stuck or unknown seeds"),
            result: CaseResult::Error {
                message: format!("{more_errors} more seeds were stuck or unknown"),
                text,
            },
            output: None,
        });
    }
    cases
}

/// The campaign as a test case: passes when every seed ran (failures are their own
/// test cases), otherwise says how many seeds were not run and why.
fn campaign_case(args: &FuzzArgs, report: &CampaignReport, resume: Option<&str>) -> TestCase {
    let tally = &report.tally;
    let ran = format!(
        "{} of {} seeds run: {} passed, {} failed, {} stuck, {} unknown",
        tally.seeds_run, report.planned, tally.passed, tally.failed, tally.stuck, tally.unknown
    );
    let resume_line = resume.map_or(String::new(), |r| format!("\nresume: {r}"));
    let never_reached = report.coverage.never_reached_line();
    let never_line = never_reached.map_or(String::new(), |n| format!("\n{n}"));
    let reach = report.reach();
    let reach_line = reach.text().map_or(String::new(), |r| format!("\n{r}"));
    let summary = format!("{ran}{never_line}{reach_line}{resume_line}");
    let name = format!("campaign seeds {} shard {}", args.seeds, args.shard());
    if let Some(detail) = reach.detail() {
        let message = format!("{}: {detail}", NEVER_REACHED.name);
        return TestCase {
            name,
            result: CaseResult::Failure {
                message,
                text: summary,
            },
            output: None,
        };
    }
    if report.seeds_not_run() == 0 {
        return TestCase {
            name,
            result: CaseResult::Pass,
            output: Some(summary),
        };
    }
    let message = format!(
        "stopped early by {}: {} seeds not run",
        report.stop.reason(args),
        report.seeds_not_run()
    );
    let (result, output) = match report.stop {
        Stop::Signal(_) => (
            CaseResult::Error {
                message,
                text: summary,
            },
            None,
        ),
        _ if args.require_complete => (
            CaseResult::Failure {
                message,
                text: summary,
            },
            None,
        ),
        _ => (CaseResult::Skipped { message }, Some(summary)),
    };
    TestCase {
        name,
        result,
        output,
    }
}

fn render_case(classname: &str, case: &TestCase) -> String {
    let mut xml = format!(
        "  <testcase classname=\"{classname}\" name=\"{}\"",
        escape(&case.name)
    );
    let body = match &case.result {
        CaseResult::Pass => String::new(),
        CaseResult::Failure { message, text } => element("failure", message, text),
        CaseResult::Error { message, text } => element("error", message, text),
        CaseResult::Skipped { message } => {
            format!("    <skipped message=\"{}\"/>\n", escape(message))
        }
    };
    let output = case.output.as_ref().map_or(String::new(), |text| {
        format!("    <system-out>{}</system-out>\n", escape(text))
    });
    if body.is_empty() && output.is_empty() {
        return xml + "/>\n";
    }
    xml += ">\n";
    xml + &body + &output + "  </testcase>\n"
}

fn element(tag: &str, message: &str, text: &str) -> String {
    format!(
        "    <{tag} message=\"{}\" type=\"{tag}\">{}</{tag}>\n",
        escape(message),
        escape(text)
    )
}

/// `text` as XML character data or attribute value: markup escaped, and characters
/// XML 1.0 forbids (control characters from a detail message) replaced by U+FFFD.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\n' | '\t' | '\r' => escaped.push(c),
            c if (c as u32) < 0x20 => escaped.push('\u{FFFD}'),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_the_xml_well_formed() {
        let text = "a<b & \"c\"\u{1b}[0m";
        let xml = format!("<x y=\"{0}\">{0}</x>", escape(text));
        let doc = roxmltree::Document::parse(&xml).expect("well-formed");
        assert_eq!(
            doc.root_element().attribute("y"),
            Some("a<b & \"c\"\u{FFFD}[0m")
        );
    }
}
