//! The operations an ABD client runs, in the words of the `register` history model:
//! `read` and `write` on a named register (the history `key`). Random operations use
//! registers `k0`, `k1`, ...; an explicit `workload.script` may name any register.
//! Written values must be unique: the linearizability checker tells writes apart by
//! their values.

use crate::api::{check_unique_values, ScriptProblem, ScriptedOp};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RegisterOp {
    Read { key: String },
    Write { key: String, value: String },
}

impl RegisterOp {
    /// The history name of the operation (`f`).
    pub fn name(&self) -> &'static str {
        match self {
            RegisterOp::Read { .. } => "read",
            RegisterOp::Write { .. } => "write",
        }
    }

    /// The register it works on (the history `key`).
    pub fn key(&self) -> &str {
        match self {
            RegisterOp::Read { key } | RegisterOp::Write { key, .. } => key,
        }
    }

    /// The value it writes, for a write.
    pub fn written(&self) -> Option<&str> {
        match self {
            RegisterOp::Write { value, .. } => Some(value),
            RegisterOp::Read { .. } => None,
        }
    }
}

/// The name of random register number `index`.
pub fn register_name(index: u64) -> String {
    format!("k{index}")
}

/// Every entry is a `read` (no value) or a `write` (with a value) on a non-empty
/// register name, and no value is written twice.
pub fn check_script(script: &[ScriptedOp]) -> Result<(), ScriptProblem> {
    for (entry, op) in script.iter().enumerate() {
        check_entry(op).map_err(|(field, message)| ScriptProblem {
            entry,
            field,
            message,
        })?;
    }
    check_unique_values(script)
}

fn check_entry(op: &ScriptedOp) -> Result<(), (&'static str, String)> {
    if op.key.is_empty() {
        return Err(("key", "expected a register name".into()));
    }
    match (op.f.as_str(), &op.value) {
        ("read", None) | ("write", Some(_)) => Ok(()),
        ("read", Some(_)) => Err(("value", "a read writes nothing; remove the value".into())),
        ("write", None) => Err(("", "a write needs \"value\": the value it writes".into())),
        (other, _) => Err((
            "f",
            format!("unknown operation `{other}`; expected read or write"),
        )),
    }
}

/// The operation a checked script entry names.
pub fn from_script(op: &ScriptedOp) -> RegisterOp {
    let key = op.key.clone();
    match op.f.as_str() {
        "read" => RegisterOp::Read { key },
        "write" => RegisterOp::Write {
            key,
            value: op.value.clone().expect("checked: writes have a value"),
        },
        other => unreachable!("checked: `{other}` is not a register operation"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(f: &str, key: &str, value: Option<&str>) -> ScriptedOp {
        ScriptedOp {
            client: 0,
            at_ns: 0,
            f: f.into(),
            key: key.into(),
            value: value.map(str::to_string),
        }
    }

    #[test]
    fn reads_and_writes_are_a_valid_script() {
        let script = [op("write", "x", Some("<1>")), op("read", "x", None)];
        assert_eq!(check_script(&script), Ok(()));
        assert_eq!(
            from_script(&script[0]),
            RegisterOp::Write {
                key: "x".into(),
                value: "<1>".into()
            }
        );
        assert_eq!(from_script(&script[1]).name(), "read");
    }

    #[test]
    fn wrong_entries_say_which_field() {
        let field = |script: &[ScriptedOp]| check_script(script).unwrap_err().field;
        assert_eq!(field(&[op("put", "x", Some("1"))]), "f");
        assert_eq!(field(&[op("read", "", None)]), "key");
        assert_eq!(field(&[op("read", "x", Some("1"))]), "value");
        assert_eq!(field(&[op("write", "x", None)]), "");
        let twice = [op("write", "x", Some("1")), op("write", "y", Some("1"))];
        assert_eq!(check_script(&twice).unwrap_err().entry, 1);
    }
}
