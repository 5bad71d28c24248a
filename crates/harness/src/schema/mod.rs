//! The JSON Schema of the scenario format, for editors that autocomplete scenario files
//! (`faultline schema > scenario.schema.json`). `protocol.kind` lists the protocols
//! of the registry the schema is made for, so a user's build offers its own.

use crate::registry::Registry;
use crate::scenario::ScenarioFile;
use serde_json::Value;

/// The schema as pretty-printed JSON.
pub fn scenario_schema(registry: &Registry) -> String {
    let schema = schemars::schema_for!(ScenarioFile);
    let mut schema = serde_json::to_value(&schema).expect("a schema is JSON");
    if let Some(kind) = protocol_kind_mut(&mut schema) {
        kind["enum"] = Value::from(registry.names());
    }
    serde_json::to_string_pretty(&schema).expect("a schema serialises")
}

/// The schema of `protocol.kind`, wherever schemars put the protocol section.
fn protocol_kind_mut(schema: &mut Value) -> Option<&mut Value> {
    let section = schema.pointer("/properties/protocol/$ref")?.as_str()?;
    let pointer = section.strip_prefix('#')?.to_string() + "/properties/kind";
    schema.pointer_mut(&pointer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_protocol_kind_lists_the_registered_protocols() {
        let schema: Value = serde_json::from_str(&scenario_schema(&Registry::empty())).unwrap();
        let section = schema["properties"]["protocol"]["$ref"].as_str().unwrap();
        let pointer = section.trim_start_matches('#').to_string() + "/properties/kind/enum";
        assert_eq!(
            schema.pointer(&pointer),
            Some(&Value::from(Vec::<&str>::new()))
        );
    }
}
