//! Explicit key-value workloads: the operations a `workload.script` may name (`get`,
//! `put`, `append`, in the fields of the JSON Lines history), checked once at load
//! time and turned into [`KvOp`]s for the clients.
//!
//! Written values must be unique across the script: the linearizability checker prunes
//! crashed writes nobody read by their value, which is only sound if values identify
//! writes.

use crate::kv::op::KvOp;
use crate::protocol::{check_unique_values, ScriptProblem, ScriptedOp};

/// Every entry is a key-value operation with a non-empty key, a value exactly when
/// it writes, and no value written twice.
pub fn check_script(script: &[ScriptedOp]) -> Result<(), ScriptProblem> {
    for (entry, op) in script.iter().enumerate() {
        let problem = |field, message: String| ScriptProblem {
            entry,
            field,
            message,
        };
        if op.key.is_empty() {
            return Err(problem("key", "expected a non-empty key".into()));
        }
        match (op.f.as_str(), &op.value) {
            ("get", None) | ("put" | "append", Some(_)) => {}
            ("get", Some(_)) => {
                return Err(problem(
                    "value",
                    "a get writes nothing; remove the value".into(),
                ))
            }
            ("put" | "append", None) => {
                return Err(problem(
                    "",
                    "a put or append needs \"value\": the value it writes".into(),
                ))
            }
            (other, _) => {
                return Err(problem(
                    "f",
                    format!("unknown operation `{other}`; expected get, put or append"),
                ))
            }
        }
    }
    check_unique_values(script)
}

/// The operation a checked script entry names.
pub fn kv_op(op: &ScriptedOp) -> KvOp {
    let key = op.key.as_str().into();
    let value = || {
        op.value
            .as_deref()
            .expect("checked: writes have a value")
            .into()
    };
    match op.f.as_str() {
        "get" => KvOp::Get { key },
        "put" => KvOp::Put {
            key,
            value: value(),
        },
        "append" => KvOp::Append {
            key,
            value: value(),
        },
        other => unreachable!("checked: `{other}` is not a key-value operation"),
    }
}
