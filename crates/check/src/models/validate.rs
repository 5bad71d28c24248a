//! Whether a history is one a built-in model can check at all: the first operation the
//! chosen model cannot perform (an operation it does not know, a value of the wrong
//! shape) is bad input, reported with its line, process, function and values, and
//! with the built-in models that would accept it, rather than a verdict.

use crate::history::{History, HistoryError, Op, Status};
use crate::models::ModelKind;
use crate::value::Val;

impl ModelKind {
    /// Every built-in model, as `--model` names them.
    pub const ALL: [ModelKind; 5] = [
        ModelKind::Register,
        ModelKind::CasRegister(crate::models::CasFail::Knossos),
        ModelKind::Kv,
        ModelKind::Mutex,
        ModelKind::MultiRegister,
    ];

    /// The first operation (in invocation order) this model cannot perform, as an
    /// error on its invocation's line.
    pub fn first_rejected(self, history: &History) -> Option<HistoryError> {
        let (op, why) = self.boxed().first_rejected(history)?;
        Some(HistoryError {
            line: op.line,
            message: format!("{}: {why}; {}", described(op), ModelKind::accepting(op)),
        })
    }

    /// Which built-in models accept `op`, as a phrase.
    fn accepting(op: &Op) -> String {
        let names: Vec<String> = ModelKind::ALL
            .into_iter()
            .filter(|kind| kind.boxed().validate(op).is_ok())
            .map(|kind| format!("--model {}", kind.name()))
            .collect();
        match names.as_slice() {
            [] => "no built-in model accepts it".to_string(),
            [one] => format!("{one} accepts it"),
            [init @ .., last] => format!("{} or {last} accept it", init.join(", ")),
        }
    }
}

/// `process 3 append key "0" value "x"`, with what a completed read returned.
fn described(op: &Op) -> String {
    let mut text = format!("process {} `{}`", op.process, op.f);
    if let Some(key) = &op.key {
        text.push_str(&format!(" key {key:?}"));
    }
    if op.input != Val::Nil {
        text.push_str(&format!(" value {}", op.input));
    }
    if op.status == Status::Ok && op.shows_output() {
        text.push_str(&format!(" returning {}", op.output));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Func;
    use crate::models::CasFail;

    fn history(f: Func, key: Option<&str>, input: Val, output: Val) -> History {
        let mut history = History::new();
        history
            .invoke(3, f, key.map(str::to_string), input, 7)
            .unwrap();
        history.complete(3, Status::Ok, output, 8).unwrap();
        history
    }

    #[test]
    fn an_operation_the_model_does_not_know_names_the_models_that_do() {
        let appended = history(Func::Append, Some("0"), Val::Str("x".into()), Val::Nil);
        let err = ModelKind::Register.first_rejected(&appended).unwrap();
        assert_eq!(err.line, 7);
        assert_eq!(
            err.message,
            "process 3 `append` key \"0\" value \"x\": model register has no `append` operation \
             (it has read, get, write, put); --model kv accepts it"
        );
        assert_eq!(ModelKind::Kv.first_rejected(&appended), None);
        assert_eq!(ModelKind::KvWhole.first_rejected(&appended), None);
    }

    #[test]
    fn a_cas_needs_from_and_to() {
        let cas = history(Func::Cas, None, Val::Int(5), Val::Nil);
        let err = ModelKind::CasRegister(CasFail::Etcd)
            .first_rejected(&cas)
            .unwrap();
        assert_eq!(
            err.message,
            "process 3 `cas` value 5: model cas-register needs a cas value [from to], not 5; \
             no built-in model accepts it"
        );
        let pair = Val::Pair(Box::new(Val::Int(1)), Box::new(Val::Int(2)));
        let good = history(Func::Cas, None, pair, Val::Nil);
        assert_eq!(
            ModelKind::CasRegister(CasFail::Etcd).first_rejected(&good),
            None
        );
        let err = ModelKind::Register.first_rejected(&good).unwrap();
        assert!(
            err.message.ends_with("--model cas-register accepts it"),
            "{err}"
        );
    }

    #[test]
    fn kv_values_are_strings() {
        let put = history(Func::Put, Some("k"), Val::Int(1), Val::Nil);
        let err = ModelKind::Kv.first_rejected(&put).unwrap();
        assert!(
            err.message.contains("needs a string to put, not 1"),
            "{err}"
        );
        assert!(
            err.message.ends_with("--model register accepts it"),
            "{err}"
        );
        let get = history(Func::Get, Some("k"), Val::Nil, Val::Int(1));
        let err = ModelKind::Kv.first_rejected(&get).unwrap();
        assert!(err.message.contains("`get` key \"k\" returning 1"), "{err}");
        let missing = history(Func::Get, Some("k"), Val::Nil, Val::Nil);
        assert_eq!(ModelKind::Kv.first_rejected(&missing), None);
    }

    #[test]
    fn a_mutex_takes_acquire_and_release_only() {
        let read = history(Func::Read, None, Val::Nil, Val::Int(1));
        let err = ModelKind::Mutex.first_rejected(&read).unwrap();
        assert!(
            err.message
                .ends_with("--model register or --model cas-register accept it"),
            "{err}"
        );
    }
}
