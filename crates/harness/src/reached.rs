//! The situations a campaign must reach (`checks.reached`): the one property judged
//! over a whole campaign rather than a run.
//!
//! A protocol marks a path with `ctx.sometimes(..)`; a scenario lists the paths it
//! was written to exercise. A change that stops one of them running (a lease that
//! never lapses, a client that never writes, a recovery that is never needed) breaks
//! no property of any single run, yet the campaign no longer tests what it was meant
//! to. In the spirit of Antithesis's sometimes-assertions, a campaign of at least
//! [`REACHED_JUDGED_SEEDS_MIN`] seeds that ran to its end fails `never_reached` when
//! some required situation was reached by none of its seeds. Shorter or unfinished
//! campaigns are not judged (a situation most seeds reach can still be missed by a
//! handful), and say so.

use crate::outcome::Outcome;
use crate::scenario::Scenario;
pub use faultline_api::harness_properties::NEVER_REACHED;
use serde_json::json;

/// The fewest seeds a campaign must run before its required situations are judged.
pub const REACHED_JUDGED_SEEDS_MIN: u64 = 100;

/// Seeds reaching each situation the scenario requires, added run by run.
#[derive(Clone, Debug)]
pub struct RequiredSituations {
    seeds_reaching: Vec<(&'static str, u64)>,
    seeds_run: u64,
}

/// What a campaign found of the situations its scenario requires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reach {
    /// The scenario requires none.
    NothingRequired,
    /// Too few seeds ran, or the campaign stopped early.
    NotJudged { required: usize, seeds_run: u64 },
    /// Every required situation was reached by some seed.
    AllReached { required: usize },
    /// Required situations no seed reached: the campaign fails `never_reached`.
    Missed {
        required: usize,
        missing: Vec<&'static str>,
        seeds_run: u64,
    },
}

impl RequiredSituations {
    /// The situations `scenario` requires (`checks.reached`).
    pub fn of(scenario: &Scenario) -> Self {
        RequiredSituations::new(&scenario.required_situations)
    }

    pub fn new(required: &[&'static str]) -> Self {
        RequiredSituations {
            seeds_reaching: required.iter().map(|&s| (s, 0)).collect(),
            seeds_run: 0,
        }
    }

    /// Counts one seed's run.
    pub fn add(&mut self, outcome: &Outcome) {
        self.seeds_run += 1;
        for (situation, seeds) in &mut self.seeds_reaching {
            if outcome.reached.iter().any(|(s, _)| s == situation) {
                *seeds += 1;
            }
        }
    }

    /// The verdict, for a campaign that ran every seed it planned (`complete`) or not.
    pub fn judge(&self, complete: bool) -> Reach {
        let required: Vec<&'static str> = self.seeds_reaching.iter().map(|&(s, _)| s).collect();
        judge(&required, self.seeds_run, complete, &self.seeds_reaching)
    }
}

/// The verdict on `required` for a campaign of `seeds_run` seeds that ran every seed
/// it planned (`complete`) or not, given the seeds that reached each situation
/// (`seeds_by_situation`, a situation not listed reached by none): for callers that
/// count seeds per situation already (`fuzz`'s coverage).
pub fn judge(
    required: &[&'static str],
    seeds_run: u64,
    complete: bool,
    seeds_by_situation: &[(&'static str, u64)],
) -> Reach {
    let seeds_reaching = |situation: &str| {
        let found = seeds_by_situation.iter().find(|(s, _)| *s == situation);
        found.map_or(0, |&(_, seeds)| seeds)
    };
    let count = required.len();
    if count == 0 {
        return Reach::NothingRequired;
    }
    if !complete || seeds_run < REACHED_JUDGED_SEEDS_MIN {
        return Reach::NotJudged {
            required: count,
            seeds_run,
        };
    }
    let missing: Vec<&'static str> = required
        .iter()
        .copied()
        .filter(|s| seeds_reaching(s) == 0)
        .collect();
    match missing.is_empty() {
        true => Reach::AllReached { required: count },
        false => Reach::Missed {
            required: count,
            missing,
            seeds_run,
        },
    }
}

/// "1 required situation", "3 required situations".
fn required_count(count: usize) -> String {
    match count {
        1 => "1 required situation".into(),
        _ => format!("{count} required situations"),
    }
}

impl Reach {
    /// Whether the campaign fails `never_reached`.
    pub fn missed(&self) -> bool {
        matches!(self, Reach::Missed { .. })
    }

    /// One line for a person, if the scenario requires any situation.
    pub fn text(&self) -> Option<String> {
        match self {
            Reach::NothingRequired => None,
            Reach::NotJudged {
                required,
                seeds_run,
            } => Some(format!(
                "checks.reached: not judged ({}; a campaign is \
                 judged once it runs all its seeds, at least {REACHED_JUDGED_SEEDS_MIN}; \
                 this one ran {seeds_run})",
                required_count(*required)
            )),
            Reach::AllReached { required } => Some(format!(
                "checks.reached: {} reached",
                required_count(*required)
            )),
            Reach::Missed { .. } => self.detail().map(|d| format!("never_reached: {d}")),
        }
    }

    /// The failure's detail: which required situations no seed reached.
    pub fn detail(&self) -> Option<String> {
        let Reach::Missed {
            missing, seeds_run, ..
        } = self
        else {
            return None;
        };
        Some(format!(
            "none of {seeds_run} seeds reached {} the scenario requires (checks.reached): {}",
            match missing.len() {
                1 => "a situation",
                _ => "situations",
            },
            missing.join("; ")
        ))
    }

    /// The `reached_required` object of a JSON summary.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Reach::NothingRequired => json!(null),
            Reach::NotJudged {
                required,
                seeds_run,
            } => json!({"required": required, "judged": false, "seeds_run": seeds_run}),
            Reach::AllReached { required } => {
                json!({"required": required, "judged": true, "missing": []})
            }
            Reach::Missed {
                required, missing, ..
            } => json!({"required": required, "judged": true, "missing": missing}),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(required: &[&'static str], runs: u64, reaching: &[&'static str]) -> Reach {
        let mut tally = RequiredSituations::new(required);
        tally.seeds_run = runs;
        for (situation, seeds) in &mut tally.seeds_reaching {
            *seeds = u64::from(reaching.contains(situation));
        }
        tally.judge(true)
    }

    #[test]
    fn judged_only_for_a_whole_campaign_of_enough_seeds() {
        let missed = tally(&["a", "b"], 100, &["a"]);
        assert_eq!(
            missed,
            Reach::Missed {
                required: 2,
                missing: vec!["b"],
                seeds_run: 100
            }
        );
        assert!(missed.detail().unwrap().ends_with("(checks.reached): b"));
        assert_eq!(
            tally(&["a", "b"], 99, &["a"]),
            Reach::NotJudged {
                required: 2,
                seeds_run: 99
            }
        );
        assert_eq!(
            tally(&["a"], 100, &["a"]),
            Reach::AllReached { required: 1 }
        );
        assert_eq!(tally(&[], 100, &[]), Reach::NothingRequired);
        let mut stopped = RequiredSituations::new(&["a"]);
        stopped.seeds_run = 500;
        assert!(
            !stopped.judge(false).missed(),
            "a campaign cut short is not judged"
        );
    }
}
