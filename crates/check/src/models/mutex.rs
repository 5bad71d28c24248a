//! A mutex: acquire succeeds only when free, release only when held.

use crate::history::{Func, Op};
use crate::model::Model;

#[derive(Clone, Copy, Debug, Default)]
pub struct Mutex;

impl Model for Mutex {
    /// Whether the lock is held.
    type State = bool;

    fn name(&self) -> &str {
        "mutex"
    }

    fn operations(&self) -> &[Func] {
        &[Func::Acquire, Func::Release]
    }

    fn init(&self) -> bool {
        false
    }

    fn step(&self, held: &bool, op: &Op) -> Option<bool> {
        match op.f {
            Func::Acquire => (!held).then_some(true),
            Func::Release => held.then_some(false),
            _ => None,
        }
    }

    fn describe(&self, held: &bool) -> String {
        if *held { "held" } else { "free" }.to_string()
    }
}
