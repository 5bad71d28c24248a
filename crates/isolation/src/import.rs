//! Reading transactional histories: Jepsen EDN (`{:type :ok, :f :txn, :value [[:append
//! x 1] [:r y [1 2]]], :process 0}`, one per line or in one vector) and a JSON Lines
//! form with the same fields (`{"type":"ok","f":"txn","value":[["append","x",1],
//! ["r","y",[1,2]]],"process":0}`). An invocation is paired with its process's next
//! completion; a transaction never completed is `info`. Errors name the line.

use crate::builder::TxnHistoryBuilder;
use crate::txn::{Mop, Status, TxnHistory, TxnModel};
use faultline_check::import::edn::{read_all, Edn};
use serde_json::Value;

/// What is wrong with a history, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ImportError {
    pub line: usize,
    pub message: String,
}

/// One history event, whichever file it came from.
struct Event {
    process: Option<u64>,
    kind: String,
    mops: Vec<(String, String, Field)>,
    line: usize,
}

/// A micro-operation's third element: a scalar, nil, a list, or absent.
enum Field {
    Nil,
    Scalar(String),
    List(Vec<String>),
}

/// Reads a Jepsen EDN transactional history. One event per line (Jepsen's
/// `history.edn`) is read line by line, so a large history never lives as one tree of
/// values; a history written as a single vector is read whole.
pub fn parse_edn(text: &str, model: TxnModel) -> Result<TxnHistory, ImportError> {
    let one_per_line = text.trim_start().starts_with('{');
    let mut events = Vec::new();
    if one_per_line {
        for (index, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            for (at_line, edn) in edn_items(line)? {
                events.push(edn_event(&edn, index + at_line)?);
            }
        }
    } else {
        for (line, edn) in edn_items(text)? {
            events.push(edn_event(&edn, line)?);
        }
    }
    assemble(events, model)
}

/// The values in `text` with their lines (the items of a top-level vector or list
/// each with its own).
fn edn_items(text: &str) -> Result<Vec<(usize, Edn)>, ImportError> {
    let values = read_all(text).map_err(|e| ImportError {
        line: e.line,
        message: format!("column {}: {}", e.column, e.message),
    })?;
    let mut items = Vec::new();
    for top in values {
        match top.value {
            Edn::Vector(events) | Edn::List(events) if top.item_positions.len() == events.len() => {
                for (at, event) in top.item_positions.into_iter().zip(events) {
                    items.push((at.line, event));
                }
            }
            other => items.push((top.at.line, other)),
        }
    }
    Ok(items)
}

/// Reads the JSON Lines form.
pub fn parse_jsonl(text: &str, model: TxnModel) -> Result<TxnHistory, ImportError> {
    let mut events = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(raw).map_err(|e| ImportError {
            line,
            message: format!("not JSON: {e}"),
        })?;
        events.push(json_event(&value, line)?);
    }
    assemble(events, model)
}

fn edn_text(value: &Edn) -> Option<String> {
    match value {
        Edn::Int(n) => Some(n.to_string()),
        Edn::Str(s) | Edn::Keyword(s) | Edn::Symbol(s) => Some(s.clone()),
        _ => None,
    }
}

fn edn_event(edn: &Edn, line: usize) -> Result<Event, ImportError> {
    let error = |message: String| ImportError { line, message };
    let process = match edn.get("process") {
        Some(Edn::Int(p)) if *p >= 0 => Some(*p as u64),
        _ => None,
    };
    let kind = match edn.get("type") {
        Some(Edn::Keyword(k)) => k.clone(),
        _ => return Err(error("expected :type :invoke, :ok, :fail or :info".into())),
    };
    let mut mops = Vec::new();
    if process.is_some() {
        let Some(Edn::Vector(items) | Edn::List(items)) = edn.get("value") else {
            return Err(error(format!(
                ":value: expected a transaction such as [[:append x 1] [:r x nil]], found {}",
                edn.get("value").map_or("nothing".into(), Edn::shown)
            )));
        };
        for item in items {
            mops.push(edn_mop(item).map_err(error)?);
        }
    }
    Ok(Event {
        process,
        kind,
        mops,
        line,
    })
}

fn edn_mop(item: &Edn) -> Result<(String, String, Field), String> {
    let shape = || {
        format!(
            "expected a micro-operation such as [:append x 1] or [:r x nil], found {}",
            item.shown()
        )
    };
    let (Edn::Vector(parts) | Edn::List(parts)) = item else {
        return Err(shape());
    };
    let [f, key, value] = parts.as_slice() else {
        return Err(shape());
    };
    let (Some(f), Some(key)) = (edn_text(f), edn_text(key)) else {
        return Err(shape());
    };
    let field = match value {
        Edn::Nil => Field::Nil,
        Edn::Vector(items) | Edn::List(items) => Field::List(
            items
                .iter()
                .map(|v| edn_text(v).ok_or_else(shape))
                .collect::<Result<_, _>>()?,
        ),
        scalar => Field::Scalar(edn_text(scalar).ok_or_else(shape)?),
    };
    Ok((f, key, field))
}

