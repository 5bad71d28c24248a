//! [`HistoryModel`]: a [`Model`] with its state type hidden, so a harness can hold
//! "some model" (a built-in one picked by name with
//! [`ModelKind::boxed`](crate::ModelKind::boxed), or a user's own queue or counter) as
//! a `Box<dyn HistoryModel>`, check a run's history against it, and reject an
//! operation the model does not know at its first event.
//!
//! Every [`Model`] is a `HistoryModel`. With both traits in scope, a concrete model's
//! `name`, `operations`, `knows` and `validate` are ambiguous: call them through the box, or
//! spell the trait, as in `Model::knows(&queue, f)`.

use crate::check::{check, CheckOptions, CheckReport};
use crate::history::{Func, History, HistoryError, Op};
use crate::model::Model;
use crate::stream::{check_stream, HistoryStream, StreamCheck, StreamLimits, StreamReport};

/// A model a history can be checked against, whatever its state type; object-safe.
pub trait HistoryModel: Send + Sync {
    /// The model's name in reports.
    fn name(&self) -> &str;

    /// Every operation the model accepts.
    fn operations(&self) -> &[Func];

    /// Whether `f` is one of [`HistoryModel::operations`].
    fn knows(&self, f: Func) -> bool {
        self.operations().contains(&f)
    }

    /// Why this model cannot perform `op` at all, or `Ok`: see [`Model::validate`].
    fn validate(&self, op: &Op) -> Result<(), String>;

    /// The first operation (in invocation order) this model cannot perform, and why.
    fn first_rejected<'h>(&self, history: &'h History) -> Option<(&'h Op, String)> {
        history
            .ops
            .iter()
            .find_map(|op| self.validate(op).err().map(|why| (op, why)))
    }

    /// Checks `history` for linearizability against this model.
    fn check(&self, history: &History, options: &CheckOptions) -> CheckReport;

    /// A streaming check against this model, fed one event at a time, giving up on a
    /// partition beyond `limits`.
    fn stream(&self, limits: StreamLimits) -> Box<dyn HistoryStream + '_>;

    /// Checks a whole `history` as a stream ([`crate::check_stream`]).
    fn check_stream(
        &self,
        history: &History,
        limits: StreamLimits,
    ) -> Result<StreamReport, HistoryError>;
}

impl<M: Model + Send> HistoryModel for M {
    fn name(&self) -> &str {
        Model::name(self)
    }

    fn operations(&self) -> &[Func] {
        Model::operations(self)
    }

    fn knows(&self, f: Func) -> bool {
        Model::knows(self, f)
    }

    fn validate(&self, op: &Op) -> Result<(), String> {
        Model::validate(self, op)
    }

    fn check(&self, history: &History, options: &CheckOptions) -> CheckReport {
        check(history, self, options)
    }

    fn stream(&self, limits: StreamLimits) -> Box<dyn HistoryStream + '_> {
        Box::new(StreamCheck::new(self, limits))
    }

    fn check_stream(
        &self,
        history: &History,
        limits: StreamLimits,
    ) -> Result<StreamReport, HistoryError> {
        check_stream(history, self, limits)
    }
}
