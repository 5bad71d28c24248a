//! Histories: what clients invoked and what they saw, paired into operations.
//!
//! Events arrive in real-time order: an invocation, later its completion by the same
//! process. A completion is `ok` (it happened, with this output), `fail` (it did not
//! happen) or `info` (unknown: crashed or timed out). An `info` operation may or may
//! not have taken effect, so it stays concurrent with everything after its invocation:
//! its return is placed after every other event. An invocation never completed counts
//! as `info`.

use crate::value::Val;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// What an operation does: one of the built-in operations the built-in models know,
/// or [`Func::Other`], an operation named by a user's own [`Model`](crate::Model).
///
/// Serialized as its name (`"read"`, `"enqueue"`). Only the built-in names
/// deserialize: importers reject a name they do not know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Func {
    Read,
    Write,
    Cas,
    Get,
    Put,
    Append,
    Acquire,
    Release,
    /// A transaction over several registers (`multi-register`).
    Txn,
    /// An operation only a user's model knows, such as `"enqueue"`. Build it with
    /// [`Func::named`], which never wraps a built-in name: `Other("read")` would not
    /// equal [`Func::Read`].
    Other(&'static str),
}

impl Func {
    /// The built-in operation called `name`, or `None`: importers accept only these.
    pub fn parse(name: &str) -> Option<Func> {
        Func::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The operation called `name`: the built-in one if there is one, else
    /// [`Func::Other`]`(name)`.
    pub fn named(name: &'static str) -> Func {
        Func::parse(name).unwrap_or(Func::Other(name))
    }

    /// Every built-in operation, for messages that list what was expected.
    pub const ALL: [Func; 9] = [
        Func::Read,
        Func::Write,
        Func::Cas,
        Func::Get,
        Func::Put,
        Func::Append,
        Func::Acquire,
        Func::Release,
        Func::Txn,
    ];

    /// The operation's name, as histories spell it.
    pub fn name(self) -> &'static str {
        match self {
            Func::Read => "read",
            Func::Write => "write",
            Func::Cas => "cas",
            Func::Get => "get",
            Func::Put => "put",
            Func::Append => "append",
            Func::Acquire => "acquire",
            Func::Release => "release",
            Func::Txn => "txn",
            Func::Other(name) => name,
        }
    }
}

impl fmt::Display for Func {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Func {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// Reads a built-in name only: a user's operation name cannot be borrowed for
/// `'static` from the input, and importers reject names they do not know.
impl<'de> Deserialize<'de> for Func {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Func, D::Error> {
        let name = String::deserialize(deserializer)?;
        Func::parse(&name).ok_or_else(|| {
            let known: Vec<String> = Func::ALL.iter().map(|f| format!("`{f}`")).collect();
            D::Error::custom(format!(
                "unknown operation `{name}`, expected one of {}",
                known.join(", ")
            ))
        })
    }
}

/// How an operation completed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Fail,
    Info,
}

/// One operation: invocation paired with completion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Op {
    /// Position among the history's operations, in invocation order.
    pub id: usize,
    pub process: u64,
    pub f: Func,
    pub key: Option<String>,
    /// What the invocation carried (the value written, a CAS's `[from to]`).
    pub input: Val,
    /// What the completion reported (the value read); `Nil` when unknown.
    pub output: Val,
    pub status: Status,
    /// Event positions: invocation, and completion (`None` for `info`: never returns).
    pub call: usize,
    pub ret: Option<usize>,
    /// The source line of the invocation, for messages (0 if built in memory).
    pub line: usize,
}

impl fmt::Display for Op {
    /// `#43 process 11 read -> 2 (line 87)`, `#60 process 2 append key "0" "x" -> ok`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{} process {} {}", self.id, self.process, self.f.name())?;
        if let Some(key) = &self.key {
            write!(f, " key {key:?}")?;
        }
        if self.input != Val::Nil {
            write!(f, " {}", self.input)?;
        }
        match self.status {
            Status::Ok if self.shows_output() => write!(f, " -> {}", self.output)?,
            Status::Ok => write!(f, " -> ok")?,
            Status::Fail => write!(f, " -> fail")?,
            Status::Info => write!(f, " -> ? (info)")?,
        }
        if self.line > 0 {
            write!(f, " (line {})", self.line)?;
        }
        Ok(())
    }
}

