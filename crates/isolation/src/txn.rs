//! Transactions as a history records them: who ran them, how they ended, and their
//! micro-operations with what each read or wrote.

use std::fmt;

/// Which kind of object a history's transactions work on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxnModel {
    /// Keys hold lists; a transaction appends unique values and reads whole lists.
    ListAppend,
    /// Keys hold single values; a transaction writes unique values and reads one.
    RwRegister,
}

impl TxnModel {
    pub fn parse(name: &str) -> Option<TxnModel> {
        match name {
            "list-append" => Some(TxnModel::ListAppend),
            "rw-register" => Some(TxnModel::RwRegister),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TxnModel::ListAppend => "list-append",
            TxnModel::RwRegister => "rw-register",
        }
    }
}

/// How a transaction ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Committed: its reads are known.
    Ok,
    /// Certainly did not commit.
    Fail,
    /// Unknown: it may or may not have committed; its reads are unknown.
    Info,
}

/// One micro-operation. Keys and values are integers or strings in histories; they are
/// kept as text here, which keeps equality exact and display faithful.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mop {
    Append {
        key: String,
        value: String,
    },
    /// A list read; `None` when the result is unknown (an invocation, an `info`).
    ReadList {
        key: String,
        values: Option<Vec<String>>,
    },
    Write {
        key: String,
        value: String,
    },
    /// A register read; `Some(None)` read nil (the initial state), `None` is unknown.
    ReadRegister {
        key: String,
        value: Option<Option<String>>,
    },
}

impl Mop {
    pub fn key(&self) -> &str {
        match self {
            Mop::Append { key, .. }
            | Mop::ReadList { key, .. }
            | Mop::Write { key, .. }
            | Mop::ReadRegister { key, .. } => key,
        }
    }
}

impl fmt::Display for Mop {
    /// In Jepsen's notation: `[:append x 3]`, `[:r x [1 2 3]]`, `[:w x 2]`, `[:r x nil]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mop::Append { key, value } => write!(f, "[:append {key} {value}]"),
            Mop::Write { key, value } => write!(f, "[:w {key} {value}]"),
            Mop::ReadList { key, values: None } | Mop::ReadRegister { key, value: None } => {
                write!(f, "[:r {key} ?]")
            }
            Mop::ReadList {
                key,
                values: Some(values),
            } => {
                write!(f, "[:r {key} [{}]]", values.join(" "))
            }
            Mop::ReadRegister {
                key,
                value: Some(value),
            } => {
                write!(f, "[:r {key} {}]", value.as_deref().unwrap_or("nil"))
            }
        }
    }
}

/// A transaction's micro-operations as a Jepsen `:value` in EDN, the form
/// [`crate::parse_txn`] reads: `[[:append 3 7] [:r 4 [1 7]]]`; a read not known yet (an
/// invocation's) is `nil`.
pub fn txn_edn(mops: &[Mop]) -> String {
    let mut text = String::from("[");
    for (i, mop) in mops.iter().enumerate() {
        if i > 0 {
            text.push(' ');
        }
        match mop {
            Mop::ReadList { key, values: None } | Mop::ReadRegister { key, value: None } => {
                text.push_str(&format!("[:r {key} nil]"));
            }
            other => text.push_str(&other.to_string()),
        }
    }
    text.push(']');
    text
}

/// One transaction: its process, outcome, operations, and where it sits in the
/// history (event positions, for real-time order; the source line, for messages).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Txn {
    /// Position among the history's transactions, in invocation order.
    pub id: usize,
    pub process: u64,
    pub status: Status,
    pub mops: Vec<Mop>,
    /// Event positions of the invocation and the completion (`None`: never completed).
    pub invoke_index: usize,
    pub complete_index: Option<usize>,
    /// Source line of the invocation (0 when built in memory).
    pub line: usize,
}

impl fmt::Display for Txn {
    /// `T3 (process 1, line 7) [[:append x 3] [:r y [1]]]`, shortened when long.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MOPS_SHOWN_MAX: usize = 6;
        write!(f, "T{} (process {}", self.id, self.process)?;
        if self.line > 0 {
            write!(f, ", line {}", self.line)?;
        }
        write!(f, ") [")?;
        for (i, mop) in self.mops.iter().take(MOPS_SHOWN_MAX).enumerate() {
            write!(f, "{}{mop}", if i == 0 { "" } else { " " })?;
        }
        if self.mops.len() > MOPS_SHOWN_MAX {
            write!(f, " ...{} more", self.mops.len() - MOPS_SHOWN_MAX)?;
        }
        write!(f, "]")
    }
}

/// A whole history of transactions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TxnHistory {
    pub txns: Vec<Txn>,
}
