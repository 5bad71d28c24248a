//! What each protocol of the registry adds to the schema, under `if` its kind: the
//! options it declares (and no others) with the values their types take, the
//! node counts it builds at, its bug names, and, for protocols with clients, the
//! workload rules validation applies to them (`validate::workload`).

use super::fields::{probability, NODES_MAX};
use super::probe::Probe;
use super::set;
use crate::registry::ProtocolInfo;
use crate::Registry;
use faultline_api::OptionInfo;
use serde_json::{json, Map, Value};

/// Client nodes a workload may have (`validate::workload`).
const CLIENTS_MAX: u32 = 1_000;

/// The workload fields only random operations use (`validate::workload::no_random_fields`).
const RANDOM_ONLY: [&str; 4] = ["keys", "ops", "read_ratio", "think"];

/// One `if kind is ... then ...` rule per registered protocol.
pub(super) fn per_kind(registry: &Registry) -> Value {
    registry.protocols().iter().map(kind_rule).collect()
}

fn kind_rule(info: &ProtocolInfo) -> Value {
    let mut then = json!({
        "properties": {
            "protocol": protocol_section(info),
            "bugs": bugs(info),
        },
    });
    if info.has_clients {
        then["properties"]["workload"] = workload(info);
    }
    json!({
        "if": {
            "required": ["protocol"],
            "properties": {
                "protocol": {
                    "required": ["kind"], "properties": { "kind": { "const": info.name } }
                }
            },
        },
        "then": then,
    })
}

/// `kind`, `nodes` and the declared options, nothing else (`validate::protocol::validate_options`).
fn protocol_section(info: &ProtocolInfo) -> Value {
    let probe = Probe::new(info);
    let mut properties = Map::new();
    properties.insert("kind".into(), json!({ "const": info.name }));
    let mut choices = Vec::new();
    for option in &info.options {
        properties.insert(option.name.into(), option_schema(option));
        choices.push((option.name, self::choices(&option.schema)));
    }
    let (nodes, rules) = node_rules(&probe, &choices);
    properties.insert("nodes".into(), nodes);
    let mut section = json!({ "properties": properties, "additionalProperties": false });
    if !rules.is_empty() {
        section["allOf"] = Value::Array(rules);
    }
    section
}

/// The option's declared schema (the values its type takes), meaning and default.
fn option_schema(option: &OptionInfo) -> Value {
    let mut schema = option.schema.clone();
    schema["description"] = json!(format!("{} (default: {})", option.meaning, option.default));
    schema["default"] = option.default.clone();
    schema
}

/// The values of an option whose choice may change the node counts a protocol builds
/// at: both booleans, or each of its named choices.
fn choices(schema: &Value) -> Vec<Value> {
    if schema["type"] == "boolean" {
        return vec![json!(false), json!(true)];
    }
    schema["enum"].as_array().cloned().unwrap_or_default()
}

/// The schema of `nodes`, and rules tying it to an option's choice.
///
/// `nodes` allows every count at which the protocol builds with its defaults or with
/// one option set to one of its choices. When exactly one option changes the counts
/// (the lock service), each of its choices, and its absence, gets its own counts;
/// with several such options their combinations are left to validation.
fn node_rules(probe: &Probe, choices: &[(&str, Vec<Value>)]) -> (Value, Vec<Value>) {
    let defaults = probe.default_node_counts().to_vec();
    let mut all = defaults.clone();
    let mut deciding = Vec::new();
    for (name, values) in choices {
        let counts: Vec<(Value, Vec<u32>)> = values
            .iter()
            .map(|value| (value.clone(), probe.node_counts_with(name, value)))
            .collect();
        all.extend(counts.iter().flat_map(|(_, c)| c.iter().copied()));
        if counts.iter().any(|(_, c)| *c != defaults) {
            deciding.push((*name, counts));
        }
    }
    all.sort_unstable();
    all.dedup();
    let [(name, counts)] = deciding.as_slice() else {
        return (node_count_schema(&all), Vec::new());
    };
    let mut rules: Vec<Value> = counts
        .iter()
        .map(|(value, counts)| {
            json!({
                "if": { "required": [name], "properties": { *name: { "const": value } } },
                "then": { "properties": { "nodes": node_count_schema(counts) } },
            })
        })
        .collect();
    rules.push(json!({
        "if": { "not": set(name) },
        "then": { "properties": { "nodes": node_count_schema(&defaults) } },
    }));
    (node_count_schema(&all), rules)
}

/// Node counts as ranges; with none (a protocol that does not build with these
/// choices at all), the counts validation allows, leaving the reason to validation.
fn node_count_schema(counts: &[u32]) -> Value {
    let description = "Server nodes (clients are extra).";
    let ranges = ranges(counts);
    let mut schema = match ranges.as_slice() {
        [] => {
            json!({ "type": "integer", "minimum": super::fields::NODES_MIN, "maximum": NODES_MAX })
        }
        [range] => range_schema(*range),
        _ => json!({ "anyOf": ranges.iter().map(|r| range_schema(*r)).collect::<Vec<_>>() }),
    };
    schema["description"] = json!(description);
    schema
}

fn range_schema((low, high): (u32, u32)) -> Value {
    if low == high {
        json!({ "type": "integer", "const": low })
    } else {
        json!({ "type": "integer", "minimum": low, "maximum": high })
    }
}

/// Sorted counts as runs of consecutive counts, `(first, last)`.
fn ranges(counts: &[u32]) -> Vec<(u32, u32)> {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for &count in counts {
        match ranges.last_mut() {
            Some((_, high)) if *high + 1 == count => *high = count,
            _ => ranges.push((count, count)),
        }
    }
    ranges
}

/// Only this protocol's bugs (`validate::protocol::validate_bugs`).
fn bugs(info: &ProtocolInfo) -> Value {
    if info.bugs.is_empty() {
        return json!({ "maxItems": 0 });
    }
    let names: Vec<&str> = info.bugs.iter().map(|bug| bug.name).collect();
    json!({ "items": { "enum": names } })
}

/// The workload rules of a protocol with clients.
fn workload(info: &ProtocolInfo) -> Value {
    let mut read_ratio = json!({});
    probability(&mut read_ratio);
    let mut properties = json!({
        "clients": { "minimum": 1, "maximum": CLIENTS_MAX },
        "keys": { "minimum": 1 },
        "read_ratio": read_ratio,
    });
    if !info.takes_script {
        properties["script"] = json!({ "maxItems": 0 });
    }
    let scripted = json!({ "required": ["script"], "properties": { "script": { "minItems": 1 } } });
    let random_only: Map<String, Value> = RANDOM_ONLY
        .iter()
        .map(|name| (name.to_string(), json!({ "type": "null" })))
        .collect();
    let mut unnumbered = scripted.clone();
    unnumbered["not"] = set("clients");
    json!({
        "properties": properties,
        "allOf": [
            { "if": scripted, "then": { "properties": random_only } },
            {
                "if": unnumbered,
                "then": { "properties": { "script": { "items": { "properties": {
                    "client": { "maximum": CLIENTS_MAX - 1 }
                } } } } },
            },
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_become_runs() {
        assert_eq!(ranges(&[1, 2, 3, 5, 7, 8]), [(1, 3), (5, 5), (7, 8)]);
        assert_eq!(ranges(&[]), []);
    }
}
