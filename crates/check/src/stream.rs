//! Checking a history while it is recorded, in memory that follows the history's
//! concurrency rather than its length: the check for long runs and huge histories.
//!
//! Events go in one at a time, as [`History`](crate::History) takes them. Each
//! partition (key) passes its events to its [`Frontier`](crate::frontier) in order as
//! soon as the frontier can take them: a call once its operation has completed (the
//! frontier must know whether it is `ok`, `fail` or `info`, and what it returned), a
//! return at once. So a partition holds the events since its oldest operation still
//! open, and the frontier (the model states a linearization can be in) with the
//! operations in flight, among them the `info` ones, which never return and may take
//! effect at any later time. An operation that never completes holds its partition's
//! events until the history ends, when it counts as `info`.
//!
//! The verdict is the whole-history check's ([`crate::check`]): the same
//! linearizations exist. What it cannot give is the longest partial linearization of a
//! violation (it keeps no past); [`StreamViolation`] names the operation nothing could
//! linearize and the states the history could be in just before it.

use crate::check::{write_blamed, write_unknown_partitions, PartitionReport, Verdict};
use crate::frontier::{Blocked, Frontier};
use crate::history::{Func, HistoryError, Op, Status};
use crate::model::Model;
use crate::value::Val;
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};
use std::fmt;

/// How far a streaming check follows a partition before it answers `unknown`.
#[derive(Clone, Copy, Debug)]
pub struct StreamLimits {
    /// Model steps per partition.
    pub steps_max: u64,
    /// Configurations a partition's frontier may reach while passing one return. The
    /// frontier grows with concurrency (every order of the operations in flight that
    /// the model allows): a few clients per key keep it to tens; fifty clients on one
    /// key can need millions, where the whole-history search ([`crate::check`]) is
    /// the better tool.
    pub configurations_max: usize,
}

impl Default for StreamLimits {
    fn default() -> Self {
        StreamLimits {
            steps_max: crate::STEPS_PER_PARTITION_MAX,
            configurations_max: 1_000_000,
        }
    }
}

/// A completed operation no linearization of the history before it could take.
#[derive(Clone, Debug, Serialize)]
pub struct StreamViolation {
    pub key: Option<String>,
    pub op: Op,
    /// The model states every linearization up to it could be in.
    pub states_before: Vec<String>,
}

/// An operation the model cannot perform at all, and why: bad input, not a violation.
#[derive(Clone, Debug, Serialize)]
pub struct Rejected {
    pub op: Op,
    pub why: String,
}

/// What a streaming check found.
#[derive(Clone, Debug, Serialize)]
pub struct StreamReport {
    pub verdict: Verdict,
    pub model: String,
    pub operations: usize,
    /// Per partition, in key order; `steps` are model steps.
    pub partitions: Vec<PartitionReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub violation: Option<StreamViolation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejected: Option<Rejected>,
    /// The most configurations any partition's frontier held at once: the check's
    /// memory beyond its `info` operations.
    pub configurations_max: usize,
}

/// A streaming check with its model's state type hidden, as
/// [`HistoryModel::stream`](crate::HistoryModel::stream) gives it.
pub trait HistoryStream {
    /// `process` invokes `f` on `key` with `input`; `line` is quoted in errors.
    fn invoke(
        &mut self,
        process: u64,
        f: Func,
        key: Option<String>,
        input: Val,
        line: usize,
    ) -> Result<(), HistoryError>;

    /// `process`'s open operation, `f`, completes.
    fn complete(
        &mut self,
        process: u64,
        f: Func,
        status: Status,
        output: Val,
        line: usize,
    ) -> Result<(), HistoryError>;

    /// Ends the history (operations still open count as `info`) and reports.
    fn finish(self: Box<Self>) -> StreamReport;
}

/// One partition's frontier and the events it cannot take yet.
struct Partition<S> {
    key: Option<String>,
    frontier: Frontier<S>,
    /// Operations whose call or return the frontier has still to take, by id.
    waiting: BTreeMap<usize, Waiting>,
    /// Events not yet passed to the frontier, in real-time order: (operation id,
    /// whether it is the call).
    unpassed: VecDeque<(usize, bool)>,
    operations: usize,
    ended: Option<Ended>,
}

