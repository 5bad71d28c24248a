//! Several registers read and written together by transactions, as Knossos's
//! `multi-register` model: an operation `f: txn` whose value is micro-operations
//! `[:r k v]` and `[:w k v]` (Knossos writes `:read` and `:write`), taking effect
//! atomically at one point, so the history is linearizable exactly when it is strict
//! serializable.
//!
//! A read of `nil` is unconstrained (an invocation's reads, a crashed transaction's,
//! or one the client did not report), as in Knossos. A register's first value is not
//! stated by the history (Jepsen's own test starts its registers at 0): a register
//! nothing has written yet holds whatever its first read saw, and must keep it until
//! a write. Transactions span keys, so the history is one partition. A read-only
//! transaction may still fix a register's first value, so none counts as read-only
//! (the search's shortcut for reads, linearizing them at once, would be unsound).

use crate::history::{Func, Op, Status};
use crate::model::{known_operation, Model};
use crate::value::Val;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, Default)]
pub struct MultiRegister;

/// The micro-operations whose values the model judges: a committed transaction's
/// completion (what its reads saw), else its invocation (its writes; reads unknown).
fn mops(op: &Op) -> &[Val] {
    let value = if op.status == Status::Ok {
        &op.output
    } else {
        &op.input
    };
    match value {
        Val::List(mops) => mops,
        _ => &[],
    }
}

impl Model for MultiRegister {
    /// Each register known so far, by key: written, or fixed by its first read.
    type State = BTreeMap<String, Val>;

    fn name(&self) -> &str {
        "multi-register"
    }

    fn operations(&self) -> &[Func] {
        &[Func::Txn]
    }

    fn validate(&self, op: &Op) -> Result<(), String> {
        known_operation("multi-register", self.operations(), op)?;
        for value in [&op.input, &op.output] {
            let Val::List(mops) = value else {
                if *value == Val::Nil && value == &op.output {
                    continue; // a completion that reported nothing
                }
                return Err(format!(
                    "model multi-register needs a transaction [[:r k v] [:w k v] ...], not {value}"
                ));
            };
            if let Some(bad) = mops.iter().find(|m| m.as_mop().is_none()) {
                return Err(format!(
                    "model multi-register needs micro-operations [:r k v] or [:w k v], not {bad}"
                ));
            }
        }
        Ok(())
    }

    fn init(&self) -> Self::State {
        BTreeMap::new()
    }

    fn step(&self, state: &Self::State, op: &Op) -> Option<Self::State> {
        let mut next = state.clone();
        for mop in mops(op) {
            let (f, key, value) = mop.as_mop()?;
            match (f, next.get(key)) {
                ("w", _) => {
                    next.insert(key.to_string(), value.clone());
                }
                (_, _) if *value == Val::Nil => {} // a read nobody reported
                (_, Some(held)) if held != value => return None,
                (_, Some(_)) => {}
                (_, None) => {
                    next.insert(key.to_string(), value.clone());
                }
            }
        }
        Some(next)
    }

    fn describe(&self, state: &Self::State) -> String {
        let registers: Vec<String> = state.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{{{}}}", registers.join(", "))
    }
}
