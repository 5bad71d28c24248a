//! Progress on long work: an indicatif bar on a terminal, plain periodic lines when
//! stderr is a file or a CI log (so logs stay readable and finite).
//!
//! Progress is a diagnostic and goes to stderr. Results found along the way (a fuzz
//! failure) go to stdout through [`Progress::print_result`], which lifts the bar
//! while it prints so the two streams never tear each other on a terminal.

use crate::output::{errln, outln};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// How often plain progress lines are printed.
const PLAIN_LINE_INTERVAL: Duration = Duration::from_secs(5);

pub struct Progress {
    bar: Option<ProgressBar>,
    unit: &'static str,
    total: u64,
    done: u64,
    started: Instant,
    last_line: Instant,
}

impl Progress {
    pub fn new(total: u64, unit: &'static str) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total);
            let template =
                format!("{{bar:30}} {{pos}}/{{len}} {unit}, {{per_sec}}, {{msg}}, ETA {{eta}}");
            bar.set_style(ProgressStyle::with_template(&template).expect("valid template"));
            bar.set_message("0 failures");
            bar
        });
        let now = Instant::now();
        Progress {
            bar,
            unit,
            total,
            done: 0,
            started: now,
            last_line: now,
        }
    }

    /// Progress for work of unknown length (a spinner, or plain periodic lines).
    pub fn spinner(unit: &'static str) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new_spinner();
            let template = format!("{{spinner}} {{pos}} {unit}, {{elapsed}}");
            bar.set_style(ProgressStyle::with_template(&template).expect("valid template"));
            bar
        });
        let now = Instant::now();
        Progress {
            bar,
            unit,
            total: 0,
            done: 0,
            started: now,
            last_line: now,
        }
    }

    /// Records `count` more done, with `failures` so far.
    pub fn advance(&mut self, count: u64, failures: u64) {
        self.done += count;
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{failures} failures"));
            bar.inc(count);
            return;
        }
        if self.last_line.elapsed() >= PLAIN_LINE_INTERVAL {
            self.last_line = Instant::now();
            let elapsed = self.started.elapsed().as_secs_f64().max(1e-9);
            if self.total == 0 {
                errln!("progress: {} {} in {elapsed:.0}s", self.done, self.unit);
                return;
            }
            let rate = self.done as f64 / elapsed;
            let eta = (self.total - self.done.min(self.total)) as f64 / rate.max(1e-9);
            errln!(
                "progress: {}/{} {}, {rate:.0}/s, {failures} failures, ETA {eta:.0}s",
                self.done,
                self.total,
                self.unit
            );
        }
    }

    /// Prints a result line (or lines) on stdout without tearing the bar.
    pub fn print_result(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| outln!("{text}")),
            None => outln!("{text}"),
        }
    }

    /// Prints a diagnostic line on stderr without tearing the bar.
    pub fn println(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => errln!("{line}"),
        }
    }

    /// Runs `print` (a line on stdout) with the bar cleared, so the two never tear.
    pub fn suspend(&self, print: impl FnOnce()) {
        match &self.bar {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
