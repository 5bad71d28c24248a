//! The protocol's fault model in a run: the random faults are kept inside the
//! assumptions the protocol declares ([`Assumptions`]), and a run whose faults go
//! beyond them (asked for with `beyond_model`, or scheduled explicitly) is marked,
//! so a failure there is read as the environment's, not the protocol's.
//!
//! Clock faults are measured as the protocol's budget counts them: the largest
//! jump plus the drift gathered over the budget's window. A nemesis beyond the
//! budget is scaled down, jump and drift alike, until it fits, and its jumps within
//! any one window may add up to no more than the budget leaves after drift (each is
//! cut to the room left: `sim::clock_jumps`); scheduled faults are never changed
//! (the scenario asked for exactly them), only reported.
//!
//! Crashes are measured by how many servers the random crashes take down together
//! (`crash_max_concurrent`): a nemesis beyond the protocol's `crashed_max` is capped
//! at it (never below one, the single crash every nemesis has always made).
//! A protocol that needs its disk (`durable_disk`) gets no random machine
//! replacements, and a scheduled one is reported.
//!
//! Disk errors (`disk.fsync_errors`, `disk.corrupt_on_restart`) are random too: a
//! protocol that does not declare it survives them gets none, unless the run goes
//! beyond its model (then it is reported). Corruption is found on at most as many
//! servers as the protocol tolerates (`corrupt_nodes_max`: each stays down), unless
//! the run goes beyond, where more may be and the run says so.

use crate::scenario::DiskErrors;
use faultline_api::{Assumptions, ClockErrorBudget};
use faultline_sim::clock_jumps::ClockJumpWindow;
use faultline_sim::nemesis::NemesisConfig;
use faultline_sim::time::format_nanos;
use faultline_sim::{FaultAction, Nanos};

/// Keeps the nemesis's faults to what the protocol tolerates.
pub fn fit(nemesis: &mut NemesisConfig, assumptions: &Assumptions) {
    fit_clocks(nemesis, assumptions);
    if let Some(crashed_max) = crashed_max(nemesis, assumptions) {
        nemesis.crash_max_concurrent = nemesis.crash_max_concurrent.min(crashed_max);
    }
    if assumptions.durable_disk {
        nemesis.replace_every_ns = None;
    }
}

/// The disk errors a run applies.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DiskErrorsInRun {
    pub fsync_errors: Option<DiskErrors>,
    pub corrupt_on_restart: Option<DiskErrors>,
    /// At most this many servers are found corrupt (`None`: no bound).
    pub corrupt_nodes_max: Option<usize>,
}

/// The scenario's disk errors, kept to what the protocol tolerates unless the run
/// goes `beyond_model`.
pub fn fit_disk_errors(
    fsync_errors: Option<&DiskErrors>,
    corrupt_on_restart: Option<&DiskErrors>,
    assumptions: &Assumptions,
    beyond_model: bool,
) -> DiskErrorsInRun {
    let fsync_on = assumptions.tolerates_fsync_errors || beyond_model;
    let corrupt_on = assumptions.corrupt_nodes_max.is_some() || beyond_model;
    DiskErrorsInRun {
        fsync_errors: fsync_errors.filter(|_| fsync_on).cloned(),
        corrupt_on_restart: corrupt_on_restart.filter(|_| corrupt_on).cloned(),
        corrupt_nodes_max: assumptions.corrupt_nodes_max.filter(|_| !beyond_model),
    }
}

/// Words for disk errors beyond what the protocol tolerates, if the run has any.
pub fn disk_errors_excess(errors: &DiskErrorsInRun, assumptions: &Assumptions) -> Option<String> {
    let prefix = "outside the protocol's fault model:";
    if errors.fsync_errors.is_some() && !assumptions.tolerates_fsync_errors {
        return Some(format!(
            "{prefix} fsyncs that fail, and the protocol does not declare it survives them"
        ));
    }
    let corrupt = errors.corrupt_on_restart.as_ref()?;
    let nodes = corrupt.nodes.len();
    match assumptions.corrupt_nodes_max {
        None => Some(format!(
            "{prefix} records found corrupt, and the protocol does not declare it detects them"
        )),
        Some(most) if errors.corrupt_nodes_max.is_none() && nodes > most => Some(format!(
            "{prefix} records found corrupt on up to {nodes} servers > {most} tolerated"
        )),
        Some(_) => None,
    }
}

