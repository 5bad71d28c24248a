//! What a report costs: for each protocol's default nemesis run and one run of about
//! 100,000 events, the page's size, the time `faultline report` takes to write it, and
//! the time it takes to open in headless Chromium (the browser's whole `--dump-dom`,
//! start-up included, and the page's own script time, which it records on the chart).
//! Without Chromium the section says so instead of guessing figures.

use crate::cmd;
use anyhow::{Context, Result};
use std::fmt::Write;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// The large run: the Raft nemesis for 150 simulated seconds.
const LARGE_RUN: &str = "scenarios/bench/raft_long.json";

pub fn section(faultline: &str, doc: &mut String) -> Result<()> {
    doc.push_str(
        "## Reports\n\nTarget: the report of a 10-simulated-second nemesis run stays \
        under a few MB and opens in under a second; a 100,000-event run still opens.\n\n",
    );
    let Some(browser) = browser() else {
        doc.push_str("Not measured: Chromium is not installed (`apt-get install chromium`).\n\n");
        return Ok(());
    };
    doc.push_str(
        "| run | events | page size | written in | Chromium open (whole) | page script \
        |\n|---|---|---|---|---|---|\n",
    );
    let mut scenarios: Vec<String> = cmd::default_scenarios(faultline)?
        .into_iter()
        .filter(|s| s.ends_with("/nemesis.json"))
        .collect();
    scenarios.push(LARGE_RUN.to_string());
    let dir = std::env::temp_dir().join(format!("faultline-bench-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    for scenario in &scenarios {
        let _ = writeln!(doc, "{}", row(faultline, &browser, scenario, &dir)?);
    }
    let _ = std::fs::remove_dir_all(&dir);
    doc.push_str(
        "\nCommand: `faultline report SCENARIO -o run.html` (release build), then \
         `chromium --headless --dump-dom file://…/run.html`; the page script time is the \
         chart's `data-render-ms`.\n\n",
    );
    Ok(())
}

fn row(faultline: &str, browser: &str, scenario: &str, dir: &Path) -> Result<String> {
    let page = dir.join("run.html");
    let page_arg = page.to_str().context("a UTF-8 temp path")?;
    let started = Instant::now();
    cmd::output(faultline, &["report", scenario, "-o", page_arg, "--force"])?;
    let written_s = started.elapsed().as_secs_f64();
    let bytes = std::fs::metadata(&page)?.len();
    let events = cmd::output(faultline, &["run", scenario, "--json"])?;
    let events: serde_json::Value = serde_json::from_str(events.trim())?;
    let started = Instant::now();
    let dom = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg(format!("file://{}", page.display()))
        .output()?;
    let open_s = started.elapsed().as_secs_f64();
    let dom = String::from_utf8_lossy(&dom.stdout);
    Ok(format!(
        "| `{scenario}` | {} | {:.2} MB | {written_s:.2} s | {open_s:.2} s | {} ms |",
        events["events"],
        bytes as f64 / 1e6,
        render_ms(&dom).unwrap_or_else(|| "?".into())
    ))
}

/// The chart's own record of its script time.
fn render_ms(dom: &str) -> Option<String> {
    let start = dom.find("data-render-ms=\"")? + "data-render-ms=\"".len();
    let length = dom[start..].find('"')?;
    Some(dom[start..start + length].to_string())
}

fn browser() -> Option<String> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| {
            Command::new(name)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .map(str::to_string)
}
