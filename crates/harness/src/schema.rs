//! The JSON Schema of the scenario format, for editors that autocomplete scenario files
//! (`faultline schema > scenario.schema.json`).

use crate::scenario::ScenarioFile;

/// The schema as pretty-printed JSON.
pub fn scenario_schema() -> String {
    let schema = schemars::schema_for!(ScenarioFile);
    serde_json::to_string_pretty(&schema).expect("a schema serialises")
}