/// An operation of a partition between its call and the frontier's taking its return.
struct Waiting {
    /// The operation, until the frontier takes its call.
    op: Option<Op>,
    completed: bool,
    /// Its slot in the frontier, once called there, if its return is to be passed.
    slot: Option<usize>,
}

enum Ended {
    Violation(Box<StreamViolation>),
    OutOfSteps,
    TooWide,
}

/// The streaming check of one history against `model`.
pub struct StreamCheck<'m, M: Model> {
    model: &'m M,
    limits: StreamLimits,
    partitions: Vec<Partition<M::State>>,
    by_key: BTreeMap<String, usize>,
    whole: Option<usize>,
    /// Each open operation's process: its partition and id.
    open: BTreeMap<u64, (usize, usize)>,
    operations: usize,
    events: usize,
    rejected: Option<Rejected>,
}

impl<'m, M: Model> StreamCheck<'m, M> {
    /// A check against `model` giving up (`unknown`) on a partition beyond `limits`.
    pub fn new(model: &'m M, limits: StreamLimits) -> Self {
        StreamCheck {
            model,
            limits,
            partitions: Vec::new(),
            by_key: BTreeMap::new(),
            whole: None,
            open: BTreeMap::new(),
            operations: 0,
            events: 0,
            rejected: None,
        }
    }

    /// The partition `op` belongs to, made on first use.
    fn partition_of(&mut self, op: &Op) -> usize {
        let key = self.model.partition(op);
        let found = match key {
            Some(key) => self.by_key.get(key).copied(),
            None => self.whole,
        };
        if let Some(index) = found {
            return index;
        }
        let index = self.partitions.len();
        self.partitions.push(Partition {
            key: key.map(str::to_string),
            frontier: Frontier::new(self.model.init()),
            waiting: BTreeMap::new(),
            unpassed: VecDeque::new(),
            operations: 0,
            ended: None,
        });
        match key {
            Some(key) => {
                self.by_key.insert(key.to_string(), index);
            }
            None => self.whole = Some(index),
        }
        index
    }

    /// Ends the history: operations still open count as `info`.
    pub fn finish_report(mut self) -> StreamReport {
        for (_, (index, id)) in std::mem::take(&mut self.open) {
            if let Some(waiting) = self.partitions[index].waiting.get_mut(&id) {
                waiting.completed = true;
            }
        }
        for partition in &mut self.partitions {
            pass(self.model, partition, &self.limits);
        }
        self.partitions.sort_by(|a, b| a.key.cmp(&b.key));
        report(self)
    }
}

/// Passes the partition's events to its frontier while it can take them: up to the
/// call of an operation still open.
fn pass<M: Model>(model: &M, partition: &mut Partition<M::State>, limits: &StreamLimits) {
    while let Some(&(id, is_call)) = partition.unpassed.front() {
        if is_call {
            let waiting = partition
                .waiting
                .get_mut(&id)
                .expect("a call's operation waits");
            if !waiting.completed {
                return;
            }
            let op = waiting.op.take().expect("a call is passed once");
            let info = op.status == Status::Info;
            let read_only = model.is_read_only(&op);
            // An `info` read constrains nothing; an excluded operation (a `fail`) did
            // not happen; an `info` operation never returns.
            if model.includes(&op) && !(info && read_only) {
                let slot = partition.frontier.call(op, info, read_only);
                waiting.slot = (!info).then_some(slot);
            }
            if waiting.slot.is_none() {
                partition.waiting.remove(&id);
            }
        } else if let Some(slot) = partition.waiting.remove(&id).and_then(|w| w.slot) {
            if let Err(blocked) = partition.frontier.ret(model, slot, limits) {
                end(partition, blocked);
                return;
            }
        }
        partition.unpassed.pop_front();
    }
}

/// Ends the partition's check: nothing more is passed, and only its open operations
/// are kept (their completions must still match them).
fn end<S>(partition: &mut Partition<S>, blocked: Blocked) {
    partition.ended = Some(match blocked {
        Blocked::OutOfSteps => Ended::OutOfSteps,
        Blocked::TooWide => Ended::TooWide,
        Blocked::Unreachable { op, states_before } => Ended::Violation(Box::new(StreamViolation {
            key: partition.key.clone(),
            op: *op,
            states_before,
        })),
    });
    partition.unpassed.clear();
    partition.waiting.retain(|_, waiting| !waiting.completed);
}

