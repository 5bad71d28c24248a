//! Field rules every scenario follows, whatever its protocol: probabilities from 0 to
//! 1, the node count validation allows, the random nemesis's rules, and the protocol
//! kinds and bug names of the registry (each protocol narrows these in
//! [`super::protocol`]). Each restates a check of `scenario::validate`.

use super::duration::positive;
use super::{field, set};
use crate::registry::Registry;
use serde_json::{json, Value};

/// Server nodes a scenario may have, as `validate::protocol::validate_nodes` allows.
pub(super) const NODES_MIN: u32 = 1;
pub(super) const NODES_MAX: u32 = crate::scenario::validate::protocol::NODES_MAX;

/// A role name, as `spec::is_role_name` allows.
pub(super) const ROLE_PATTERN: &str = "^[a-z_]+$";

/// Makes a number field a probability (null, where the field allows it, stays allowed).
pub(super) fn probability(schema: &mut Value) {
    schema["minimum"] = json!(0);
    schema["maximum"] = json!(1);
}

pub(super) fn refine(schema: &mut Value, registry: &Registry) {
    *field(schema, "ProtocolSection", "kind") = json!({
        "description": "A protocol of this build (`faultline list protocols`).",
        "type": "string",
        "enum": registry.names(),
    });
    let nodes = field(schema, "ProtocolSection", "nodes");
    nodes["minimum"] = json!(NODES_MIN);
    nodes["maximum"] = json!(NODES_MAX);
    schema["properties"]["bugs"]["items"] =
        json!({ "type": "string", "enum": bug_names(registry) });
    schema["properties"]["$schema"]["examples"] = json!(["scenario.schema.json"]);
    for section in ["NetworkSection", "LinkSection", "PhaseSection"] {
        for name in ["drop", "duplicate"] {
            probability(field(schema, section, name));
        }
    }
    field(schema, "SlowFsyncSection", "nodes")["minItems"] = json!(1);
    field(schema, "DiskErrorSection", "nodes")["minItems"] = json!(1);
    probability(field(schema, "DiskErrorSection", "probability"));
    for side in ["from", "to"] {
        field(schema, "LinkSection", side)["minItems"] = json!(1);
    }
    random_section(schema);
}

fn bug_names(registry: &Registry) -> Vec<&'static str> {
    let bugs = registry.protocols().iter().flat_map(|p| p.bugs.iter());
    bugs.map(|bug| bug.name).collect()
}

/// `validate::random::nemesis_of` and `pause_role_of`.
fn random_section(schema: &mut Value) {
    for name in ["leader_bias", "new_leader_crash", "pause_role_bias"] {
        probability(field(schema, "RandomSection", name));
    }
    for name in [
        "partition_every",
        "crash_every",
        "replace_every",
        "pause_every",
        "clock_every",
    ] {
        let every = field(schema, "RandomSection", name);
        every["description"] = json!("Mean time between faults of this kind (more than zero).");
        every["allOf"] = json!([positive()]);
    }
    field(schema, "RandomSection", "pause_role")["pattern"] = json!(ROLE_PATTERN);
    field(schema, "RandomSection", "crash_max_concurrent")["minimum"] = json!(1);
    let random = super::definition(schema, "RandomSection");
    random["allOf"] = json!([{
        "if": set("pause_role_bias"),
        "then": {
            "required": ["pause_role"],
            "properties": { "pause_role": { "type": "string" } },
        },
    }]);
}