impl Op {
    /// Whether a completed operation's output is worth showing: what a read returned,
    /// or whatever a user's operation (a dequeue) returned.
    pub fn shows_output(&self) -> bool {
        match self.f {
            Func::Read | Func::Get => true,
            Func::Other(_) => self.output != Val::Nil,
            _ => false,
        }
    }
}

/// Why a history could not be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct HistoryError {
    pub line: usize,
    pub message: String,
}

impl HistoryError {
    /// `process` invoked while its last operation was still open.
    pub(crate) fn invoked_again(process: u64, line: usize) -> Self {
        HistoryError {
            line,
            message: format!("process {process} invokes again before its last operation completed"),
        }
    }

    /// `process` completed with nothing open.
    pub(crate) fn never_invoked(process: u64, line: usize) -> Self {
        HistoryError {
            line,
            message: format!("process {process} completes an operation it never invoked"),
        }
    }

    /// A completion naming `f` for the open operation `invoked`, which is another.
    pub(crate) fn completes_another(invoked: &Op, f: Func, line: usize) -> Self {
        HistoryError {
            line,
            message: format!(
                "process {} completes `{f}`, but its open operation is the `{}` it invoked at \
                    line {}",
                invoked.process, invoked.f, invoked.line
            ),
        }
    }
}

impl Op {
    /// Operation `id`, just invoked (at event `call`): `info` until it completes.
    pub(crate) fn invoked(
        id: usize,
        process: u64,
        f: Func,
        key: Option<String>,
        input: Val,
        call: usize,
        line: usize,
    ) -> Op {
        Op {
            id,
            process,
            f,
            key,
            input,
            output: Val::Nil,
            status: Status::Info,
            call,
            ret: None,
            line,
        }
    }
}

/// Operations in invocation order, built from events.
#[derive(Clone, Debug, Default)]
pub struct History {
    pub ops: Vec<Op>,
    open: BTreeMap<u64, usize>,
    events: usize,
}

impl History {
    pub fn new() -> Self {
        History::default()
    }

    /// Records an invocation by `process` of `f`: a built-in operation or a user's,
    /// such as `Func::named("enqueue")`.
    pub fn invoke(
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
        let id = self.ops.len();
        self.ops
            .push(Op::invoked(id, process, f, key, input, self.events, line));
        self.events += 1;
        self.open.insert(process, id);
        Ok(())
    }

    /// Records the completion of `process`'s open operation.
    pub fn complete(
        &mut self,
        process: u64,
        status: Status,
        output: Val,
        line: usize,
    ) -> Result<(), HistoryError> {
        let id = self
            .open
            .remove(&process)
            .ok_or_else(|| HistoryError::never_invoked(process, line))?;
        let op = &mut self.ops[id];
        op.status = status;
        if status != Status::Info {
            op.ret = Some(self.events);
            op.output = output;
        }
        self.events += 1;
        Ok(())
    }

    /// Records the completion of `process`'s open operation, which the completion
    /// names as `f`: a completion that names another operation than its invocation's
    /// is an error naming both lines.
    pub fn complete_matching(
        &mut self,
        process: u64,
        f: Func,
        status: Status,
        output: Val,
        line: usize,
    ) -> Result<(), HistoryError> {
        if let Some(invoked) = self.open.get(&process).map(|&id| &self.ops[id]) {
            if invoked.f != f {
                return Err(HistoryError::completes_another(invoked, f, line));
            }
        }
        self.complete(process, status, output, line)
    }

    /// How many events (invocations and completions) were recorded.
    pub fn event_count(&self) -> usize {
        self.events
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_completion_must_name_the_operation_it_completes() {
        let mut history = History::new();
        history
            .invoke(7, Func::Write, None, Val::Int(1), 3)
            .unwrap();
        let err = history
            .complete_matching(7, Func::Read, Status::Ok, Val::Int(1), 4)
            .unwrap_err();
        assert_eq!(err.line, 4);
        assert!(
            err.message.contains("`read`") && err.message.contains("`write` it invoked at line 3"),
            "{err}"
        );
        history
            .complete_matching(7, Func::Write, Status::Info, Val::Nil, 5)
            .unwrap();
        assert_eq!(history.ops[0].status, Status::Info);
    }
}
