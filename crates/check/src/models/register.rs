//! A read/write register, initially nil. A read must return the current value.

use crate::history::{Func, Op, Status};
use crate::model::Model;
use crate::value::Val;

#[derive(Clone, Copy, Debug, Default)]
pub struct Register;

/// A read's step: any state if unknown, else the state must match what was read.
pub fn read_step(state: &Val, op: &Op) -> Option<Val> {
    (op.status == Status::Info || op.output == *state).then(|| state.clone())
}

impl Model for Register {
    type State = Val;

    fn name(&self) -> &str {
        "register"
    }

    fn init(&self) -> Val {
        Val::Nil
    }

    fn step(&self, state: &Val, op: &Op) -> Option<Val> {
        match op.f {
            Func::Read | Func::Get => read_step(state, op),
            Func::Write | Func::Put => Some(op.input.clone()),
            _ => None,
        }
    }

    fn partition<'a>(&self, op: &'a Op) -> Option<&'a str> {
        op.key.as_deref()
    }

    fn is_read_only(&self, op: &Op) -> bool {
        matches!(op.f, Func::Read | Func::Get)
    }

    fn describe(&self, state: &Val) -> String {
        state.to_string()
    }
}