fn report<M: Model>(check: StreamCheck<'_, M>) -> StreamReport {
    let mut violation = None;
    let mut partitions = Vec::new();
    let mut configurations_max = 0;
    for partition in check.partitions {
        configurations_max = configurations_max.max(partition.frontier.configs_max);
        let verdict = match partition.ended {
            None => Verdict::Linearizable,
            Some(Ended::OutOfSteps | Ended::TooWide) => Verdict::Unknown,
            Some(Ended::Violation(found)) => {
                violation.get_or_insert(*found);
                Verdict::NotLinearizable
            }
        };
        partitions.push(PartitionReport {
            key: partition.key,
            operations: partition.operations,
            verdict,
            steps: partition.frontier.steps,
        });
    }
    let verdict = if violation.is_some() {
        Verdict::NotLinearizable
    } else if check.rejected.is_some()
        || partitions
            .iter()
            .any(|p| p.verdict != Verdict::Linearizable)
    {
        Verdict::Unknown
    } else {
        Verdict::Linearizable
    };
    StreamReport {
        verdict,
        model: check.model.name().to_string(),
        operations: check.operations,
        partitions,
        violation,
        rejected: check.rejected,
        configurations_max,
    }
}

impl<M: Model> HistoryStream for StreamCheck<'_, M> {
    fn invoke(
        &mut self,
        process: u64,
        f: Func,
        key: Option<String>,
        input: Val,
        line: usize,
    ) -> Result<(), HistoryError> {
        if self.open.contains_key(&process) {
            return Err(HistoryError::invoked_again(process, line));
        }
        let op = Op::invoked(self.operations, process, f, key, input, self.events, line);
        self.operations += 1;
        self.events += 1;
        let index = self.partition_of(&op);
        let partition = &mut self.partitions[index];
        let id = op.id;
        let waiting = Waiting {
            op: Some(op),
            completed: false,
            slot: None,
        };
        partition.waiting.insert(id, waiting);
        if partition.ended.is_none() {
            partition.unpassed.push_back((id, true));
        }
        partition.operations += 1;
        self.open.insert(process, (index, id));
        Ok(())
    }

    fn complete(
        &mut self,
        process: u64,
        f: Func,
        status: Status,
        output: Val,
        line: usize,
    ) -> Result<(), HistoryError> {
        let Some(&(index, id)) = self.open.get(&process) else {
            return Err(HistoryError::never_invoked(process, line));
        };
        let partition = &mut self.partitions[index];
        let waiting = partition
            .waiting
            .get_mut(&id)
            .expect("an open operation waits");
        let op = waiting
            .op
            .as_mut()
            .expect("an open operation is not passed yet");
        if op.f != f {
            return Err(HistoryError::completes_another(op, f, line));
        }
        self.open.remove(&process);
        op.status = status;
        if status != Status::Info {
            op.ret = Some(self.events);
            op.output = output;
        }
        self.events += 1;
        if self.rejected.is_none() {
            if let Err(why) = self.model.validate(op) {
                self.rejected = Some(Rejected {
                    op: op.clone(),
                    why,
                });
            }
        }
        waiting.completed = true;
        if partition.ended.is_some() {
            partition.waiting.remove(&id);
            return Ok(());
        }
        partition.unpassed.push_back((id, false));
        pass(self.model, partition, &self.limits);
        Ok(())
    }

    fn finish(self: Box<Self>) -> StreamReport {
        self.finish_report()
    }
}

