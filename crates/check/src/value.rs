//! Values in histories: nil, integers, strings and pairs (a CAS's `[from to]`).
//!
//! A small closed type rather than JSON values keeps model steps cheap to compare,
//! hash and clone.

use serde::Serialize;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(untagged)]
pub enum Val {
    Nil,
    Int(i64),
    Str(String),
    Pair(Box<Val>, Box<Val>),
}

impl Val {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn pair(&self) -> Option<(&Val, &Val)> {
        match self {
            Val::Pair(a, b) => Some((a, b)),
            _ => None,
        }
    }

    /// From JSON: null, integers, strings, and two-element arrays.
    pub fn from_json(value: &serde_json::Value) -> Option<Val> {
        use serde_json::Value as J;
        Some(match value {
            J::Null => Val::Nil,
            J::Number(n) => Val::Int(n.as_i64()?),
            J::String(s) => Val::Str(s.clone()),
            J::Array(items) if items.len() == 2 => Val::Pair(
                Box::new(Val::from_json(&items[0])?),
                Box::new(Val::from_json(&items[1])?),
            ),
            _ => return None,
        })
    }
}

impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Val::Nil => write!(f, "nil"),
            Val::Int(i) => write!(f, "{i}"),
            Val::Str(s) => write!(f, "{s:?}"),
            Val::Pair(a, b) => write!(f, "[{a} {b}]"),
        }
    }
}
