//! Fault targets and partitions in the schema: every form `scenario::spec` reads, and
//! nothing else (a shape name it does not know, a link of three nodes, an object with
//! two keys).

use serde_json::{json, Value};

/// The shape names `PartitionSpec` knows.
const SHAPES: [&str; 4] = ["halves", "majority_minority", "bridge", "ring"];

/// A node index.
fn node() -> Value {
    json!({ "type": "integer", "minimum": 0, "maximum": u32::MAX })
}

fn node_list() -> Value {
    json!({ "type": "array", "items": node() })
}

/// A target: a node index, `"random"`, or a role name (lowercase letters and `_`,
/// as `spec::is_role_name` says; which roles a protocol's nodes claim shows at run
/// time, so the name is not checked against them).
fn target() -> Value {
    json!({
        "description": "Who the fault hits: a node index, \"random\", or a role a node claims, \
            such as \"leader\" or \"holder\".",
        "anyOf": [
            { "description": "a node index (servers first, then \
                clients)", "type": "integer", "minimum": 0, "maximum": u32::MAX },
            { "description": "\"random\", or a role such as \"leader\"", "type": "string",
              "pattern": "^[a-z_]+$", "examples": ["random", "leader", "holder"] },
        ],
    })
}

fn partition() -> Value {
    json!({
        "description": "Explicit groups, a shape name, or an object with one key: isolate, \
            minority, one_way, links or with_clients.",
        "anyOf": [
            { "description": "groups, like [[0, 1], [2, 3, \
                4]]", "type": "array", "items": node_list() },
            { "description": "a shape", "type": "string", "enum": SHAPES },
            {
                "type": "object",
                "minProperties": 1,
                "maxProperties": 1,
                "additionalProperties": false,
                "properties": {
                    "isolate": { "$ref": "#/$defs/Target", "description": "cut this node off from \
                        the rest" },
                    "minority": { "$ref": "#/$defs/Target", "description": "a majority-minority \
                        split with this node in the minority" },
                    "with_clients": { "$ref": "#/$defs/Partition", "description": "this partition, \
                        with clients on its sides too" },
                    "one_way": {
                        "description": "messages from `from` to `to` are lost; the other way they \
                            arrive",
                        "type": "object",
                        "required": ["from", "to"],
                        "properties": { "from": node_list(), "to": node_list() },
                    },
                    "links": {
                        "description": "the directed links [from, to] that lose messages",
                        "type": "array",
                        "items": { "type": "array", "items": node(), "minItems": 2, "maxItems": 2 },
                    },
                },
            },
        ],
    })
}

/// Replaces schemars's loose stand-ins for `TargetSpec` and `PartitionSpec`.
pub(super) fn refine(schema: &mut Value) {
    *super::definition(schema, "Target") = target();
    *super::definition(schema, "Partition") = partition();
}
