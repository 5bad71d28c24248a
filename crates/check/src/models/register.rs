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

    fn operations(&self) -> &[Func] {
        &[Func::Read, Func::Get, Func::Write, Func::Put]
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

    fn resets(&self, op: &Op) -> bool {
        !self.is_read_only(op)
    }

    fn reset_replaces_state(&self, reset: &Op) -> bool {
        matches!(reset.f, Func::Write | Func::Put)
    }

    /// Only a write (or CAS) can change the state: what the read saw must be the
    /// current value or one a remaining write may still set.
    fn prunes_by_reachability(&self) -> bool {
        true
    }

    fn may_reach(&self, state: &Val, later: &Op) -> bool {
        !(self.is_read_only(later) && later.status == Status::Ok) || later.output == *state
    }

    fn may_reach_after(&self, reset: &Op, later: &Op) -> bool {
        !(self.is_read_only(later) && later.status == Status::Ok) || sets(reset, &later.output)
    }

    fn describe(&self, state: &Val) -> String {
        state.to_string()
    }
}

/// Whether the write or CAS `op` may leave `value` as the register's state.
pub(crate) fn sets(op: &Op, value: &Val) -> bool {
    op.input == *value || op.input.pair().is_some_and(|(_, to)| to == value)
}
