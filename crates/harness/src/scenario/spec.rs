//! Fault targets and partition shapes as written in scenario files.
//!
//! A target is a node index (`2`), `"random"`, or a role the protocol reports
//! (`"leader"`). A partition is explicit groups (`[[0, 1], [2, 3, 4]]`), a shape name
//! (`"halves"`, `"majority_minority"`, `"bridge"`, `"ring"`), or an object:
//! `{"isolate": target}`, `{"minority": target}`, `{"one_way": {"from": [..], "to": [..]}}`,
//! `{"links": [[from, to], ..]}`. Hand-written (de)serialisation gives errors that say
//! which of these forms was expected.

use faultline_sim::{PartitionShape, Target};
use schemars::JsonSchema;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{json, Value};

/// Who a fault hits, as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetSpec(pub Target);

/// A partition, as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionSpec(pub PartitionShape);

const TARGET_EXPECTED: &str = "a node index, \"random\", or a role such as \"leader\"";
const PARTITION_EXPECTED: &str = "groups like [[0, 1], [2, 3, 4]], a shape (\"halves\", \
\"majority_minority\", \"bridge\", \"ring\"), or an object {\"isolate\": target}, \
{\"minority\": target}, {\"one_way\": {\"from\": [..], \"to\": [..]}}, {\"links\": [[a, b], ..]}, \
{\"with_clients\": shape}";

impl TargetSpec {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Number(n) => n
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(|n| TargetSpec(Target::Node(n)))
                .ok_or_else(|| format!("{n} is not a node index; expected {TARGET_EXPECTED}")),
            Value::String(s) if s == "random" => Ok(TargetSpec(Target::Random)),
            Value::String(s) if is_role_name(s) => Ok(TargetSpec(Target::Role(s.clone()))),
            other => Err(format!("found {other}; expected {TARGET_EXPECTED}")),
        }
    }

    fn to_value(&self) -> Value {
        match &self.0 {
            Target::Node(n) => json!(n),
            Target::Random => json!("random"),
            Target::Role(role) => json!(role),
        }
    }
}

/// Lowercase letters and `_`: how roles (`leader`, `holder`) are named.
pub(crate) fn is_role_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

impl<'de> Deserialize<'de> for TargetSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        TargetSpec::from_value(&value).map_err(de::Error::custom)
    }
}

impl Serialize for TargetSpec {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(serializer)
    }
}

impl PartitionSpec {
    fn from_value(value: &Value) -> Result<Self, String> {
        let shape = match value {
            Value::Array(_) => PartitionShape::Groups(node_lists(value)?),
            Value::String(name) => match name.as_str() {
                "halves" => PartitionShape::Halves,
                "majority_minority" => PartitionShape::MajorityMinority { minority: None },
                "bridge" => PartitionShape::Bridge,
                "ring" => PartitionShape::Ring,
                other => {
                    return Err(format!(
                        "unknown shape \"{other}\"; expected {PARTITION_EXPECTED}"
                    ))
                }
            },
            Value::Object(map) if map.len() == 1 => {
                let (key, inner) = map.iter().next().expect("one entry");
                object_shape(key, inner)?
            }
            other => return Err(format!("found {other}; expected {PARTITION_EXPECTED}")),
        };
        Ok(PartitionSpec(shape))
    }

    fn to_value(&self) -> Value {
        match &self.0 {
            PartitionShape::Groups(groups) => json!(groups),
            PartitionShape::Halves => json!("halves"),
            PartitionShape::MajorityMinority { minority: None } => json!("majority_minority"),
            PartitionShape::MajorityMinority {
                minority: Some(target),
            } => json!({ "minority": TargetSpec(target.clone()).to_value() }),
            PartitionShape::Bridge => json!("bridge"),
            PartitionShape::Ring => json!("ring"),
            PartitionShape::Isolate(target) => {
                json!({ "isolate": TargetSpec(target.clone()).to_value() })
            }
            PartitionShape::OneWay { from, to } => json!({ "one_way": { "from": from, "to": to } }),
            PartitionShape::Links(links) => json!({ "links": links }),
            PartitionShape::WithClients(inner) => {
                json!({ "with_clients": PartitionSpec((**inner).clone()).to_value() })
            }
        }
    }
}

