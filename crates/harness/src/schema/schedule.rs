//! Schedule entries in the schema: `at` plus exactly one action, `for` only on the
//! actions it undoes, `node` exactly on clock faults, `heal` only as `true`: the
//! rules `validate::schedule::check_action_fields` and `fault_of` apply.

use super::set;
use serde_json::{json, Value};

/// The actions a schedule entry can carry, as `validate::schedule::action_names` lists them.
const ACTIONS: [&str; 10] = [
    "partition",
    "heal",
    "crash",
    "replace",
    "restart",
    "pause",
    "resume",
    "clock_jump",
    "clock_drift_ppm",
    "recover_all",
];

/// The actions `for` undoes after a while.
const TIMED: [&str; 4] = ["partition", "crash", "replace", "pause"];

/// The actions that need `node`.
const CLOCK: [&str; 2] = ["clock_jump", "clock_drift_ppm"];

fn any_set(names: &[&str]) -> Value {
    json!({ "anyOf": names.iter().map(|name| set(name)).collect::<Vec<_>>() })
}

pub(super) fn refine(schema: &mut Value) {
    *super::field(schema, "ScheduleEntry", "heal") = json!({
        "description": "Heal every partition (true; omit the entry instead of false).",
        "enum": [true, null],
    });
    let entry = super::definition(schema, "ScheduleEntry");
    entry["oneOf"] = ACTIONS.iter().map(|name| set(name)).collect();
    entry["allOf"] = json!([
        { "if": set("for"), "then": any_set(&TIMED) },
        { "if": set("node"), "then": any_set(&CLOCK) },
        { "if": any_set(&CLOCK), "then": set("node") },
    ]);
}
