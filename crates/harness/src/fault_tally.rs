//! A run's faults counted by kind: how many applied, and how many were skipped and
//! why (a scheduled `crash leader` when no node leads). A skipped fault is a hole
//! in the test as written, so every report shows it beside the applied ones instead
//! of leaving it to the timeline.

use faultline_sim::{AppliedFault, FaultAction};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Faults by kind (`crash`, `partition`, ...), the final recovery not counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FaultTally {
    pub applied: BTreeMap<&'static str, usize>,
    /// By kind and the reason the World gave (`no leader`).
    pub skipped: BTreeMap<(&'static str, String), usize>,
}

impl FaultTally {
    pub fn of(faults: &[AppliedFault]) -> Self {
        let mut tally = FaultTally::default();
        for fault in faults {
            tally.add(fault);
        }
        tally
    }

    /// Counts one more fault (the final recovery is not counted).
    pub fn add(&mut self, fault: &AppliedFault) {
        if fault.action == FaultAction::RecoverAll {
            return;
        }
        let kind = fault.action.kind_name();
        match &fault.skipped {
            None => *self.applied.entry(kind).or_default() += 1,
            Some(reason) => *self.skipped.entry((kind, reason.clone())).or_default() += 1,
        }
    }

    pub fn applied_total(&self) -> usize {
        self.applied.values().sum()
    }

    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }

    /// `14 applied (crash 3, restart 3, ...), 2 skipped (crash: no leader 2)`.
    pub fn describe(&self) -> String {
        let applied: Vec<String> = self
            .applied
            .iter()
            .map(|(kind, n)| format!("{kind} {n}"))
            .collect();
        let mut text = format!("{} applied", self.applied_total());
        if !applied.is_empty() {
            text += &format!(" ({})", applied.join(", "));
        }
        if self.skipped.is_empty() {
            return text;
        }
        let skipped: Vec<String> = self
            .skipped
            .iter()
            .map(|((kind, reason), n)| format!("{kind}: {reason} {n}"))
            .collect();
        text + &format!(
            ", {} skipped ({})",
            self.skipped_total(),
            skipped.join(", ")
        )
    }

    /// `{"applied": {"crash": 3},
    ///   "skipped": [{"kind": "crash", "reason": "no leader", "count": 2}]}`.
    pub fn to_json(&self) -> Value {
        let skipped: Vec<Value> = self
            .skipped
            .iter()
            .map(|((kind, reason), n)| json!({"kind": kind, "reason": reason, "count": n}))
            .collect();
        json!({ "applied": self.applied, "skipped": skipped })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_sim::Target;

    fn fault(action: FaultAction, skipped: Option<&str>) -> AppliedFault {
        AppliedFault {
            at_ns: 0,
            action,
            skipped: skipped.map(str::to_string),
        }
    }

    #[test]
    fn counts_applied_and_skipped_faults_by_kind_without_the_final_recovery() {
        let crash = |target| FaultAction::Crash {
            target,
            restart_after_ns: None,
        };
        let leader = Target::Role("leader".into());
        let faults = [
            fault(crash(Target::Node(1)), None),
            fault(crash(leader.clone()), Some("no leader")),
            fault(crash(leader), Some("no leader")),
            fault(FaultAction::Heal, None),
            fault(FaultAction::RecoverAll, None),
        ];
        let tally = FaultTally::of(&faults);
        assert_eq!(tally.applied_total(), 2);
        assert_eq!(tally.skipped_total(), 2);
        assert_eq!(
            tally.describe(),
            "2 applied (crash 1, heal 1), 2 skipped (crash: no leader 2)"
        );
        assert_eq!(tally.to_json()["skipped"][0]["count"], 2);
    }
}
