//! What a campaign covered: for each situation the protocol declares (the paths its
//! nodes mark with `ctx.sometimes`), how many seeds reached it, and which none did.
//! A situation never reached is a hole in the scenario, worth a look before a bug
//! hides there. The situations the scenario requires (`checks.reached`) are judged
//! from the same runs at the end ([`Reach`]). Seeds are added in seed order, batch
//! by batch, so the report does not depend on `--jobs`.

use faultline_harness::reached::{self, Reach};
use faultline_harness::{Outcome, Scenario};
use serde_json::json;

/// Seeds reaching each situation: the declared ones first, in declared order, then
/// any a protocol marked without declaring, in the order seeds first reached them.
#[derive(Clone, Debug)]
pub struct Coverage {
    seeds_by_situation: Vec<(&'static str, u64)>,
    declared: usize,
    seeds_run: u64,
    /// The declared situations the scenario requires (`checks.reached`).
    required: Vec<&'static str>,
}

impl Coverage {
    /// What the protocol of `scenario` declares, and what the scenario requires.
    pub fn of(scenario: &Scenario) -> Self {
        let mut coverage = Coverage::new(scenario.info.situations);
        coverage.required = scenario.required_situations.clone();
        coverage
    }

    fn new(declared: &'static [&'static str]) -> Self {
        Coverage {
            seeds_by_situation: declared.iter().map(|&s| (s, 0)).collect(),
            declared: declared.len(),
            seeds_run: 0,
            required: Vec::new(),
        }
    }

    /// Counts one seed's run: each situation it reached once, however often.
    pub fn add(&mut self, outcome: &Outcome) {
        self.add_reached(&outcome.reached);
    }

    /// The required situations, judged for a campaign that ran all its seeds or not.
    pub fn reach(&self, complete: bool) -> Reach {
        let seen = &self.seeds_by_situation;
        reached::judge(&self.required, self.seeds_run, complete, seen)
    }

    fn add_reached(&mut self, reached: &[(&'static str, u64)]) {
        self.seeds_run += 1;
        for &(situation, _) in reached {
            let entry = self
                .seeds_by_situation
                .iter_mut()
                .find(|(s, _)| *s == situation);
            match entry {
                Some((_, seeds)) => *seeds += 1,
                None => self.seeds_by_situation.push((situation, 1)),
            }
        }
    }

    /// Declared situations no seed reached, in declared order.
    pub fn never_reached(&self) -> Vec<&'static str> {
        self.declared_counts()
            .iter()
            .filter(|(_, seeds)| *seeds == 0)
            .map(|&(s, _)| s)
            .collect()
    }

    /// Declared situations at least one seed reached.
    fn declared_reached(&self) -> usize {
        self.declared - self.never_reached().len()
    }

    fn declared_counts(&self) -> &[(&'static str, u64)] {
        &self.seeds_by_situation[..self.declared]
    }

    /// Whether there is nothing to report: no seed ran, or nothing was declared or
    /// marked.
    fn is_empty(&self) -> bool {
        self.seeds_run == 0 || self.seeds_by_situation.is_empty()
    }

    /// The `coverage` object of the JSON summary.
    pub fn to_json(&self) -> serde_json::Value {
        let situations: Vec<_> = self
            .seeds_by_situation
            .iter()
            .enumerate()
            .map(|(i, &(name, seeds))| {
                json!({"name": name, "seeds": seeds, "declared": i < self.declared})
            })
            .collect();
        json!({
            "seeds_run": self.seeds_run,
            "declared": self.declared,
            "reached": self.declared_reached(),
            "situations": situations,
            "never_reached": self.never_reached(),
        })
    }

    /// The lines of the text summary: the headline, seeds per situation, and the
    /// situations never reached; empty when there is nothing to report.
    pub fn text(&self) -> String {
        if self.is_empty() {
            return String::new();
        }
        let mut text = format!(
            "coverage: {} of {} declared situations reached (seeds reaching each, of {}):",
            self.declared_reached(),
            self.declared,
            self.seeds_run
        );
        let width = self.seeds_run.to_string().len();
        for (i, &(name, seeds)) in self.seeds_by_situation.iter().enumerate() {
            let undeclared = if i < self.declared {
                ""
            } else {
                " (not declared)"
            };
            text += &format!("\n  {seeds:>width$}  {name}{undeclared}");
        }
        if let Some(line) = self.never_reached_line() {
            text += &format!("\n{line}");
        }
        text
    }

    /// "never reached in 300 seeds: a; b", if any declared situation was.
    pub fn never_reached_line(&self) -> Option<String> {
        let never = self.never_reached();
        (self.seeds_run > 0 && !never.is_empty()).then(|| {
            format!(
                "never reached in {} seeds: {}",
                self.seeds_run,
                never.join("; ")
            )
        })
    }

    /// `<properties>` entries for the JUnit report: the headline, the situations
    /// never reached, and the seeds reaching each.
    pub fn junit_properties(&self) -> Vec<(String, String)> {
        if self.is_empty() {
            return Vec::new();
        }
        let mut entries = vec![(
            "coverage".to_string(),
            format!(
                "{} of {} declared situations reached in {} seeds",
                self.declared_reached(),
                self.declared,
                self.seeds_run
            ),
        )];
        entries.push(("never_reached".into(), self.never_reached().join("; ")));
        for &(name, seeds) in &self.seeds_by_situation {
            entries.push((format!("situation: {name}"), seeds.to_string()));
        }
        entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DECLARED: &[&str] = &["recovered from disk", "stepped down"];

    #[test]
    fn counts_seeds_not_marks_and_names_the_situations_never_reached() {
        let mut coverage = Coverage::new(DECLARED);
        coverage.add_reached(&[("stepped down", 7)]);
        coverage.add_reached(&[("stepped down", 1), ("surprise", 2)]);
        assert_eq!(coverage.never_reached(), vec!["recovered from disk"]);
        let json = coverage.to_json();
        assert_eq!(json["reached"], 1);
        assert_eq!(json["situations"][1]["seeds"], 2);
        assert_eq!(json["situations"][2]["declared"], false);
        let text = coverage.text();
        assert!(
            text.contains("never reached in 2 seeds: recovered from disk"),
            "{text}"
        );
        assert!(text.contains("surprise (not declared)"), "{text}");
    }
}
