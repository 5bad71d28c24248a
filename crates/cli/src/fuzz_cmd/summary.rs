//! The end of a campaign on stdout: the totals and the coverage of declared
//! situations (text, or one JSON line with `--json`), and when it stopped before
//! running every seed, why, how many were left and the command that runs exactly
//! those: the same flags with `--seeds NEXT..B`.

use super::runner::{CampaignReport, Stop};
use super::{FuzzArgs, DEFAULT_MAX_TRACES};
use crate::app::App;
use crate::output::outln;
use faultline_harness::reached::NEVER_REACHED;
use faultline_harness::seeds::SeedRange;
use faultline_harness::Scenario;
use serde_json::json;
use std::ffi::OsString;

/// The seeds a resumed campaign runs: the rest of this shard.
pub fn resume_range(args: &FuzzArgs, report: &CampaignReport) -> Option<SeedRange> {
    let next = report.next_seed?;
    Some(args.seeds.resume_from(args.shard(), next))
}

/// The command that runs the seeds this campaign left unrun, if it left any.
pub fn resume_command(app: &App, args: &FuzzArgs, report: &CampaignReport) -> Option<String> {
    let range = resume_range(args, report)?;
    let mut words: Vec<OsString> = vec!["fuzz".into(), args.scenario.clone().into()];
    words.extend(["--seeds".into(), range.to_string().into()]);
    if let Some(shard) = args.shard {
        words.extend(["--shard".into(), shard.to_string().into()]);
    }
    if let Some(jobs) = args.jobs {
        words.extend(["--jobs".into(), jobs.to_string().into()]);
    }
    if args.swarm {
        words.push("--swarm".into());
    }
    if args.beyond_model {
        words.push("--beyond-model".into());
    }
    for bug in &args.bugs {
        words.extend(["--bug".into(), bug.into()]);
    }
    if let Some(budget) = args.time_budget {
        words.extend(["--time-budget".into(), budget.to_string().into()]);
    }
    let switches = [
        (args.require_complete, "--require-complete"),
        (args.keep_going, "--keep-going"),
    ];
    words.extend(switches.iter().filter(|(on, _)| *on).map(|(_, s)| s.into()));
    words.extend(["--out".into(), args.out.clone().into()]);
    if args.max_traces != DEFAULT_MAX_TRACES {
        words.extend(["--max-traces".into(), args.max_traces.to_string().into()]);
    }
    if let Some(junit) = &args.junit {
        words.extend(["--junit".into(), junit.clone().into()]);
    }
    let switches = [(args.force, "--force"), (args.json, "--json")];
    words.extend(switches.iter().filter(|(on, _)| *on).map(|(_, s)| s.into()));
    Some(app.command(words))
}

/// Prints the summary (and the resume command) on stdout.
pub fn print(scenario: &Scenario, args: &FuzzArgs, report: &CampaignReport, resume: Option<&str>) {
    if args.json {
        outln!("{}", summary_json(scenario, args, report, resume));
    } else {
        outln!("{}", summary_text(scenario, args, report, resume));
    }
}

fn seeds_per_second(report: &CampaignReport) -> f64 {
    report.tally.seeds_run as f64 / report.wall.as_secs_f64().max(1e-9)
}

fn summary_json(
    scenario: &Scenario,
    args: &FuzzArgs,
    report: &CampaignReport,
    resume: Option<&str>,
) -> serde_json::Value {
    let tally = &report.tally;
    json!({
        "scenario": scenario.file.name,
        "seeds": args.seeds.to_string(),
        "shard": args.shard().to_string(),
        "seeds_planned": report.planned,
        "seeds_run": tally.seeds_run,
        "seeds_not_run": report.seeds_not_run(),
        "complete": report.seeds_not_run() == 0,
        "stopped": report.stop.key(),
        "signal": report.interrupted().map(|s| s.name()),
        "next_seeds": resume_range(args, report).map(|r| r.to_string()),
        "resume": resume,
        "passed": tally.passed,
        "failed": tally.failed,
        "stuck": tally.stuck,
        "unknown": tally.unknown,
        "failed_by_property": tally.failed_by_property,
        "coverage": report.coverage.to_json(),
        "reached_required": report.reach().to_json(),
        "guided": report.guided.as_ref().map(|g| g.to_json()),
        "wall_ns": report.wall.as_nanos() as u64,
        "seeds_per_second": seeds_per_second(report),
        "exit": report.exit_code(args.require_complete),
    })
}

fn summary_text(
    scenario: &Scenario,
    args: &FuzzArgs,
    report: &CampaignReport,
    resume: Option<&str>,
) -> String {
    let tally = &report.tally;
    let shard = args.shard.map_or(String::new(), |s| format!(", shard {s}"));
    let of_planned = if report.seeds_not_run() > 0 {
        format!(" of {} planned", report.planned)
    } else {
        String::new()
    };
    let (guided, made, per) = match report.guided {
        Some(_) => (", guided", "runs made", "runs/s"),
        None => ("", "seeds run", "seeds/s"),
    };
    let mut text = format!(
        "fuzz {} (seeds {}{shard}{guided}): {} {made}{of_planned}, {} passed, {} failed, {} \
            stuck, {} unknown in {:.1}s ({:.0} {per})",
        scenario.file.name,
        args.seeds,
        tally.seeds_run,
        tally.passed,
        tally.failed,
        tally.stuck,
        tally.unknown,
        report.wall.as_secs_f64(),
        seeds_per_second(report),
    );
    let reach = report.reach();
    if reach.missed() {
        // Every run passed on its own; the campaign still failed, and says so first.
        text += &format!("; the campaign failed {}", NEVER_REACHED.name);
    }
    for (property, count) in &tally.failed_by_property {
        text += &format!("\n  {property}: {count}");
    }
    if let Some(guided) = &report.guided {
        text += &format!("\n{}", guided.text());
    }
    let coverage = report.coverage.text();
    if !coverage.is_empty() {
        text += &format!("\n{coverage}");
    }
    if let Some(line) = reach.text() {
        text += &format!("\n{line}");
    }
    if report.stop != Stop::Complete {
        let not = if report.guided.is_some() {
            "runs not made (a guided campaign is rerun whole, not resumed)"
        } else {
            "seeds not run"
        };
        text += &format!(
            "\nstopped early by {}: {} {not}",
            report.stop.reason(args),
            report.seeds_not_run()
        );
    }
    if let Some(resume) = resume {
        text += &format!("\nresume: {resume}");
    }
    text
}
