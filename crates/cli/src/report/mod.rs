//! `faultline report TRACE -o run.html`: one self-contained HTML page that shows a
//! run, so a person can see how a failure happened: a message sequence chart, node
//! states and faults as bands, client operations as bars, and the violated property
//! at its event. The data is inlined as JSON and the script and styles are written
//! here (`page.html`): the page opens offline, from a CI artifact, with no network.
//!
//! The run is re-run from the trace's header (node states are not in trace files);
//! a scenario file is run as it is. `fuzz` writes a report beside each trace it keeps.

mod columns;
mod data;
pub mod history_view;
mod linearization;

use crate::app::App;
use crate::exit::{usage_error, Exit};
use crate::files::{check_replaceable, read_input, write_output};
use crate::output::{errln, outln};
use clap::Args;
use faultline_harness::replay::first_divergence;
use faultline_harness::trace_file::{self, looks_like_trace};
use faultline_harness::{run, Outcome, RunOptions, Scenario, ScenarioFile};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// How every report starts: what marks a file as one faultline may replace.
pub const REPORT_HEAD: &str = "<!DOCTYPE html>\n<!-- faultline report";

const PAGE: &str = include_str!("page.html");
const DATA_SLOT: &str = "/*FAULTLINE_DATA*/null";

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// A trace (`faultline run --trace`, `faultline fuzz`) or a scenario file (`-`: stdin).
    pub trace: PathBuf,
    /// Where to write the HTML page (`-`: stdout).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// Replace the output even if faultline did not write it.
    #[arg(long)]
    pub force: bool,
}

pub fn report_command(app: &App, args: &ReportArgs) -> Result<i32, Exit> {
    let name = args.trace.display().to_string();
    if !crate::files::is_stdout(&args.output) && crate::files::same_path(&args.output, &args.trace)
    {
        let why = anyhow::anyhow!(
            "-o {}: is the file the report reads; give the page a name of its own",
            args.output.display()
        );
        return Err(usage_error(why));
    }
    let text = read_input(&args.trace).map_err(usage_error)?;
    let (file, recorded) = if looks_like_trace(&text) {
        let trace = trace_file::parse(&text, &name).map_err(Exit::input)?;
        let mut file = trace.header.scenario.clone();
        file.seed = trace.header.seed;
        (file, Some(trace.events))
    } else {
        let file =
            faultline_harness::scenario::validate::parse_file(&text, &name).map_err(Exit::input)?;
        (file, None)
    };
    let (scenario, outcome) = traced_run(app, file, &name)?;
    if let Some(d) = recorded.and_then(|events| first_divergence(&events, trace_events(&outcome))) {
        errln!(
            "warning: {name}: the run differs from the recording at event {} (the code changed \
                since it was recorded?); the report shows the new run",
            d.index
        );
    }
    check_replaceable(&args.output, args.force, REPORT_HEAD).map_err(usage_error)?;
    let html = page(&scenario, &outcome);
    write_output(&args.output, &html).map_err(usage_error)?;
    if !crate::files::is_stdout(&args.output) {
        outln!(
            "report of {name} ({}{}): {} ({} KB)",
            outcome.verdict.label(),
            outcome
                .property
                .as_deref()
                .map(|p| format!(" {p}"))
                .unwrap_or_default(),
            args.output.display(),
            html.len().div_ceil(1024)
        );
    }
    Ok(0)
}

fn trace_events(outcome: &Outcome) -> &[Value] {
    outcome.trace.as_deref().unwrap_or_default()
}

/// Validates `file` and runs it with its trace (and node states) kept.
fn traced_run(app: &App, file: ScenarioFile, name: &str) -> Result<(Scenario, Outcome), Exit> {
    let scenario = Scenario::from_file_named(file, name, &app.registry).map_err(Exit::input)?;
    let outcome = run(&scenario, &RunOptions::traced()).map_err(Exit::input)?;
    Ok((scenario, outcome))
}

/// The whole page for a run kept with its trace.
pub fn page(scenario: &Scenario, outcome: &Outcome) -> String {
    let data = data::report_data(
        &scenario.file.name,
        scenario.info.name,
        scenario.servers,
        outcome,
    );
    PAGE.replacen(DATA_SLOT, &inline_json(&data), 1)
}

/// JSON safe inside a `<script>` element: no `<` at all (so never `</script>` or
/// `<!--`), written as the JSON escape `\u003c` that parses back to the same text.
fn inline_json(data: &Value) -> String {
    data.to_string().replace('<', "\\u003c")
}

/// Writes the report of a traced run to `path` unless a file faultline did not
/// write is there (or `force`).
pub fn write_report(
    path: &Path,
    force: bool,
    scenario: &Scenario,
    outcome: &Outcome,
) -> anyhow::Result<()> {
    check_replaceable(path, force, REPORT_HEAD)?;
    crate::files::write_atomically(path, &page(scenario, outcome))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inlined_json_cannot_close_its_script_element() {
        let data = serde_json::json!({"text": "</script><!-- x"});
        let inline = inline_json(&data);
        assert!(!inline.contains('<'));
        assert_eq!(serde_json::from_str::<Value>(&inline).unwrap(), data);
    }

    #[test]
    fn the_page_starts_with_its_mark_and_has_one_data_slot() {
        assert!(PAGE.starts_with(REPORT_HEAD));
        assert_eq!(PAGE.matches(DATA_SLOT).count(), 1);
    }
}
