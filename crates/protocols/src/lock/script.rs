//! The operations a lock client runs, and explicit lock workloads
//! (`workload.script`): `acquire` and `release` on key `lock`, `write` on key
//! `resource` with the value written (unique across the script, as it names the
//! write). Checked once at load time, then turned into [`LockOp`]s for the clients.

use crate::protocol::{check_unique_values, ScriptProblem, ScriptedOp};

/// The history key of the lock.
pub const LOCK_KEY: &str = "lock";
/// The history key of the protected resource.
pub const RESOURCE_KEY: &str = "resource";

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LockOp {
    /// Ask for the lock (a lease of `ttl` and a fencing token).
    Acquire,
    /// Write `value` to the resource with the token of the last lease acquired.
    Write { value: String },
    /// Give back the last lease acquired.
    Release,
}

impl LockOp {
    /// The history name of the operation.
    pub fn name(&self) -> &'static str {
        match self {
            LockOp::Acquire => "acquire",
            LockOp::Write { .. } => "write",
            LockOp::Release => "release",
        }
    }

    /// The history key: the lock, or the resource.
    pub fn key(&self) -> &'static str {
        match self {
            LockOp::Write { .. } => RESOURCE_KEY,
            LockOp::Acquire | LockOp::Release => LOCK_KEY,
        }
    }

    pub fn written(&self) -> Option<&str> {
        match self {
            LockOp::Write { value } => Some(value),
            LockOp::Acquire | LockOp::Release => None,
        }
    }
}

/// Every entry is a lock operation on its key, with a value exactly when it writes,
/// and no value written twice.
pub fn check_script(script: &[ScriptedOp]) -> Result<(), ScriptProblem> {
    for (entry, op) in script.iter().enumerate() {
        let problem = |field, message: String| ScriptProblem {
            entry,
            field,
            message,
        };
        let key = match op.f.as_str() {
            "acquire" | "release" => LOCK_KEY,
            "write" => RESOURCE_KEY,
            other => {
                return Err(problem(
                    "f",
                    format!("unknown operation `{other}`; expected acquire, write or release"),
                ))
            }
        };
        if op.key != key {
            let message = format!("`{}` works on key \"{key}\"; found \"{}\"", op.f, op.key);
            return Err(problem("key", message));
        }
        match (op.f.as_str(), &op.value) {
            ("write", None) => {
                return Err(problem(
                    "",
                    "a write needs \"value\": the value it writes".into(),
                ))
            }
            ("write", Some(_)) => {}
            (_, Some(_)) => {
                return Err(problem(
                    "value",
                    format!("`{}` takes no value; remove it", op.f),
                ))
            }
            (_, None) => {}
        }
    }
    check_unique_values(script)
}

/// The operation a checked script entry names.
pub fn lock_op(op: &ScriptedOp) -> LockOp {
    match op.f.as_str() {
        "acquire" => LockOp::Acquire,
        "release" => LockOp::Release,
        "write" => LockOp::Write {
            value: op.value.clone().expect("checked: writes have a value"),
        },
        other => unreachable!("checked: `{other}` is not a lock operation"),
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
    fn a_lock_cycle_is_a_valid_script() {
        let script = [
            op("acquire", "lock", None),
            op("write", "resource", Some("<1>")),
            op("release", "lock", None),
        ];
        assert_eq!(check_script(&script), Ok(()));
        assert_eq!(
            lock_op(&script[1]),
            LockOp::Write {
                value: "<1>".into()
            }
        );
    }

    #[test]
    fn wrong_entries_say_which_field() {
        let field = |script: &[ScriptedOp]| check_script(script).unwrap_err().field;
        assert_eq!(field(&[op("get", "lock", None)]), "f");
        assert_eq!(field(&[op("acquire", "resource", None)]), "key");
        assert_eq!(field(&[op("release", "lock", Some("7"))]), "value");
        assert_eq!(field(&[op("write", "resource", None)]), "");
        let twice = [
            op("write", "resource", Some("<1>")),
            op("write", "resource", Some("<1>")),
        ];
        assert_eq!(check_script(&twice).unwrap_err().entry, 1);
    }
}
