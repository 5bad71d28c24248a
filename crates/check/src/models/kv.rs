//! A key-value store of strings: get, put, append. A missing key reads as "".
//!
//! [`Kv`] checks key by key (P-compositionality: keys are independent), [`KvWhole`]
//! keeps the whole map as one state, for comparison and for stores where keys are not
//! independent.

use crate::history::{Func, Op, Status};
use crate::model::{known_operation, Model};
use crate::value::Val;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, Default)]
pub struct Kv;

/// What [`key_step`] accepts, so what [`Kv`] and [`KvWhole`] know.
const KV_OPERATIONS: [Func; 3] = [Func::Get, Func::Put, Func::Append];

/// One key's next value after `op`, or `None` if `op` cannot happen with `value`.
fn key_step(value: &str, op: &Op) -> Option<String> {
    match op.f {
        Func::Get => {
            let read = op.output.as_str().unwrap_or("");
            (op.status == Status::Info || read == value).then(|| value.to_string())
        }
        Func::Put => Some(op.input.as_str().unwrap_or("").to_string()),
        Func::Append => Some(format!("{value}{}", op.input.as_str().unwrap_or(""))),
        _ => None,
    }
}

/// What [`Kv`] and [`KvWhole`] accept: their operations, a string to put or append,
/// and a get that returned a string or nil (a missing key).
fn validate_kv(op: &Op) -> Result<(), String> {
    known_operation("kv", &KV_OPERATIONS, op)?;
    match op.f {
        Func::Put | Func::Append if op.input.as_str().is_none() => Err(format!(
            "model kv needs a string to {}, not {}",
            op.f, op.input
        )),
        Func::Get if op.status == Status::Ok && !matches!(op.output, Val::Str(_) | Val::Nil) => {
            Err(format!(
                "model kv needs a get to return a string or nil, not {}",
                op.output
            ))
        }
        _ => Ok(()),
    }
}

impl Model for Kv {
    type State = String;

    fn name(&self) -> &str {
        "kv"
    }

    fn operations(&self) -> &[Func] {
        &KV_OPERATIONS
    }

    fn validate(&self, op: &Op) -> Result<(), String> {
        validate_kv(op)
    }

    fn init(&self) -> String {
        String::new()
    }

    fn step(&self, state: &String, op: &Op) -> Option<String> {
        key_step(state, op)
    }

    fn partition<'a>(&self, op: &'a Op) -> Option<&'a str> {
        op.key.as_deref()
    }

    fn is_read_only(&self, op: &Op) -> bool {
        op.f == Func::Get
    }

    fn resets(&self, op: &Op) -> bool {
        op.f == Func::Put
    }

    /// Appends only extend the state, so what the read saw must start with the current
    /// state, or with the value of a put that may still come first.
    fn prunes_by_reachability(&self) -> bool {
        true
    }

    fn may_reach(&self, state: &String, later: &Op, resets: &[&Op]) -> bool {
        if later.f != Func::Get || later.status != Status::Ok {
            return true;
        }
        let seen = later.output.as_str().unwrap_or("");
        seen.starts_with(state.as_str())
            || resets
                .iter()
                .any(|put| seen.starts_with(put.input.as_str().unwrap_or("")))
    }

    fn describe(&self, state: &String) -> String {
        format!("{state:?}")
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct KvWhole;

impl Model for KvWhole {
    type State = BTreeMap<String, String>;

    fn name(&self) -> &str {
        "kv (whole map)"
    }

    fn operations(&self) -> &[Func] {
        &KV_OPERATIONS
    }

    fn validate(&self, op: &Op) -> Result<(), String> {
        validate_kv(op)
    }

    fn init(&self) -> Self::State {
        BTreeMap::new()
    }

    fn step(&self, state: &Self::State, op: &Op) -> Option<Self::State> {
        let key = op.key.clone().unwrap_or_default();
        let current = state.get(&key).map_or("", String::as_str);
        let next = key_step(current, op)?;
        if op.f == Func::Get {
            return Some(state.clone());
        }
        let mut state = state.clone();
        state.insert(key, next);
        Some(state)
    }

    fn is_read_only(&self, op: &Op) -> bool {
        op.f == Func::Get
    }

    fn resets(&self, op: &Op) -> bool {
        op.f == Func::Put
    }

    fn prunes_by_reachability(&self) -> bool {
        true
    }

    /// As for [`Kv`], key by key: only puts of the read's own key can reset it.
    fn may_reach(&self, state: &Self::State, later: &Op, resets: &[&Op]) -> bool {
        let key = later.key.as_deref().unwrap_or("");
        let current = state.get(key).map_or(String::new(), Clone::clone);
        let same_key: Vec<&Op> = resets
            .iter()
            .copied()
            .filter(|p| p.key == later.key)
            .collect();
        Kv.may_reach(&current, later, &same_key)
    }
}