/// Words for machines replaced (emptied disks) under a protocol that needs its disk.
fn disk_excess(
    nemesis: Option<&NemesisConfig>,
    schedule: &[(Nanos, FaultAction)],
    assumptions: &Assumptions,
) -> Option<String> {
    let random = nemesis.is_some_and(|n| n.replace_every_ns.is_some());
    let scheduled = schedule
        .iter()
        .any(|(_, a)| matches!(a, FaultAction::Replace { .. }));
    (assumptions.durable_disk && (random || scheduled)).then(|| {
        "outside the protocol's fault model: a machine replaced with an empty disk, \
         and the protocol keeps state on disk it cannot lose"
            .to_string()
    })
}

/// The bound on servers crashed together, when the nemesis crashes several and
/// the protocol has one: never below one.
fn crashed_max(nemesis: &NemesisConfig, assumptions: &Assumptions) -> Option<u32> {
    nemesis.crash_every_ns?;
    let most = assumptions.crashed_max?.max(1);
    Some(u32::try_from(most).unwrap_or(u32::MAX))
}

/// Scales the nemesis's clock faults down to what the protocol tolerates, and
/// bounds what its jumps add up to within the budget's window to what drift
/// leaves of it (many jumps in one window would otherwise walk a clock past it).
fn fit_clocks(nemesis: &mut NemesisConfig, assumptions: &Assumptions) {
    let Some(budget) = assumptions.clock_error else {
        return;
    };
    if nemesis.clock_every_ns.is_none() {
        return;
    }
    let jump_ns = nemesis.clock_jump_ns_max;
    let drift_ppm = nemesis.clock_drift_ppm_max.unsigned_abs();
    let error_ns = budget.error_ns(jump_ns, drift_ppm);
    if error_ns > budget.max_ns {
        nemesis.clock_jump_ns_max = scaled(jump_ns, budget.max_ns, error_ns);
        let drift_ppm = scaled(drift_ppm, budget.max_ns, error_ns);
        nemesis.clock_drift_ppm_max = i64::try_from(drift_ppm).unwrap_or(i64::MAX);
    }
    let drift_ns = budget.error_ns(0, nemesis.clock_drift_ppm_max.unsigned_abs());
    nemesis.clock_jumps_window = Some(ClockJumpWindow {
        window_ns: budget.window_ns,
        jumps_ns_max: budget.max_ns.saturating_sub(drift_ns),
    });
}

/// `value × part / whole`, rounded down.
fn scaled(value: u64, part: Nanos, whole: Nanos) -> u64 {
    let product = u128::from(value) * u128::from(part) / u128::from(whole.max(1));
    u64::try_from(product).unwrap_or(u64::MAX)
}

/// How this run's faults exceed the protocol's assumptions, in words, or `None`
/// when they stay inside them.
pub fn excess(
    nemesis: Option<&NemesisConfig>,
    schedule: &[(Nanos, FaultAction)],
    assumptions: &Assumptions,
) -> Option<String> {
    let crashes = nemesis.and_then(|n| {
        let most = crashed_max(n, assumptions)?;
        (n.crash_max_concurrent > most).then(|| {
            let most_asked = n.crash_max_concurrent;
            format!(
                "outside the protocol's fault model: up to {most_asked} servers crashed \
                 together > {most} tolerated"
            )
        })
    });
    clock_excess_of(nemesis, schedule, assumptions)
        .or(crashes)
        .or_else(|| disk_excess(nemesis, schedule, assumptions))
}

fn clock_excess_of(
    nemesis: Option<&NemesisConfig>,
    schedule: &[(Nanos, FaultAction)],
    assumptions: &Assumptions,
) -> Option<String> {
    let budget = assumptions.clock_error?;
    let (jump_ns, drift_ppm) = clock_faults(nemesis, schedule);
    let error_ns = budget.error_ns(jump_ns, drift_ppm);
    (error_ns > budget.max_ns).then(|| clock_excess(&budget, error_ns))
}

fn clock_excess(budget: &ClockErrorBudget, error_ns: Nanos) -> String {
    format!(
        "outside the protocol's fault model: clock error up to {} > allowance {} (a jump plus \
            drift over {})",
        format_nanos(error_ns),
        format_nanos(budget.max_ns),
        format_nanos(budget.window_ns)
    )
}

