//! Checking a whole history: choose the operations, prune what cannot matter, split
//! into independent partitions (by key), search each in parallel, and report.
//!
//! Partitions are checked in parallel with rayon but reported in key order, so the
//! report never depends on scheduling. A violation names the first completed operation
//! no linearization could reach, the longest partial linearization, and the model
//! states reachable just before it.

use crate::history::{Func, History, Op, Status};
use crate::model::Model;
use crate::models::ModelKind;
use crate::search::{search, Limits, SearchResult};
use crate::value::Val;
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::fmt;

/// The one step budget: search steps per partition (per key, for `kv`) before a check
/// answers `unknown`. `faultline check` (unless `--budget` says otherwise) and the
/// linearizability check at the end of every `faultline run` both use it, so a history
/// a run could not judge is never one `check` judges with the same command's defaults.
/// A step is one attempt to linearize one operation; on a 2-core machine of the
/// benchmark's class a step takes well under a microsecond, so the budget bounds a
/// partition's check to seconds (see BENCHMARKS.md). The Porcupine corpus needs at
/// most tens of thousands of steps per key; a hot key with ten concurrent clients and
/// 800 operations a few million.
pub const STEPS_PER_PARTITION_MAX: u64 = 50_000_000;

#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// Search steps per partition before giving up with `unknown`
    /// ([`STEPS_PER_PARTITION_MAX`] by default).
    pub steps_max: u64,
    /// Memo entries per partition; beyond this the search goes on without memoising.
    pub memo_entries_max: usize,
    /// Written values are unique (faultline's workloads guarantee it; Jepsen's etcd
    /// logs do not): drop `info` writes whose value no read ever returned, and let a
    /// read that shows a write's token order that write ([`crate::Model::shown_tokens`]).
    /// Unsound when values repeat.
    pub prune_unobserved_writes: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            steps_max: STEPS_PER_PARTITION_MAX,
            memo_entries_max: 2_000_000,
            prune_unobserved_writes: false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Linearizable,
    NotLinearizable,
    Unknown,
}

