//! Trigger rules: each `faults.triggers` entry names a fault kind with the fields it
//! needs (`by` for a clock jump, `at_point` only for a crash), a probability from 0
//! to 1, and durations that fit the run. The role it watches is checked with the
//! other roles (`protocol`), its crash point with the other points.

use super::{problem, Problem};
use crate::scenario::file::{FaultsSection, TriggerFaultName, TriggerSection};
use crate::triggers::{TriggerFault, TriggerSpec};

/// The triggers of `faults.triggers`, in file order.
pub(super) fn triggers_of(faults: &FaultsSection) -> Result<Vec<TriggerSpec>, Problem> {
    let entries = faults.triggers.iter().enumerate();
    entries
        .map(|(i, entry)| trigger_of(entry, &format!("faults.triggers[{i}]")))
        .collect()
}

fn trigger_of(entry: &TriggerSection, path: &str) -> Result<TriggerSpec, Problem> {
    let probability = entry.probability.unwrap_or(1.0);
    if !(0.0..=1.0).contains(&probability) {
        let message = "expected a probability from 0 to 1";
        return Err(problem(format!("{path}.probability"), message));
    }
    if entry.at_point.is_some() && entry.fault != TriggerFaultName::Crash {
        let message = "`at_point` applies only to \"fault\": \"crash\"";
        return Err(problem(format!("{path}.at_point"), message));
    }
    if entry.by.is_some() != (entry.fault == TriggerFaultName::ClockJump) {
        let message = "`by` goes with \"fault\": \"clock_jump\", and only with it";
        return Err(problem(format!("{path}.by"), message));
    }
    if entry.for_.is_some() && entry.fault == TriggerFaultName::ClockJump {
        let message = "a clock jump has no `for`; jump back with another fault";
        return Err(problem(format!("{path}.for"), message));
    }
    Ok(TriggerSpec {
        role: entry.on.clone(),
        fault: fault_of(entry),
        within_ns: entry.within.map_or(0, |d| d.0),
        probability,
        for_ns: entry.for_.map(|d| d.0),
    })
}

fn fault_of(entry: &TriggerSection) -> TriggerFault {
    match (entry.fault, &entry.at_point) {
        (TriggerFaultName::Crash, Some(point)) => TriggerFault::CrashAtPoint(point.clone()),
        (TriggerFaultName::Crash, None) => TriggerFault::Crash,
        (TriggerFaultName::Pause, _) => TriggerFault::Pause,
        (TriggerFaultName::Replace, _) => TriggerFault::Replace,
        (TriggerFaultName::Isolate, _) => TriggerFault::Isolate,
        (TriggerFaultName::ClockJump, _) => TriggerFault::ClockJump(entry.by.map_or(0, |d| d.0)),
    }
}
