//! The sequential specification a history is checked against.
//!
//! Implement [`Model`] for your own data type: an initial state, the operations it
//! knows (built-in ones, or your own names through [`Func::named`]), and a step
//! function that says whether an operation (with the output the client saw) can take
//! effect in a state, and what state follows. An `info` operation's output is unknown:
//! the step should accept it wherever its effect is possible. To hold a model without
//! naming its state type, use it as a [`HistoryModel`](crate::HistoryModel).

use crate::history::{Func, Op, Status};
use std::fmt::Debug;
use std::hash::Hash;

/// A sequential specification: the states a system can be in and how each operation
/// moves between them.
pub trait Model: Sync {
    /// What the system holds between operations (a register's value, a queue).
    type State: Clone + Eq + Hash + Debug + Send + Sync;

    /// The model's name in reports.
    fn name(&self) -> &str;

    /// Every operation [`Model::step`] accepts. A harness rejects an operation not in
    /// this list at its first event, rather than letting the check fail on it later.
    fn operations(&self) -> &[Func];

    /// Whether `f` is one of [`Model::operations`].
    fn knows(&self, f: Func) -> bool {
        self.operations().contains(&f)
    }

    /// Why this model cannot perform `op` at all (an operation it does not know, a
    /// value of the wrong shape), or `Ok`. Every operation is validated before a
    /// search, so a history meant for another model is bad input, not a violation. The
    /// default accepts the operations in [`Model::operations`] with any values.
    fn validate(&self, op: &Op) -> Result<(), String> {
        known_operation(self.name(), self.operations(), op)
    }

    /// The state before any operation.
    fn init(&self) -> Self::State;

    /// The state after `op` in `state`, or `None` if `op` cannot take effect there.
    /// It must depend only on the op's `f`, `key`, `input`, `output` and `status`, not
    /// on its process or position: the search treats identical crashed operations as
    /// interchangeable.
    fn step(&self, state: &Self::State, op: &Op) -> Option<Self::State>;

    /// The partition an operation belongs to; operations of different partitions are
    /// independent (P-compositionality) and checked separately. `None`: one partition.
    fn partition<'a>(&self, op: &'a Op) -> Option<&'a str> {
        let _ = op;
        None
    }

    /// Whether `op` takes part in the check at all. By default a `fail` means "did not
    /// happen", so it is left out.
    fn includes(&self, op: &Op) -> bool {
        op.status != Status::Fail
    }

    /// True if `op` never changes the state (a read). Such an operation, once it can be
    /// linearized, is linearized at once: delaying it can never help, which prunes the
    /// search a great deal on read-heavy histories.
    fn is_read_only(&self, op: &Op) -> bool {
        let _ = op;
        false
    }

    /// True if `op` can change the state arbitrarily (a write or put), as opposed to
    /// reading it or extending it (an append).
    fn resets(&self, op: &Op) -> bool {
        let _ = op;
        true
    }

    /// True when `reset` (one [`Model::resets`] says yes to) certainly replaces the
    /// whole state once linearized, whatever came before: a register's write, a key's
    /// put when the model is one key. Then a reset that returned before another such
    /// one was invoked can never show through to a read invoked after that one
    /// returned, and the look-ahead stops asking about it. The default, false, is
    /// always sound; say true only when it holds for every state (not for a put on
    /// one key of a whole map, nor a CAS that may not take).
    fn reset_replaces_state(&self, reset: &Op) -> bool {
        let _ = reset;
        false
    }

    /// Whether [`Model::may_reach`] can prune; when false the search skips the
    /// look-ahead over pending reads altogether. A completed read `later` is still
    /// reachable when [`Model::may_reach`] holds from the state, or when some resetting
    /// operation invoked before `later` returned is not yet linearized and
    /// [`Model::may_reach_after`] holds for it.
    fn prunes_by_reachability(&self) -> bool {
        false
    }

    /// Whether the completed read `later` can still be satisfied from `state` by the
    /// operations that do not reset it (for a string that appends only extend, what
    /// the read saw must start with `state`). Returning `false` prunes the search
    /// unless [`Model::may_reach_after`] says a resetting operation still pending could
    /// help; the default never prunes. It must only say `false` when no order of
    /// non-resetting operations could work: a wrong `false` is unsound.
    fn may_reach(&self, state: &Self::State, later: &Op) -> bool {
        let _ = (state, later);
        true
    }

    /// Whether the completed read `later` could be satisfied once the resetting
    /// operation `reset` has taken effect (from whatever state). The search asks this
    /// once per pair before it starts, so it may be slow; `false` must be certain.
    fn may_reach_after(&self, reset: &Op, later: &Op) -> bool {
        let _ = (reset, later);
        true
    }

    /// The token `write` leaves in the state for a later read to show, when the
    /// model's values are tokens a read's result can be split into
    /// ([`Model::shown_tokens`]). `None` (the default): no such token.
    fn written_token<'a>(&self, write: &'a Op) -> Option<&'a str> {
        let _ = write;
        None
    }

    /// The tokens the completed read `read` returned, each the [`Model::written_token`]
    /// of the write that left it. Only asked when written values are unique (the
    /// check's `prune_unobserved_writes`): a read that shows a write's token then saw
    /// that write's effect with no reset since, so once the write is linearized the
    /// read must be reachable from the state without one. The split must be exact (a
    /// token found only where a write left it); empty (the default) infers nothing.
    fn shown_tokens<'a>(&self, read: &'a Op) -> Vec<&'a str> {
        let _ = read;
        Vec::new()
    }

    /// A short rendering of a state for counterexamples.
    fn describe(&self, state: &Self::State) -> String {
        format!("{state:?}")
    }
}

/// `Ok` if `op`'s function is one of `operations`, else why not, naming the model
/// `name` and what it knows: [`Model::validate`]'s default, for models that also check
/// values to build on.
pub fn known_operation(name: &str, operations: &[Func], op: &Op) -> Result<(), String> {
    if operations.contains(&op.f) {
        return Ok(());
    }
    let known: Vec<&str> = operations.iter().map(|f| f.name()).collect();
    Err(format!(
        "model {name} has no `{}` operation (it has {})",
        op.f,
        known.join(", ")
    ))
}