impl fmt::Display for StreamReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = match self.verdict {
            Verdict::Linearizable => "LINEARIZABLE",
            Verdict::NotLinearizable => "NOT LINEARIZABLE",
            Verdict::Unknown if self.rejected.is_some() => {
                "UNKNOWN (an operation the model rejects)"
            }
            Verdict::Unknown => "UNKNOWN (step or configuration limit reached)",
        };
        writeln!(
            f,
            "{verdict}: {} operations, model {}, {} partition(s), checked as a stream (at most {} \
                configurations held)",
            self.operations,
            self.model,
            self.partitions.len(),
            self.configurations_max
        )?;
        if let Some(rejected) = &self.rejected {
            writeln!(f, "  {}: {}", rejected.op, rejected.why)?;
        }
        write_unknown_partitions(f, &self.partitions)?;
        if let Some(v) = &self.violation {
            write_blamed(f, v.key.as_deref(), &v.op)?;
            writeln!(
                f,
                "  model states reachable just before it: {}",
                v.states_before.join(", ")
            )?;
        }
        Ok(())
    }
}

/// Checks a whole `history` as a stream: its events in their recorded order (an
/// `info` completion, whose place a history does not keep, right after its call).
pub fn check_stream<M: Model>(
    history: &crate::History,
    model: &M,
    limits: StreamLimits,
) -> Result<StreamReport, HistoryError> {
    let mut events: Vec<(usize, &Op)> = Vec::with_capacity(history.ops.len() * 2);
    for op in &history.ops {
        events.push((2 * op.call, op));
        events.push((op.ret.map_or(2 * op.call + 1, |ret| 2 * ret), op));
    }
    events.sort_by_key(|(at, _)| *at);
    let mut check = StreamCheck::new(model, limits);
    for (at, op) in events {
        if at == 2 * op.call {
            check.invoke(op.process, op.f, op.key.clone(), op.input.clone(), op.line)?;
        } else {
            let output = op.output.clone();
            check.complete(op.process, op.f, op.status, output, op.line)?;
        }
    }
    Ok(check.finish_report())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{Kv, Register};

    fn write(check: &mut StreamCheck<'_, Register>, process: u64, value: i64) {
        check
            .invoke(process, Func::Write, None, Val::Int(value), 0)
            .unwrap();
    }

    fn read(check: &mut StreamCheck<'_, Register>, process: u64) {
        check
            .invoke(process, Func::Read, None, Val::Nil, 0)
            .unwrap();
    }

    fn done(
        check: &mut StreamCheck<'_, Register>,
        process: u64,
        f: Func,
        status: Status,
        out: i64,
    ) {
        let output = if out < 0 { Val::Nil } else { Val::Int(out) };
        check.complete(process, f, status, output, 0).unwrap();
    }

    #[test]
    fn a_stale_read_is_caught_with_the_states_before_it() {
        let mut check = StreamCheck::new(&Register, StreamLimits::default());
        write(&mut check, 1, 1);
        done(&mut check, 1, Func::Write, Status::Ok, -1);
        write(&mut check, 1, 2);
        done(&mut check, 1, Func::Write, Status::Ok, -1);
        read(&mut check, 2);
        done(&mut check, 2, Func::Read, Status::Ok, 1);
        let report = check.finish_report();
        assert_eq!(report.verdict, Verdict::NotLinearizable, "{report}");
        let violation = report.violation.unwrap();
        assert_eq!(violation.op.f, Func::Read);
        assert_eq!(violation.states_before, vec!["2".to_string()]);
    }

    #[test]
    fn a_crashed_write_may_show_up_much_later_or_never() {
        let mut check = StreamCheck::new(&Register, StreamLimits::default());
        write(&mut check, 1, 7);
        done(&mut check, 1, Func::Write, Status::Info, -1);
        for value in 1..20 {
            write(&mut check, 2, value);
            done(&mut check, 2, Func::Write, Status::Ok, -1);
            read(&mut check, 3);
            done(&mut check, 3, Func::Read, Status::Ok, value);
        }
        read(&mut check, 3);
        done(&mut check, 3, Func::Read, Status::Ok, 7);
        let report = check.finish_report();
        assert_eq!(report.verdict, Verdict::Linearizable, "{report}");
        assert!(report.configurations_max <= 2, "{report}");
    }

    #[test]
    fn a_failed_write_did_not_happen_and_an_open_one_may_have() {
        let mut check = StreamCheck::new(&Register, StreamLimits::default());
        write(&mut check, 1, 5);
        done(&mut check, 1, Func::Write, Status::Fail, -1);
        read(&mut check, 2);
        done(&mut check, 2, Func::Read, Status::Ok, 5);
        assert_eq!(check.finish_report().verdict, Verdict::NotLinearizable);

        let mut check = StreamCheck::new(&Register, StreamLimits::default());
        write(&mut check, 1, 5);
        read(&mut check, 2);
        done(&mut check, 2, Func::Read, Status::Ok, 5);
        assert_eq!(check.finish_report().verdict, Verdict::Linearizable);
    }

    #[test]
    fn keys_are_apart_and_hold_only_what_follows_their_oldest_open_operation() {
        let mut check = StreamCheck::new(&Kv, StreamLimits::default());
        let key = |k: &str| Some(k.to_string());
        let put = |v: &str| Val::Str(v.to_string());
        check.invoke(1, Func::Put, key("a"), put("x"), 1).unwrap();
        check.invoke(2, Func::Get, key("b"), Val::Nil, 2).unwrap();
        check
            .complete(1, Func::Put, Status::Ok, Val::Nil, 3)
            .unwrap();
        assert_eq!(check.partitions[0].unpassed.len(), 0, "key a is passed");
        assert_eq!(
            check.partitions[1].unpassed.len(),
            1,
            "key b waits for its get"
        );
        check
            .complete(2, Func::Get, Status::Ok, put(""), 4)
            .unwrap();
        let report = check.finish_report();
        assert_eq!(report.verdict, Verdict::Linearizable, "{report}");
        assert_eq!(report.partitions.len(), 2);
    }

    #[test]
    fn a_key_never_quiet_still_holds_only_a_few_events() {
        let mut check = StreamCheck::new(&Register, StreamLimits::default());
        write(&mut check, 1, 1);
        let mut held_max = 0;
        for round in 0..200 {
            // Two clients take turns, so one operation is always open.
            let (done_by, next) = if round % 2 == 0 { (1, 2) } else { (2, 1) };
            read(&mut check, next);
            let f = if round == 0 { Func::Write } else { Func::Read };
            done(
                &mut check,
                done_by,
                f,
                Status::Ok,
                if round == 0 { -1 } else { 1 },
            );
            held_max = held_max.max(check.partitions[0].unpassed.len());
        }
        assert!(held_max <= 3, "held {held_max} events");
        done(&mut check, 1, Func::Read, Status::Ok, 1);
        assert_eq!(check.finish_report().verdict, Verdict::Linearizable);
    }

    #[test]
    fn events_out_of_turn_are_errors_naming_their_line() {
        let mut check = StreamCheck::new(&Register, StreamLimits::default());
        let err = check
            .complete(4, Func::Read, Status::Ok, Val::Nil, 9)
            .unwrap_err();
        assert_eq!(err.line, 9);
        assert!(err.message.contains("never invoked"), "{err}");
        check.invoke(4, Func::Write, None, Val::Int(1), 10).unwrap();
        let err = check.invoke(4, Func::Read, None, Val::Nil, 11).unwrap_err();
        assert!(err.message.contains("invokes again"), "{err}");
        let err = check
            .complete(4, Func::Read, Status::Ok, Val::Nil, 12)
            .unwrap_err();
        assert!(
            err.message.contains("`write` it invoked at line 10"),
            "{err}"
        );
    }

    /// Six concurrent writes and a read of the third: every order of the writes
    /// before it is a configuration.
    fn six_writes_and_a_read(limits: StreamLimits) -> StreamReport {
        let mut check = StreamCheck::new(&Register, limits);
        for process in 0..6 {
            write(&mut check, process, process as i64 + 1);
        }
        read(&mut check, 9);
        done(&mut check, 9, Func::Read, Status::Ok, 3);
        for process in 0..6 {
            done(&mut check, process, Func::Write, Status::Ok, -1);
        }
        check.finish_report()
    }

    #[test]
    fn too_much_concurrency_is_unknown_not_a_verdict() {
        let limits = StreamLimits {
            configurations_max: 8,
            ..StreamLimits::default()
        };
        let report = six_writes_and_a_read(limits);
        assert_eq!(report.verdict, Verdict::Unknown, "{report}");
        let report = six_writes_and_a_read(StreamLimits::default());
        assert_eq!(
            report.verdict,
            Verdict::Linearizable,
            "the limit made it unknown"
        );
    }
}