fn json_text(value: &Value) -> Option<String> {
    match value {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

fn json_event(value: &Value, line: usize) -> Result<Event, ImportError> {
    let error = |message: String| ImportError { line, message };
    let process = value["process"].as_u64();
    let kind = value["type"]
        .as_str()
        .ok_or_else(|| error("\"type\": expected \"invoke\", \"ok\", \"fail\" or \"info\"".into()))?
        .to_string();
    let mut mops = Vec::new();
    if let (Some(_), Some(text)) = (process, value["value"].as_str()) {
        // A run's own history (`faultline run --history`): the transaction as EDN text.
        mops = edn_mops(text).map_err(error)?;
    } else if process.is_some() {
        let items = value["value"].as_array().ok_or_else(|| {
            error(
                "\"value\": expected a transaction such as \
                [[\"append\",\"x\",1],[\"r\",\"x\",null]]"
                    .into(),
            )
        })?;
        for item in items {
            let shape = || {
                error(format!(
                    "expected a micro-operation such as [\"append\",\"x\",1], found {item}"
                ))
            };
            let [f, key, field] = item.as_array().map(Vec::as_slice).unwrap_or_default() else {
                return Err(shape());
            };
            let (Some(f), Some(key)) = (json_text(f), json_text(key)) else {
                return Err(shape());
            };
            let field = match field {
                Value::Null => Field::Nil,
                Value::Array(items) => Field::List(
                    items
                        .iter()
                        .map(|v| json_text(v).ok_or_else(shape))
                        .collect::<Result<_, _>>()?,
                ),
                scalar => Field::Scalar(json_text(scalar).ok_or_else(shape)?),
            };
            mops.push((f, key, field));
        }
    }
    Ok(Event {
        process,
        kind,
        mops,
        line,
    })
}

/// Pairs invocations with completions into transactions, numbered in invocation order.
fn assemble(events: Vec<Event>, model: TxnModel) -> Result<TxnHistory, ImportError> {
    let mut builder = TxnHistoryBuilder::new();
    // A process runs one transaction at a time (Jepsen gives a crashed one a new
    // number): a second invocation while one is open is a broken history, not a
    // transaction to guess the fate of.
    let mut open = std::collections::BTreeSet::new();
    for event in events {
        let Some(process) = event.process else {
            continue; // the nemesis, or another process without a number
        };
        let error = |message: String| ImportError {
            line: event.line,
            message,
        };
        let mops = event
            .mops
            .into_iter()
            .map(|(f, key, field)| mop(model, &f, key, field))
            .collect::<Result<Vec<_>, _>>()
            .map_err(error)?;
        let status = match event.kind.as_str() {
            "invoke" => {
                if !open.insert(process) {
                    return Err(error(format!(
                        "process {process} invokes again before its last transaction completed"
                    )));
                }
                builder.invoke(process, mops, event.line);
                continue;
            }
            "ok" => Status::Ok,
            "fail" => Status::Fail,
            "info" => Status::Info,
            other => {
                return Err(error(format!(
                    "type {other}: expected invoke, ok, fail or info"
                )))
            }
        };
        open.remove(&process);
        builder.complete(process, status, mops).map_err(error)?;
    }
    Ok(builder.finish())
}

/// The micro-operations of a transaction written as EDN text, not yet typed.
fn edn_mops(text: &str) -> Result<Vec<(String, String, Field)>, String> {
    let values = read_all(text).map_err(|e| format!("column {}: {}", e.column, e.message))?;
    let [top] = values.as_slice() else {
        return Err(format!(
            "expected one transaction such as [[:append x 1] [:r x nil]], found {} values",
            values.len()
        ));
    };
    let (Edn::Vector(items) | Edn::List(items)) = &top.value else {
        return Err(format!(
            "expected a transaction such as [[:append x 1] [:r x nil]], found {}",
            top.value.shown()
        ));
    };
    items.iter().map(edn_mop).collect()
}

/// Reads one transaction's micro-operations written as a Jepsen `:value`, such as
/// `[[:append 3 7] [:r 4 [1 7]]]` (what a run's clients record as a `txn` value).
pub fn parse_txn(text: &str, model: TxnModel) -> Result<Vec<Mop>, String> {
    edn_mops(text)?
        .into_iter()
        .map(|(f, key, field)| mop(model, &f, key, field))
        .collect()
}

fn mop(model: TxnModel, f: &str, key: String, field: Field) -> Result<Mop, String> {
    match (model, f, field) {
        (TxnModel::ListAppend, "append", Field::Scalar(value)) => Ok(Mop::Append { key, value }),
        // A list never appended to reads as nil in Jepsen histories: empty.
        (TxnModel::ListAppend, "r", Field::Nil) => Ok(Mop::ReadList {
            key,
            values: Some(Vec::new()),
        }),
        (TxnModel::ListAppend, "r", Field::List(values)) => Ok(Mop::ReadList {
            key,
            values: Some(values),
        }),
        (TxnModel::RwRegister, "w", Field::Scalar(value)) => Ok(Mop::Write { key, value }),
        (TxnModel::RwRegister, "r", Field::Nil) => Ok(Mop::ReadRegister {
            key,
            value: Some(None),
        }),
        (TxnModel::RwRegister, "r", Field::Scalar(value)) => Ok(Mop::ReadRegister {
            key,
            value: Some(Some(value)),
        }),
        (model, f, _) => Err(format!(
            "[:{f} {key} ...] is not a {} micro-operation (expected {})",
            model.name(),
            match model {
                TxnModel::ListAppend => "[:append k v] or [:r k [v ...]]",
                TxnModel::RwRegister => "[:w k v] or [:r k v]",
            }
        )),
    }
}
