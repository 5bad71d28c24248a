//! A compare-and-set register, initially nil: read, write, and cas `[from to]`.
//!
//! A failed CAS has two readings. Knossos's: `fail` means it did not happen, so it is
//! left out. Porcupine's etcd one: the compare ran and found a value other than
//! `from`, so it is a completed operation that requires `state != from`. The etcd logs
//! need the latter.

use crate::history::{Func, Op, Status};
use crate::model::{known_operation, Model};
use crate::models::register::read_step;
use crate::value::Val;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CasFail {
    /// A failed CAS did not happen.
    Knossos,
    /// A failed CAS observed a value other than `from`.
    Etcd,
}

#[derive(Clone, Copy, Debug)]
pub struct CasRegister {
    pub cas_fail: CasFail,
}

impl Model for CasRegister {
    type State = Val;

    fn name(&self) -> &str {
        "cas-register"
    }

    fn operations(&self) -> &[Func] {
        &[Func::Read, Func::Write, Func::Cas]
    }

    /// A cas carries `[from to]`.
    fn validate(&self, op: &Op) -> Result<(), String> {
        known_operation(Model::name(self), Model::operations(self), op)?;
        if op.f == Func::Cas && op.input.pair().is_none() {
            return Err(format!(
                "model cas-register needs a cas value [from to], not {}",
                op.input
            ));
        }
        Ok(())
    }

    fn init(&self) -> Val {
        Val::Nil
    }

    fn step(&self, state: &Val, op: &Op) -> Option<Val> {
        match op.f {
            Func::Read => read_step(state, op),
            Func::Write => Some(op.input.clone()),
            Func::Cas => {
                let (from, to) = op.input.pair()?;
                let matches = state == from;
                match op.status {
                    Status::Ok => matches.then(|| to.clone()),
                    Status::Info => Some(if matches { to.clone() } else { state.clone() }),
                    Status::Fail => (!matches).then(|| state.clone()),
                }
            }
            _ => None,
        }
    }

    fn partition<'a>(&self, op: &'a Op) -> Option<&'a str> {
        op.key.as_deref()
    }

    fn includes(&self, op: &Op) -> bool {
        match op.status {
            Status::Fail => self.cas_fail == CasFail::Etcd && op.f == Func::Cas,
            _ => true,
        }
    }

    fn is_read_only(&self, op: &Op) -> bool {
        op.f == Func::Read || (op.f == Func::Cas && op.status == Status::Fail)
    }

    fn resets(&self, op: &Op) -> bool {
        !self.is_read_only(op)
    }

    /// A write sets the value, and so does a CAS that completed ok (its compare
    /// matched); a failed CAS is read-only, never a reset. A CAS whose outcome is
    /// unknown never returned, so it never hides another.
    fn reset_replaces_state(&self, reset: &Op) -> bool {
        reset.status == Status::Ok
    }

    /// Only a write or CAS can change the state: what the read saw must be the
    /// current value or one a remaining write or CAS may still set.
    fn prunes_by_reachability(&self) -> bool {
        true
    }

    fn may_reach(&self, state: &Val, later: &Op) -> bool {
        !(later.f == Func::Read && later.status == Status::Ok) || later.output == *state
    }

    fn may_reach_after(&self, reset: &Op, later: &Op) -> bool {
        !(later.f == Func::Read && later.status == Status::Ok)
            || super::register::sets(reset, &later.output)
    }

    fn describe(&self, state: &Val) -> String {
        state.to_string()
    }
}
