//! Values in histories: nil, integers, strings, pairs (a CAS's `[from to]`) and lists
//! (a transaction's micro-operations, `[[:r x 1] [:w y 2]]`, each itself a list).
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
    /// A transaction: its micro-operations, each `[f key value]` (`f` is `r` or `w`).
    List(Vec<Val>),
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

    /// A transaction from JSON: an array of `[f, key, value]` micro-operations, each
    /// `f` `r`/`read` or `w`/`write` (written `r` and `w`), the key a string or an
    /// integer; `None` for anything else.
    pub fn txn_from_json(value: &serde_json::Value) -> Option<Val> {
        let items = value.as_array()?;
        let mop = |item: &serde_json::Value| {
            let [f, key, value] = item.as_array()?.as_slice() else {
                return None;
            };
            let key = match key {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                _ => return None,
            };
            Val::mop(f.as_str()?, key, Val::from_json(value)?)
        };
        items
            .iter()
            .map(mop)
            .collect::<Option<Vec<_>>>()
            .map(Val::List)
    }

    /// One micro-operation `[f key value]`, its `f` written `r` or `w` (`read` and
    /// `write` are Knossos's spellings); `None` for another `f`.
    pub fn mop(f: &str, key: String, value: Val) -> Option<Val> {
        let f = match f {
            "r" | "read" => "r",
            "w" | "write" => "w",
            _ => return None,
        };
        Some(Val::List(vec![Val::Str(f.into()), Val::Str(key), value]))
    }

    /// A micro-operation's parts: `("r" or "w", key, value)`.
    pub fn as_mop(&self) -> Option<(&str, &str, &Val)> {
        match self {
            Val::List(parts) => match parts.as_slice() {
                [Val::Str(f), Val::Str(key), value] => Some((f, key, value)),
                _ => None,
            },
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
            Val::List(items) => {
                write!(f, "[")?;
                for (i, item) in items.iter().enumerate() {
                    write!(f, "{}{item}", if i == 0 { "" } else { " " })?;
                }
                write!(f, "]")
            }
        }
    }
}
