//! A key-value store of strings: get, put, append. A missing key reads as "".
//!
//! [`Kv`] checks key by key (P-compositionality: keys are independent), [`KvWhole`]
//! keeps the whole map as one state, for comparison and for stores where keys are not
//! independent.

use crate::history::{Func, Op, Status};
use crate::model::{known_operation, Model};
use crate::models::text::Text;
use crate::value::Val;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, Default)]
pub struct Kv;

/// What [`key_step`] accepts, so what [`Kv`] and [`KvWhole`] know.
const KV_OPERATIONS: [Func; 3] = [Func::Get, Func::Put, Func::Append];

/// One key's next value after `op`, or `None` if `op` cannot happen with `value`.
fn key_step(value: &Text, op: &Op) -> Option<Text> {
    let input = op.input.as_str().unwrap_or("");
    match op.f {
        Func::Get => {
            let read = op.output.as_str().unwrap_or("");
            (op.status == Status::Info || value.equals(read)).then(|| value.clone())
        }
        Func::Put => Some(Text::new(input)),
        Func::Append => Some(value.appended(input)),
        _ => None,
    }
}

/// What a completed get saw, or `None` for any other operation (nothing to reach).
fn seen(later: &Op) -> Option<&str> {
    (later.f == Func::Get && later.status == Status::Ok)
        .then(|| later.output.as_str().unwrap_or(""))
}

/// `value` as a token: `<` and `>` around anything without either. Values of that
/// shape (faultline's workloads write `<client.n>`) split a read's string exactly, so
/// a read shows a write's token only where the write left it.
fn as_token(value: &str) -> Option<&str> {
    let inner = value.strip_prefix('<')?.strip_suffix('>')?;
    (!inner.contains(['<', '>'])).then_some(value)
}

/// The tokens a completed get returned, or none when its string is not made of them.
fn tokens_seen(read: &Op) -> Vec<&str> {
    let Some(mut rest) = seen(read) else {
        return Vec::new();
    };
    let mut tokens = Vec::new();
    while !rest.is_empty() {
        let Some(end) = rest.find('>') else {
            return Vec::new();
        };
        let Some(token) = as_token(&rest[..=end]) else {
            return Vec::new();
        };
        tokens.push(token);
        rest = &rest[end + 1..];
    }
    tokens
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
    type State = Text;

    fn name(&self) -> &str {
        "kv"
    }

    fn operations(&self) -> &[Func] {
        &KV_OPERATIONS
    }

    fn validate(&self, op: &Op) -> Result<(), String> {
        validate_kv(op)
    }

    fn init(&self) -> Text {
        Text::default()
    }

    fn step(&self, state: &Text, op: &Op) -> Option<Text> {
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

    /// One key's string: a put replaces all of it.
    fn reset_replaces_state(&self, reset: &Op) -> bool {
        reset.f == Func::Put
    }

    /// Appends only extend the state, so what the read saw must start with the current
    /// state, or with the value of a put that may still come first.
    fn prunes_by_reachability(&self) -> bool {
        true
    }

    fn may_reach(&self, state: &Text, later: &Op) -> bool {
        seen(later).is_none_or(|seen| state.is_prefix_of(seen))
    }

    fn may_reach_after(&self, reset: &Op, later: &Op) -> bool {
        let put = reset.input.as_str().unwrap_or("");
        seen(later).is_none_or(|seen| seen.starts_with(put))
    }

    fn written_token<'a>(&self, write: &'a Op) -> Option<&'a str> {
        matches!(write.f, Func::Put | Func::Append)
            .then(|| write.input.as_str())
            .flatten()
            .and_then(as_token)
    }

    fn shown_tokens<'a>(&self, read: &'a Op) -> Vec<&'a str> {
        tokens_seen(read)
    }

    fn describe(&self, state: &Text) -> String {
        format!("{state:?}")
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct KvWhole;

impl Model for KvWhole {
    type State = BTreeMap<String, Text>;

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
        let empty = Text::default();
        let next = key_step(state.get(&key).unwrap_or(&empty), op)?;
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

    /// As for [`Kv`], key by key.
    fn may_reach(&self, state: &Self::State, later: &Op) -> bool {
        let key = later.key.as_deref().unwrap_or("");
        let empty = Text::default();
        Kv.may_reach(state.get(key).unwrap_or(&empty), later)
    }

    /// Only a put of the read's own key can reset what it reads.
    fn may_reach_after(&self, reset: &Op, later: &Op) -> bool {
        seen(later).is_none() || (reset.key == later.key && Kv.may_reach_after(reset, later))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(f: Func, input: &str, output: &str) -> Op {
        Op {
            id: 0,
            process: 0,
            f,
            key: Some("k".into()),
            input: Val::Str(input.into()),
            output: Val::Str(output.into()),
            status: Status::Ok,
            call: 0,
            ret: Some(1),
            line: 0,
        }
    }

    #[test]
    fn a_get_of_tokens_shows_each_write_and_anything_else_shows_none() {
        let get = |seen: &str| Kv.shown_tokens(&op(Func::Get, "", seen)).join(" ");
        assert_eq!(get("<5.1><7.2>"), "<5.1> <7.2>");
        assert_eq!(get(""), "");
        for unsplittable in ["<5.1>x", "x<5.1>", "<5<1>", "<5.1", "5.1"] {
            assert_eq!(get(unsplittable), "", "{unsplittable}");
        }
        assert!(Kv.shown_tokens(&op(Func::Put, "<1>", "<1>")).is_empty());
    }

    #[test]
    fn only_a_write_of_one_token_leaves_one() {
        let written = |f, value: &str| Kv.written_token(&op(f, value, "")).map(str::to_string);
        assert_eq!(written(Func::Append, "<5.1>"), Some("<5.1>".into()));
        assert_eq!(written(Func::Put, "<5.1>"), Some("<5.1>".into()));
        assert_eq!(written(Func::Append, "<5.1><5.2>"), None);
        assert_eq!(written(Func::Append, "5.1"), None);
        assert_eq!(written(Func::Get, "<5.1>"), None);
    }
}