impl Verdict {
    /// `faultline check` exit code: 0, 1 or 2.
    pub fn exit_code(self) -> i32 {
        match self {
            Verdict::Linearizable => 0,
            Verdict::NotLinearizable => 1,
            Verdict::Unknown => 2,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct PartitionReport {
    pub key: Option<String>,
    pub operations: usize,
    pub verdict: Verdict,
    /// Search steps taken (the budget, `steps_max`, is per partition).
    pub steps: u64,
}

/// Why a history is not linearizable, in terms a person can follow.
#[derive(Clone, Debug, Serialize)]
pub struct Counterexample {
    pub key: Option<String>,
    /// The first completed operation no linearization could reach.
    pub op: Op,
    /// The longest partial linearization, in order.
    pub longest_linearization: Vec<Op>,
    /// Model states reachable after that partial linearization.
    pub states_before: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CheckReport {
    pub verdict: Verdict,
    pub model: String,
    pub operations: usize,
    pub pruned: usize,
    pub partitions: Vec<PartitionReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counterexample: Option<Counterexample>,
}

/// Checks `history` against a built-in model.
pub fn check_kind(history: &History, kind: ModelKind, options: &CheckOptions) -> CheckReport {
    kind.boxed().check(history, options)
}

/// Checks `history` against `model`.
pub fn check<M: Model>(history: &History, model: &M, options: &CheckOptions) -> CheckReport {
    let included: Vec<&Op> = history.ops.iter().filter(|op| model.includes(op)).collect();
    let included_len = included.len();
    let kept = if options.prune_unobserved_writes {
        prune_unobserved_writes(included)
    } else {
        included
    };
    let pruned = included_len - kept.len();
    let parts = partitioned(model, kept);
    let limits = Limits {
        steps_max: options.steps_max,
        memo_entries_max: options.memo_entries_max,
        look_ahead: true,
        unique_values: options.prune_unobserved_writes,
    };
    let mut results: Vec<SearchResult> = parts
        .par_iter()
        .map(|(_, ops)| search(model, ops, limits))
        .collect();
    // Only the first violation is reported: explain that one.
    if let Some(first) = results
        .iter()
        .position(|r| matches!(r, SearchResult::NotLinearizable { .. }))
    {
        let placeholder = SearchResult::Unknown { steps: 0 };
        let result = std::mem::replace(&mut results[first], placeholder);
        results[first] = explained(model, &parts[first].1, result, limits);
    }
    report(model, included_len, pruned, &parts, results)
}

/// Steps allowed to re-run a failing partition for a plainer counterexample.
const EXPLAIN_STEPS_MAX: u64 = 200_000;

/// For a violation found with look-ahead, re-runs the plain search (within a small
/// budget) so the counterexample blames the operation a person would: the first one
/// that cannot be linearized, rather than a write a later read rules out.
fn explained<M: Model>(
    model: &M,
    ops: &[Op],
    result: SearchResult,
    limits: Limits,
) -> SearchResult {
    let SearchResult::NotLinearizable { steps, .. } = result else {
        return result;
    };
    let plain = Limits {
        look_ahead: false,
        steps_max: EXPLAIN_STEPS_MAX.min(limits.steps_max),
        ..limits
    };
    match search(model, ops, plain) {
        SearchResult::NotLinearizable { stuck, .. } => {
            SearchResult::NotLinearizable { stuck, steps }
        }
        // Too big to explain plainly: blame a read nothing could explain, if there is one.
        _ => match (result, crate::look_ahead::unexplainable_read(model, ops)) {
            (SearchResult::NotLinearizable { mut stuck, steps }, Some(read)) => {
                stuck.op = read;
                SearchResult::NotLinearizable { stuck, steps }
            }
            (result, _) => result,
        },
    }
}

/// The kept operations split by partition, in key order, each operation copied
/// once into a partition sized for it: a long run's history is not held twice more
/// while it is checked.
fn partitioned<M: Model>(model: &M, kept: Vec<&Op>) -> Vec<(Option<String>, Vec<Op>)> {
    let mut by_partition: BTreeMap<Option<&str>, Vec<&Op>> = BTreeMap::new();
    for op in kept {
        by_partition
            .entry(model.partition(op))
            .or_default()
            .push(op);
    }
    let owned = |(key, ops): (Option<&str>, Vec<&Op>)| {
        (key.map(str::to_string), ops.into_iter().cloned().collect())
    };
    by_partition.into_iter().map(owned).collect()
}

fn report<M: Model>(
    model: &M,
    operations: usize,
    pruned: usize,
    parts: &[(Option<String>, Vec<Op>)],
    results: Vec<SearchResult>,
) -> CheckReport {
    let mut counterexample = None;
    let mut partitions = Vec::new();
    for ((key, ops), result) in parts.iter().zip(results) {
        let steps = result.steps();
        let verdict = match result {
            SearchResult::Linearizable { .. } => Verdict::Linearizable,
            SearchResult::Unknown { .. } => Verdict::Unknown,
            SearchResult::NotLinearizable { stuck, .. } => {
                if counterexample.is_none() {
                    counterexample = Some(Counterexample {
                        key: key.clone(),
                        op: ops[stuck.op].clone(),
                        longest_linearization: stuck
                            .longest
                            .iter()
                            .map(|&i| ops[i].clone())
                            .collect(),
                        states_before: stuck.states,
                    });
                }
                Verdict::NotLinearizable
            }
        };
        partitions.push(PartitionReport {
            key: key.clone(),
            operations: ops.len(),
            verdict,
            steps,
        });
    }
    let verdict = if counterexample.is_some() {
        Verdict::NotLinearizable
    } else if partitions.iter().any(|p| p.verdict == Verdict::Unknown) {
        Verdict::Unknown
    } else {
        Verdict::Linearizable
    };
    CheckReport {
        verdict,
        model: model.name().to_string(),
        operations,
        pruned,
        partitions,
        counterexample,
    }
}

/// Drops `info` writes whose value nobody observed: no completed read returned it (or,
/// for strings, contained it) and no CAS compared against it.
///
/// Sound when written values are unique: in any linearization, the crashed write's
/// value is the state only until the next write, and nothing in that window looked at
/// it, so the linearization without it is valid too. It is not sound when a failed
/// CAS counts as a compare that ran (the etcd reading: "state != from" can depend on
/// the write), so then nothing is pruned.
pub fn prune_unobserved_writes<O: Borrow<Op>>(ops: Vec<O>) -> Vec<O> {
    if ops
        .iter()
        .any(|op| op.borrow().f == Func::Cas && op.borrow().status == Status::Fail)
    {
        return ops;
    }
    let observers: Vec<(&Option<String>, &Val)> = ops
        .iter()
        .filter_map(|op| observed_value(op.borrow()))
        .collect();
    let observed = |write: &Op| {
        observers.iter().any(|(key, seen)| {
            **key == write.key
                && match (seen, &write.input) {
                    (Val::Str(seen), Val::Str(written)) => seen.contains(written.as_str()),
                    (seen, written) => *seen == written,
                }
        })
    };
    let keep: Vec<bool> = ops
        .iter()
        .map(|op| {
            let op = op.borrow();
            let unobserved_write = op.status == Status::Info
                && matches!(op.f, Func::Write | Func::Put | Func::Append)
                && !observed(op);
            !unobserved_write
        })
        .collect();
    ops.into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(op, _)| op)
        .collect()
}

/// The value an operation looked at, if any: what a completed read returned, or the
/// value a CAS compared against.
fn observed_value(op: &Op) -> Option<(&Option<String>, &Val)> {
    match op.f {
        Func::Read | Func::Get if op.status == Status::Ok => Some((&op.key, &op.output)),
        Func::Cas => op.input.pair().map(|(from, _)| (&op.key, from)),
        _ => None,
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = match self.verdict {
            Verdict::Linearizable => "LINEARIZABLE",
            Verdict::NotLinearizable => "NOT LINEARIZABLE",
            Verdict::Unknown => "UNKNOWN (step budget exhausted)",
        };
        writeln!(
            f,
            "{verdict}: {} operations, model {}, {} partition(s){}",
            self.operations,
            self.model,
            self.partitions.len(),
            if self.pruned > 0 {
                format!(", {} unobserved crashed writes pruned", self.pruned)
            } else {
                String::new()
            }
        )?;
        write_unknown_partitions(f, &self.partitions)?;
        if let Some(c) = &self.counterexample {
            write_blamed(f, c.key.as_deref(), &c.op)?;
            writeln!(
                f,
                "  longest partial linearization ({} ops):",
                c.longest_linearization.len()
            )?;
            for op in &c.longest_linearization {
                writeln!(f, "    {op}")?;
            }
            writeln!(
                f,
                "  model states reachable just before it: {}",
                c.states_before.join(", ")
            )?;
        }
        Ok(())
    }
}

/// One line per partition the check could not judge.
pub(crate) fn write_unknown_partitions(
    f: &mut fmt::Formatter<'_>,
    partitions: &[PartitionReport],
) -> fmt::Result {
    for p in partitions.iter().filter(|p| p.verdict == Verdict::Unknown) {
        let key = p.key.as_deref().unwrap_or("(all)");
        writeln!(f, "  key {key:?}: unknown after {} steps", p.steps)?;
    }
    Ok(())
}

/// The key and the operation a violation blames.
pub(crate) fn write_blamed(f: &mut fmt::Formatter<'_>, key: Option<&str>, op: &Op) -> fmt::Result {
    if let Some(key) = key {
        writeln!(f, "in key {key:?}:")?;
    }
    writeln!(f, "  cannot linearize: {op}")
}
