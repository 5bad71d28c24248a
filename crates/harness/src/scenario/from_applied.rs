//! The reverse of validation: an applied fault written back as a schedule entry,
//! the form the shrinker and trace headers use.

use crate::duration::Duration;
use crate::scenario::file::ScheduleEntry;
use crate::scenario::spec::{PartitionSpec, TargetSpec};
use faultline_sim::{AppliedFault, FaultAction, Target};

/// Writes an applied fault back as a schedule entry (the shrinker's and the trace
/// header's form). Crash, replace, pause and a cut lose their `for`: the World recorded the restart
/// or resume it caused as a fault of its own. A halt or a corrupt record has no
/// entry (`None`): the disk knobs cause them, a schedule cannot.
pub fn entry_from_applied(applied: &AppliedFault) -> Option<ScheduleEntry> {
    let mut entry = ScheduleEntry {
        at: Duration(applied.at_ns),
        ..ScheduleEntry::default()
    };
    let spec = |t: &Target| Some(TargetSpec(t.clone()));
    match &applied.action {
        FaultAction::Partition(shape) => entry.partition = Some(PartitionSpec(shape.clone())),
        FaultAction::Heal => entry.heal = Some(true),
        FaultAction::Cut { shape, .. } => entry.partition = Some(PartitionSpec(shape.clone())),
        // Written as a heal; the shrinker joins it to its cut as that cut's `for`.
        FaultAction::HealCut(_) => entry.heal = Some(true),
        FaultAction::Crash { target, .. } => entry.crash = spec(target),
        FaultAction::CrashAtPoint { target, point, .. } => {
            entry.crash = spec(target);
            entry.at_point = Some(point.clone());
        }
        FaultAction::Replace { target, .. } => entry.replace = spec(target),
        FaultAction::Restart(target) => entry.restart = spec(target),
        FaultAction::Pause { target, .. } => entry.pause = spec(target),
        FaultAction::Resume(target) => entry.resume = spec(target),
        FaultAction::ClockJump { target, by_ns } => {
            entry.clock_jump = Some(crate::duration::SignedDuration(*by_ns));
            entry.node = spec(target);
        }
        FaultAction::ClockDrift { target, drift_ppm } => {
            entry.clock_drift_ppm = Some(*drift_ppm);
            entry.node = spec(target);
        }
        FaultAction::RecoverAll => entry.recover_all = Some(true),
        FaultAction::Halt { .. } | FaultAction::Corrupt { .. } => return None,
    }
    Some(entry)
}