fn object_shape(key: &str, inner: &Value) -> Result<PartitionShape, String> {
    Ok(match key {
        "isolate" => PartitionShape::Isolate(TargetSpec::from_value(inner)?.0),
        "with_clients" => {
            PartitionShape::WithClients(Box::new(PartitionSpec::from_value(inner)?.0))
        }
        "minority" => PartitionShape::MajorityMinority {
            minority: Some(TargetSpec::from_value(inner)?.0),
        },
        "one_way" => {
            let from = inner.get("from").ok_or("one_way needs \"from\": [nodes]")?;
            let to = inner.get("to").ok_or("one_way needs \"to\": [nodes]")?;
            PartitionShape::OneWay {
                from: node_list(from)?,
                to: node_list(to)?,
            }
        }
        "links" => {
            let links = node_lists(inner)?;
            let pairs = links
                .into_iter()
                .map(|l| <[u32; 2]>::try_from(l).map_err(|_| "each link is [from, to]".to_string()))
                .collect::<Result<_, _>>()?;
            PartitionShape::Links(pairs)
        }
        other => {
            return Err(format!(
                "unknown partition key \"{other}\"; expected {PARTITION_EXPECTED}"
            ))
        }
    })
}

fn node_list(value: &Value) -> Result<Vec<u32>, String> {
    let items = value
        .as_array()
        .ok_or_else(|| format!("found {value}; expected a list of node indices"))?;
    items
        .iter()
        .map(|v| {
            v.as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| format!("found {v}; expected a node index"))
        })
        .collect()
}

fn node_lists(value: &Value) -> Result<Vec<Vec<u32>>, String> {
    let items = value
        .as_array()
        .ok_or_else(|| format!("found {value}; expected a list of node lists"))?;
    items.iter().map(node_list).collect()
}

impl<'de> Deserialize<'de> for PartitionSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        PartitionSpec::from_value(&value).map_err(de::Error::custom)
    }
}

impl Serialize for PartitionSpec {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(serializer)
    }
}

/// Schema stand-in: a node index or a name.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum TargetSchema {
    Node(u32),
    /// "random" or a role such as "leader"
    Name(String),
}

/// Schema stand-in for the partition forms.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum PartitionSchema {
    Groups(Vec<Vec<u32>>),
    /// "halves", "majority_minority", "bridge" or "ring"
    Shape(String),
    Object(serde_json::Map<String, Value>),
}

impl JsonSchema for TargetSpec {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Target".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        TargetSchema::json_schema(generator)
    }
}

impl JsonSchema for PartitionSpec {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Partition".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        PartitionSchema::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) -> Value {
        let spec: PartitionSpec = serde_json::from_str(text).expect(text);
        serde_json::to_value(&spec).unwrap()
    }

    #[test]
    fn every_partition_form_round_trips() {
        for text in [
            r#"[[0,1],[2,3,4]]"#,
            r#""halves""#,
            r#""majority_minority""#,
            r#""bridge""#,
            r#""ring""#,
            r#"{"isolate":"leader"}"#,
            r#"{"minority":2}"#,
            r#"{"one_way":{"from":[0],"to":[1,2]}}"#,
            r#"{"links":[[0,1]]}"#,
        ] {
            let expected: Value = serde_json::from_str(text).unwrap();
            assert_eq!(round_trip(text), expected, "{text}");
        }
    }

    #[test]
    fn bad_forms_say_what_was_expected() {
        let err = serde_json::from_str::<PartitionSpec>(r#""square""#).unwrap_err();
        assert!(err.to_string().contains("unknown shape"), "{err}");
        let err = serde_json::from_str::<TargetSpec>("-1").unwrap_err();
        assert!(err.to_string().contains("node index"), "{err}");
        let err = serde_json::from_str::<TargetSpec>(r#""Leader!""#).unwrap_err();
        assert!(err.to_string().contains("expected a node index"), "{err}");
    }
}
