//! The JSON Schema of scenario files, for editors that check and complete them
//! (`faultline schema > scenario.schema.json`, then `"$schema": "scenario.schema.json"`
//! in a scenario).
//!
//! The schema is meant to say what validation says, so it is built from the same
//! sources: the file types, through schemars, which follows their serde attributes
//! (field names, unknown fields refused, what is required, what may be null); the
//! registry it is made for (protocol kinds, each one's options and bugs, and what its
//! own setup check accepts, found by asking it: [`probe`]); and the rules
//! `scenario::validate` applies on top, restated field by field here. The tests in
//! `crates/harness/tests/schema.rs` hold the schema and `Scenario::parse` to the same
//! verdict on every shipped scenario and on a table of mistakes.
//!
//! Some rules no JSON Schema can state: a node index within the scenario's nodes, a
//! schedule entry before `duration`, latency `min` at most `max`, every time at most a
//! day, option values that depend on one another. Validation still reports those.

mod duration;
mod fields;
mod partition;
mod probe;
mod protocol;
mod schedule;

pub use duration::{duration_pattern, signed_duration_pattern};

use crate::registry::Registry;
use crate::scenario::ScenarioFile;
use serde_json::{json, Value};

/// The schema as pretty-printed JSON.
pub fn scenario_schema(registry: &Registry) -> String {
    serde_json::to_string_pretty(&scenario_schema_value(registry)).expect("a schema serialises")
}

/// The schema of scenario files that name the protocols of `registry`.
pub fn scenario_schema_value(registry: &Registry) -> Value {
    let generated = schemars::schema_for!(ScenarioFile);
    let mut schema = serde_json::to_value(&generated).expect("a schema is JSON");
    describe(&mut schema);
    bound_integers(&mut schema);
    duration::refine(&mut schema);
    partition::refine(&mut schema);
    schedule::refine(&mut schema);
    fields::refine(&mut schema, registry);
    schema["allOf"] = protocol::per_kind(registry);
    schema
}

/// The schema's own name and purpose, for the editors that show them.
fn describe(schema: &mut Value) {
    schema["$id"] = json!(format!(
        "urn:faultline:scenario-schema:{}",
        env!("CARGO_PKG_VERSION")
    ));
    schema["title"] = json!("faultline scenario");
    schema["description"] = json!(
        "A faultline scenario: the protocol and its nodes, the network, the faults, the \
         client workload, how long to run, the seed, named bugs to switch on and the \
         expected verdict. Made by `faultline schema` for the protocols of that build."
    );
}

/// Integer fields hold what their Rust type holds: schemars names the type in `format`
/// (and the lower bound of unsigned ones); the upper bound is added here.
fn bound_integers(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            let bounds = match map.get("format").and_then(Value::as_str) {
                Some("uint32") => Some((json!(0), json!(u32::MAX))),
                Some("uint64") => Some((json!(0), json!(u64::MAX))),
                Some("int64") => Some((json!(i64::MIN), json!(i64::MAX))),
                _ => None,
            };
            if let Some((minimum, maximum)) = bounds {
                map.insert("minimum".into(), minimum);
                map.insert("maximum".into(), maximum);
            }
            map.values_mut().for_each(bound_integers);
        }
        Value::Array(items) => items.iter_mut().for_each(bound_integers),
        _ => {}
    }
}

/// The definition schemars made for a Rust type (`$defs/Duration`).
fn definition<'a>(schema: &'a mut Value, name: &str) -> &'a mut Value {
    schema
        .pointer_mut(&format!("/$defs/{name}"))
        .unwrap_or_else(|| panic!("schemars defines {name}"))
}

/// The schema of one field of a definition (`$defs/NetworkSection/properties/drop`).
fn field<'a>(schema: &'a mut Value, definition: &str, name: &str) -> &'a mut Value {
    schema
        .pointer_mut(&format!("/$defs/{definition}/properties/{name}"))
        .unwrap_or_else(|| panic!("schemars defines {definition}.{name}"))
}

/// Matches when `field` is given and not null: what an `Option` field that is set
/// looks like.
fn set(name: &str) -> Value {
    json!({ "required": [name], "properties": { name: { "not": { "type": "null" } } } })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_protocol_kind_lists_the_registered_protocols() {
        let schema = scenario_schema_value(&Registry::empty());
        assert_eq!(
            schema.pointer("/$defs/ProtocolSection/properties/kind/enum"),
            Some(&Value::from(Vec::<&str>::new()))
        );
    }

    #[test]
    fn integers_are_bounded_by_their_rust_type() {
        let schema = scenario_schema_value(&Registry::empty());
        assert_eq!(schema["properties"]["seed"]["maximum"], json!(u64::MAX));
        let client = &schema["$defs"]["ScriptEntry"]["properties"]["client"];
        assert_eq!(client["maximum"], json!(u32::MAX));
    }
}
