//! Jepsen histories in EDN: `{:process .. :type .. :f .. :value ..}` maps, one per line
//! or inside a vector. Keys come from `:key`, or from `[key value]` tuples (Jepsen's
//! `independent` histories); `:nemesis` events are skipped. Errors name the source line
//! and column of the event, also inside one big vector.

use crate::history::{Func, History, HistoryError, Status};
use crate::import::edn::{read_all, Edn, Position, TopLevel};
use crate::value::Val;

pub fn parse_edn_history(text: &str) -> Result<History, HistoryError> {
    let values = read_all(text).map_err(|e| HistoryError {
        line: e.line,
        message: format!("column {}: {}", e.column, e.message),
    })?;
    let mut history = History::new();
    for (at, event) in events(values) {
        add_event(&mut history, &event, at)?;
    }
    Ok(history)
}

/// The events with where each starts: the items of a single top-level vector or list,
/// else the top-level values themselves.
fn events(mut values: Vec<TopLevel>) -> Vec<(Position, Edn)> {
    if values.len() == 1 {
        let TopLevel {
            at,
            value,
            item_positions,
        } = values.remove(0);
        return match value {
            Edn::Vector(items) | Edn::List(items) => {
                let positions = item_positions.into_iter().chain(std::iter::repeat(at));
                positions.zip(items).collect()
            }
            other => vec![(at, other)],
        };
    }
    values.into_iter().map(|v| (v.at, v.value)).collect()
}

/// `nothing` for a missing key, else the value written as EDN (shortened).
fn shown(value: Option<&Edn>) -> String {
    value.map_or_else(|| "nothing".to_string(), Edn::shown)
}

fn add_event(history: &mut History, event: &Edn, at: Position) -> Result<(), HistoryError> {
    let line = at.line;
    let error = |message: String| HistoryError {
        line,
        message: format!("column {}: {message}", at.column),
    };
    if !matches!(event, Edn::Map(_)) {
        return Err(error(format!(
            "expected an event such as {{:process 0, :type :invoke, :f :read, :value nil}}, found \
                {}",
            event.shown()
        )));
    }
    let process = match event.get("process") {
        Some(Edn::Int(p)) if *p >= 0 => *p as u64,
        Some(Edn::Keyword(k)) if k == "nemesis" => return Ok(()),
        other => {
            return Err(error(format!(
                ":process: expected a non-negative integer, found {}",
                shown(other)
            )))
        }
    };
    let f_name = match event.get("f") {
        Some(Edn::Keyword(f)) => f.as_str(),
        other => {
            return Err(error(format!(
                ":f: expected a keyword such as :read, found {}",
                shown(other)
            )))
        }
    };
    let f = Func::parse(f_name).ok_or_else(|| error(format!(":f: unknown operation :{f_name}")))?;
    let (key, value) = key_and_value(event, f).map_err(error)?;
    let status = match event.get("type") {
        Some(Edn::Keyword(t)) if t == "invoke" => {
            return history.invoke(process, f, key, value, line)
        }
        Some(Edn::Keyword(t)) if t == "ok" => Status::Ok,
        Some(Edn::Keyword(t)) if t == "fail" => Status::Fail,
        Some(Edn::Keyword(t)) if t == "info" => Status::Info,
        other => {
            return Err(error(format!(
                ":type: expected :invoke, :ok, :fail or :info, found {}",
                shown(other)
            )))
        }
    };
    history.complete_matching(process, f, status, value, line)
}

/// The key (from `:key` or a `[key value]` tuple) and the value. A two-element vector
/// is a tuple unless it is a CAS's own `[from to]`.
fn key_and_value(event: &Edn, f: Func) -> Result<(Option<String>, Val), String> {
    let raw = event.get("value").cloned().unwrap_or(Edn::Nil);
    if f == Func::Txn {
        return Ok((None, txn_val(&raw)?));
    }
    if let Some(key) = event.get("key") {
        return Ok((Some(key_text(key)), to_val(&raw)?));
    }
    if let Edn::Vector(items) = &raw {
        let cas_pair = f == Func::Cas && !matches!(items.get(1), Some(Edn::Vector(_)));
        if items.len() == 2 && !cas_pair && is_tuple_value(&items[1]) {
            return Ok((Some(key_text(&items[0])), to_val(&items[1])?));
        }
    }
    Ok((None, to_val(&raw)?))
}

/// A `[key value]` tuple's value part is itself a value (possibly a CAS pair).
fn is_tuple_value(item: &Edn) -> bool {
    matches!(
        item,
        Edn::Nil | Edn::Int(_) | Edn::Str(_) | Edn::Vector(_) | Edn::Keyword(_)
    )
}

fn key_text(key: &Edn) -> String {
    match key {
        Edn::Str(s) | Edn::Keyword(s) | Edn::Symbol(s) => s.clone(),
        Edn::Int(i) => i.to_string(),
        other => other.to_string(),
    }
}

/// A `:txn` value: micro-operations `[:r k v]` / `[:w k v]` (or Knossos's `:read` and
/// `:write`).
fn txn_val(value: &Edn) -> Result<Val, String> {
    let shape = || {
        format!(
            ":value: expected a transaction such as [[:r :x 1] [:w :y 2]], found {}",
            value.shown()
        )
    };
    let (Edn::Vector(items) | Edn::List(items)) = value else {
        return Err(shape());
    };
    let mop = |item: &Edn| -> Result<Val, String> {
        let (Edn::Vector(parts) | Edn::List(parts)) = item else {
            return Err(shape());
        };
        let [Edn::Keyword(f), key, value] = parts.as_slice() else {
            return Err(shape());
        };
        Val::mop(f, key_text(key), to_val(value)?).ok_or_else(shape)
    };
    items
        .iter()
        .map(mop)
        .collect::<Result<Vec<_>, _>>()
        .map(Val::List)
}

fn to_val(value: &Edn) -> Result<Val, String> {
    Ok(match value {
        Edn::Nil => Val::Nil,
        Edn::Int(i) => Val::Int(*i),
        Edn::Str(s) => Val::Str(s.clone()),
        Edn::Keyword(k) if k == "timed-out" => Val::Nil,
        Edn::Keyword(k) => Val::Str(k.clone()),
        Edn::Vector(items) if items.len() == 2 => {
            Val::Pair(Box::new(to_val(&items[0])?), Box::new(to_val(&items[1])?))
        }
        other => {
            return Err(format!(
                ":value: expected nil, an integer, a string or [a b], found {}",
                other.shown()
            ))
        }
    })
}