/// The largest clock jump (either way) and drift rate (ppm, either way) the run
/// may apply: the nemesis's bounds, if it makes clock faults, and each scheduled one.
fn clock_faults(
    nemesis: Option<&NemesisConfig>,
    schedule: &[(Nanos, FaultAction)],
) -> (Nanos, u64) {
    let (mut jump_ns, mut drift_ppm) = nemesis
        .filter(|n| n.clock_every_ns.is_some())
        .map_or((0, 0), |n| {
            (n.clock_jump_ns_max, n.clock_drift_ppm_max.unsigned_abs())
        });
    for (_, action) in schedule {
        match action {
            FaultAction::ClockJump { by_ns, .. } => jump_ns = jump_ns.max(by_ns.unsigned_abs()),
            FaultAction::ClockDrift { drift_ppm: ppm, .. } => {
                drift_ppm = drift_ppm.max(ppm.unsigned_abs())
            }
            _ => {}
        }
    }
    (jump_ns, drift_ppm)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::swarm::default_nemesis;
    use faultline_sim::{Target, MILLISECOND, SECOND};

    fn lock_like() -> Assumptions {
        Assumptions {
            clock_error: Some(ClockErrorBudget {
                max_ns: 22 * MILLISECOND,
                window_ns: SECOND,
            }),
            ..Assumptions::default()
        }
    }

    #[test]
    fn crashes_together_stay_within_the_tolerated_minority() {
        let majority = Assumptions {
            crashed_max: Some(2),
            ..Assumptions::default()
        };
        let mut nemesis = default_nemesis();
        nemesis.crash_max_concurrent = 4;
        let words = excess(Some(&nemesis), &[], &majority).unwrap();
        assert!(words.contains("4 servers crashed together > 2"), "{words}");
        fit(&mut nemesis, &majority);
        assert_eq!(nemesis.crash_max_concurrent, 2);
        assert_eq!(excess(Some(&nemesis), &[], &majority), None);
        let single = Assumptions {
            crashed_max: Some(0),
            ..Assumptions::default()
        };
        fit(&mut nemesis, &single);
        assert_eq!(nemesis.crash_max_concurrent, 1, "one crash at a time stays");
    }

    #[test]
    fn a_nemesis_beyond_the_budget_is_scaled_into_it() {
        let mut nemesis = default_nemesis();
        assert!(excess(Some(&nemesis), &[], &lock_like()).is_some());
        fit(&mut nemesis, &lock_like());
        let budget = lock_like().clock_error.unwrap();
        let (jump, drift) = (nemesis.clock_jump_ns_max, nemesis.clock_drift_ppm_max);
        assert!(
            jump > 0 && drift > 0,
            "clock faults stay on: {jump} ns, {drift} ppm"
        );
        assert!(budget.allows(jump, drift.unsigned_abs()));
        assert_eq!(excess(Some(&nemesis), &[], &lock_like()), None);
    }

    #[test]
    fn a_protocol_that_assumes_nothing_keeps_every_fault() {
        let mut nemesis = default_nemesis();
        fit(&mut nemesis, &Assumptions::default());
        assert_eq!(nemesis, default_nemesis());
        assert_eq!(excess(Some(&nemesis), &[], &Assumptions::default()), None);
    }

    #[test]
    fn disk_errors_stay_off_unless_tolerated_or_beyond_the_model() {
        let errors = DiskErrors {
            probability: 0.1,
            nodes: (0..5).map(faultline_sim::NodeId).collect(),
        };
        let none = Assumptions::default();
        let fitted = fit_disk_errors(Some(&errors), Some(&errors), &none, false);
        assert_eq!(fitted, DiskErrorsInRun::default());
        let beyond = fit_disk_errors(Some(&errors), Some(&errors), &none, true);
        assert!(disk_errors_excess(&beyond, &none)
            .unwrap()
            .contains("fsyncs that fail"));
        let raft_like = Assumptions {
            tolerates_fsync_errors: true,
            corrupt_nodes_max: Some(2),
            ..Assumptions::default()
        };
        let inside = fit_disk_errors(Some(&errors), Some(&errors), &raft_like, false);
        assert_eq!(inside.corrupt_nodes_max, Some(2), "capped at the minority");
        assert!(inside.fsync_errors.is_some() && inside.corrupt_on_restart.is_some());
        assert_eq!(disk_errors_excess(&inside, &raft_like), None);
        let uncapped = fit_disk_errors(None, Some(&errors), &raft_like, true);
        let words = disk_errors_excess(&uncapped, &raft_like).unwrap();
        assert!(words.contains("up to 5 servers > 2 tolerated"), "{words}");
    }

    #[test]
    fn a_scheduled_jump_beyond_the_allowance_is_reported() {
        let jump = |by_ns| FaultAction::ClockJump {
            target: Target::Node(0),
            by_ns,
        };
        let inside = [(SECOND, jump(-15 * MILLISECOND as i64))];
        assert_eq!(excess(None, &inside, &lock_like()), None);
        let beyond = [(SECOND, jump(-40 * MILLISECOND as i64))];
        let words = excess(None, &beyond, &lock_like()).unwrap();
        assert!(
            words.contains("outside the protocol's fault model")
                && words.contains("40.000ms")
                && words.contains("22.000ms"),
            "{words}"
        );
    }
}
