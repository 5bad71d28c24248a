//! The scenario schema (`faultline schema`) says what validation says: every shipped
//! scenario meets it, every mistake in a table is refused by both the schema and
//! `Scenario::parse`, a table of unusual but valid scenarios is accepted by both, the
//! duration patterns match exactly the text the duration parser reads, and a file's
//! `$schema` field changes nothing about its run.

#[path = "schema/user_protocol.rs"]
mod user_protocol;

use faultline_harness::duration::{parse_signed, Duration, SignedDuration};
use faultline_harness::schema::{
    duration_pattern, scenario_schema, scenario_schema_value, signed_duration_pattern,
};
use faultline_harness::{run, Registry, RunOptions, Scenario};
use faultline_protocols::examples::pingpong::PingPong;
use faultline_protocols::BuiltinProtocols;
use jsonschema::Validator;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use user_protocol::Relay;

fn validator(registry: &Registry) -> Validator {
    let schema = scenario_schema_value(registry);
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("the schema compiles: {e}"))
}

/// What the schema says of `scenario`: `Ok`, or the first few reasons.
fn schema_verdict(validator: &Validator, scenario: &Value) -> Result<(), String> {
    let reasons: Vec<String> = validator
        .iter_errors(scenario)
        .take(3)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(reasons.join("; "))
    }
}

fn parse(scenario: &Value) -> Result<Scenario, String> {
    let text = serde_json::to_string_pretty(scenario).unwrap();
    Scenario::parse(&text, "table.json", &Registry::builtin()).map_err(|e| e.to_string())
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.json` file under `dir`, recursively, sorted.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(json_files(&path));
        } else if path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[test]
fn every_shipped_scenario_and_regression_meets_the_schema() {
    let validator = validator(&Registry::builtin());
    let root = project_root();
    let mut files = json_files(&root.join("scenarios"));
    files.extend(json_files(&root.join("traces/regressions")));
    assert!(files.len() > 40, "found the scenarios: {files:?}");
    let mut problems = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let name = file.display().to_string();
        Scenario::parse(&text, &name, &Registry::builtin()).unwrap_or_else(|e| panic!("{e}"));
        let scenario: Value = serde_json::from_str(&text).unwrap();
        if let Err(reasons) = schema_verdict(&validator, &scenario) {
            problems.push(format!("{name}: {reasons}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A small valid Raft scenario to make mistakes in.
fn raft() -> Value {
    json!({
        "name": "table",
        "protocol": { "kind": "raft", "nodes": 3 },
        "network": { "latency": { "min": "1ms", "max": "20ms" }, "drop": 0.01 },
        "faults": {
            "schedule": [{ "at": "1s", "crash": 1, "for": "500ms" }],
            "random": { "partition_every": "2s", "leader_bias": 0.5 }
        },
        "workload": { "clients": 2, "ops": 20 },
        "duration": "3s",
        "quiet": "2s",
        "bugs": ["raft.stale_read"]
    })
}

/// `raft()` with the value at `pointer` (a JSON pointer to an object field) replaced,
/// added, or (with `None`) removed.
fn edit(mut scenario: Value, pointer: &str, value: Option<Value>) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let parent = scenario
        .pointer_mut(parent)
        .unwrap()
        .as_object_mut()
        .unwrap();
    match value {
        Some(value) => parent.insert(key.to_string(), value),
        None => parent.remove(key),
    };
    scenario
}

fn with(pointer: &str, value: Value) -> Value {
    edit(raft(), pointer, Some(value))
}

fn schedule(entry: Value) -> Value {
    with("/faults/schedule", json!([entry]))
}

fn random(section: Value) -> Value {
    with("/faults/random", section)
}

fn protocol(section: Value) -> Value {
    let scenario = edit(raft(), "/bugs", None);
    edit(scenario, "/protocol", Some(section))
}

/// Mistakes in the protocol section's kind and options.
fn protocol_mistakes() -> Vec<(&'static str, Value)> {
    vec![
        ("kind typo", with("/protocol/kind", json!("rafft"))),
        ("option typo", with("/protocol/pre_vot", json!(true))),
        (
            "option of another protocol",
            with("/protocol/service", json!("single")),
        ),
        (
            "boolean option as a string",
            with("/protocol/pre_vote", json!("yes")),
        ),
        (
            "integer option negative",
            with("/protocol/heartbeat_ms", json!(-5)),
        ),
        (
            "integer option as a fraction",
            with("/protocol/heartbeat_ms", json!(2.5)),
        ),
    ]
}

/// Mistakes in the network, durations, bugs, node counts and unknown fields.
fn file_mistakes() -> Vec<(&'static str, Value)> {
    vec![
        ("drop above 1", with("/network/drop", json!(1.5))),
        ("duplicate below 0", with("/network/duplicate", json!(-0.1))),
        ("duration in words", with("/duration", json!("5 seconds"))),
        ("duration without a unit", with("/quiet", json!("150"))),
        ("duration in hours", with("/duration", json!("3h"))),
        ("duration as a number", with("/duration", json!(5))),
        (
            "negative duration",
            with("/network/latency/min", json!("-1ms")),
        ),
        ("unknown bug", with("/bugs", json!(["raft.no_such_bug"]))),
        (
            "bug of another protocol",
            with("/bugs", json!(["lock.failover_unreplicated"])),
        ),
        ("no nodes", with("/protocol/nodes", json!(0))),
        ("too many nodes", with("/protocol/nodes", json!(10_001))),
        ("unknown top-level field", with("/sead", json!(1))),
        ("unknown network field", with("/network/loss", json!(0.1))),
        (
            "link drop above 1",
            with(
                "/network/links",
                json!([{ "from": [0], "to": [1], "drop": 2 }]),
            ),
        ),
        (
            "link without receivers",
            with("/network/links", json!([{ "from": [0], "to": [] }])),
        ),
        (
            "unknown link field",
            with(
                "/network/links",
                json!([{ "from": [0], "to": [1], "loss": 0.1 }]),
            ),
        ),
        (
            "phase duplicate below 0",
            with("/network/phases", json!([{ "at": "1s", "duplicate": -1 }])),
        ),
        (
            "phase without a start",
            with("/network/phases", json!([{ "drop": 0.1 }])),
        ),
        (
            "unknown latency shape",
            with("/network/latency/shape", json!("normal")),
        ),
        (
            "unknown disk mode",
            with("/disk", json!({ "unsynced_on_crash": "kept" })),
        ),
        ("unknown expectation", with("/expect", json!("crash"))),
        ("no protocol", edit(raft(), "/protocol", None)),
    ]
}

/// Mistakes in `faults.random`.
fn random_fault_mistakes() -> Vec<(&'static str, Value)> {
    vec![
        ("leader bias above 1", random(json!({ "leader_bias": 2 }))),
        (
            "new leader crash below 0",
            random(json!({ "new_leader_crash": -1 })),
        ),
        (
            "zero mean time between crashes",
            random(json!({ "crash_every": "0ms" })),
        ),
        (
            "pause role not a role name",
            random(json!({ "pause_role": "Holder!" })),
        ),
        (
            "pause role bias without a role",
            random(json!({ "pause_role_bias": 0.5 })),
        ),
        (
            "slow fsync on no nodes",
            with(
                "/disk",
                json!({ "slow_fsync": { "min": "1ms", "max": "2ms", "nodes": [] } }),
            ),
        ),
        (
            "slow fsync without a max",
            with("/disk", json!({ "slow_fsync": { "min": "1ms" } })),
        ),
        (
            "fsync errors with a probability above 1",
            with("/disk", json!({ "fsync_errors": { "probability": 2 } })),
        ),
        (
            "corrupt records on no nodes",
            with(
                "/disk",
                json!({ "corrupt_on_restart": { "probability": 0.1, "nodes": [] } }),
            ),
        ),
        (
            "fsync errors without a probability",
            with("/disk", json!({ "fsync_errors": { "nodes": [1] } })),
        ),
        (
            "replace with a node",
            schedule(json!({ "at": "1s", "replace": 0, "node": 1 })),
        ),
        (
            "replace and crash together",
            schedule(json!({ "at": "1s", "replace": 0, "crash": 1 })),
        ),
        (
            "zero mean time between replacements",
            random(json!({ "replace_every": "0s" })),
        ),
        (
            "no servers crash together",
            random(json!({ "crash_every": "1s", "crash_max_concurrent": 0 })),
        ),
        (
            "unknown random field",
            random(json!({ "crash_evry": "1s" })),
        ),
    ]
}

/// Mistakes in `faults.schedule` entries.
fn schedule_mistakes() -> Vec<(&'static str, Value)> {
    vec![
        ("entry without an action", schedule(json!({ "at": "1s" }))),
        (
            "entry with two actions",
            schedule(json!({ "at": "1s", "crash": 0, "pause": 1 })),
        ),
        (
            "unknown action",
            schedule(json!({ "at": "1s", "explode": 0 })),
        ),
        (
            "for on a restart",
            schedule(json!({ "at": "1s", "restart": 0, "for": "1s" })),
        ),
        (
            "node on a crash",
            schedule(json!({ "at": "1s", "crash": 0, "node": 1 })),
        ),
        (
            "clock jump without a node",
            schedule(json!({ "at": "1s", "clock_jump": "5ms" })),
        ),
        (
            "clock jump in words",
            schedule(json!({ "at": "1s", "clock_jump": "5 ms", "node": 0 })),
        ),
        ("heal false", schedule(json!({ "at": "1s", "heal": false }))),
        (
            "target not a role name",
            schedule(json!({ "at": "1s", "crash": "Leader" })),
        ),
        (
            "negative target",
            schedule(json!({ "at": "1s", "crash": -1 })),
        ),
        (
            "unknown partition shape",
            schedule(json!({ "at": "1s", "partition": "square" })),
        ),
        (
            "unknown partition key",
            schedule(json!({ "at": "1s", "partition": { "isolated": 0 } })),
        ),
        (
            "partition with two keys",
            schedule(json!({ "at": "1s", "partition": { "isolate": 0, "minority": 1 } })),
        ),
        (
            "link of three nodes",
            schedule(json!({ "at": "1s", "partition": { "links": [[0, 1, 2]] } })),
        ),
        (
            "one-way without to",
            schedule(json!({ "at": "1s", "partition": { "one_way": { "from": [0] } } })),
        ),
    ]
}

/// Mistakes in the workload, and node counts a protocol cannot take.
fn workload_and_size_mistakes() -> Vec<(&'static str, Value)> {
    vec![
        ("no clients", with("/workload/clients", json!(0))),
        ("no keys", with("/workload/keys", json!(0))),
        (
            "read ratio above 1",
            with("/workload/read_ratio", json!(1.5)),
        ),
        (
            "script with random fields",
            with(
                "/workload",
                json!({
                    "ops": 5,
                    "script": [{ "at": "1ms", "client": 0, "f": "put", "key": "k0", "value": "a" }]
                }),
            ),
        ),
        (
            "script client out of range",
            with(
                "/workload",
                json!({
                    "script": [{ "at": "1ms", "client": 1000, "f": "get", "key": "k0" }]
                }),
            ),
        ),
        (
            "saga on 5 nodes",
            protocol(json!({ "kind": "saga", "nodes": 5 })),
        ),
        (
            "pingpong on 3 nodes",
            protocol(json!({ "kind": "pingpong", "nodes": 3 })),
        ),
        (
            "two-phase commit on 1 node",
            protocol(json!({ "kind": "twopc", "nodes": 1 })),
        ),
        (
            "single lock service on 4 nodes",
            protocol(json!({ "kind": "lock", "nodes": 4 })),
        ),
        (
            "single lock service named, on 5 nodes",
            protocol(json!({ "kind": "lock", "nodes": 5, "service": "single" })),
        ),
        (
            "Redlock on 1 node",
            protocol(json!({ "kind": "lock", "nodes": 1, "service": "redlock" })),
        ),
        (
            "unknown lock service",
            protocol(json!({ "kind": "lock", "nodes": 3, "service": "zookeeper" })),
        ),
        ("$schema not a string", with("/$schema", json!(7))),
    ]
}

#[test]
fn every_mistake_is_refused_by_the_schema_and_by_validation() {
    let validator = validator(&Registry::builtin());
    assert_eq!(parse(&raft()).err(), None, "the base scenario is valid");
    assert_eq!(schema_verdict(&validator, &raft()), Ok(()));
    let mut disagreements = Vec::new();
    let mistakes = [
        protocol_mistakes(),
        file_mistakes(),
        random_fault_mistakes(),
        schedule_mistakes(),
        workload_and_size_mistakes(),
    ];
    for (mistake, scenario) in mistakes.concat() {
        let by_schema = schema_verdict(&validator, &scenario).is_err();
        let by_validation = parse(&scenario).is_err();
        if !(by_schema && by_validation) {
            disagreements.push(format!(
                "{mistake}: refused by the schema {by_schema}, by validation {by_validation}"
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// Valid scenarios in forms the shipped ones do not use: fields, durations, options.
fn unusual_but_valid() -> Vec<(&'static str, Value)> {
    vec![
        ("$schema", with("/$schema", json!("./scenario.schema.json"))),
        (
            "null optional fields",
            with("/workload", json!({ "clients": null, "think": null })),
        ),
        ("null workload", with("/workload", Value::Null)),
        ("spaces around a duration", with("/duration", json!(" 3s "))),
        ("fractional durations", with("/quiet", json!(".5s"))),
        (
            "microseconds",
            with("/network/latency", json!({ "min": "10µs", "max": "1.5ms" })),
        ),
        (
            "boolean and integer options",
            with(
                "/protocol",
                json!({
                    "kind": "raft", "nodes": 3, "pre_vote": false, "snapshot_every": 0,
                    "heartbeat_ms": 20
                }),
            ),
        ),
        (
            "Redlock on 2 nodes",
            protocol(json!({ "kind": "lock", "nodes": 2, "service": "redlock" })),
        ),
        (
            "single lock service named",
            protocol(json!({ "kind": "lock", "nodes": 3, "service": "single" })),
        ),
        (
            "pingpong on 2 nodes",
            protocol(json!({ "kind": "pingpong", "nodes": 2 })),
        ),
    ]
}

/// Valid scenarios in forms the shipped ones do not use: faults and workloads.
fn unusual_but_valid_faults() -> Vec<(&'static str, Value)> {
    vec![
        (
            "clock drift on a role",
            schedule(json!({ "at": "1s", "clock_drift_ppm": -300, "node": "leader" })),
        ),
        (
            "negative clock jump",
            schedule(json!({ "at": "1s", "clock_jump": "-20ms", "node": 1 })),
        ),
        (
            "recover all",
            schedule(json!({ "at": "1s", "recover_all": true })),
        ),
        (
            "a replaced machine back after a while",
            schedule(json!({ "at": "1s", "replace": "leader", "for": "500ms" })),
        ),
        (
            "slow fsync on every server",
            with(
                "/disk",
                json!({ "slow_fsync": { "min": "1ms", "max": "20ms" } }),
            ),
        ),
        (
            "fsync errors on two servers",
            with(
                "/disk",
                json!({ "fsync_errors": { "probability": 0.01, "nodes": [0, 1] } }),
            ),
        ),
        (
            "network phases with links of their own",
            with(
                "/network/phases",
                json!([
                    { "at": "1s", "drop": 0.1, "links": [{ "from": [2], "to": [0, 1] }] },
                    { "at": "2s", "latency": { "min": "1ms", "max": "2ms" }, "links": [] }
                ]),
            ),
        ),
        (
            "heal with nulls",
            schedule(json!({ "at": "1s", "heal": true, "crash": null })),
        ),
    ]
    .into_iter()
    .chain(unusual_but_valid_partitions_and_workloads())
    .collect()
}

/// Valid partitions and workloads in forms the shipped scenarios do not use.
fn unusual_but_valid_partitions_and_workloads() -> Vec<(&'static str, Value)> {
    vec![
        (
            "groups",
            schedule(json!({ "at": "1s", "partition": [[0], [1, 2]], "for": "1s" })),
        ),
        (
            "one-way",
            schedule(
                json!({ "at": "1s", "partition": { "one_way": { "from": [0], "to": [1, 2] } } }),
            ),
        ),
        (
            "links",
            schedule(json!({ "at": "1s", "partition": { "links": [[0, 1], [1, 0]] } })),
        ),
        (
            "with clients",
            schedule(
                json!({ "at": "1s", "partition": { "with_clients": { "minority": "leader" } } }),
            ),
        ),
        (
            "a shape",
            schedule(json!({ "at": "1s", "partition": "majority_minority" })),
        ),
        (
            "pause role and bias",
            random(json!({ "pause_every": "1s", "pause_role": "leader", "pause_role_bias": 1 })),
        ),
        (
            "script naming clients",
            with(
                "/workload",
                json!({
                    "clients": 2,
                    "script": [{ "at": "1ms", "client": 1, "f": "put", "key": "k0", "value": "a" }]
                }),
            ),
        ),
        (
            "a workload a protocol without clients ignores",
            protocol(json!({ "kind": "pingpong", "nodes": 2 }))
                .as_object()
                .cloned()
                .map(|mut s| {
                    s.insert("workload".into(), json!({ "clients": 0 }));
                    Value::Object(s)
                })
                .unwrap(),
        ),
    ]
}

#[test]
fn unusual_valid_scenarios_are_accepted_by_both() {
    let validator = validator(&Registry::builtin());
    let mut disagreements = Vec::new();
    for (case, scenario) in [unusual_but_valid(), unusual_but_valid_faults()].concat() {
        if let Err(e) = parse(&scenario) {
            disagreements.push(format!("{case}: validation refuses it: {e}"));
        }
        if let Err(e) = schema_verdict(&validator, &scenario) {
            disagreements.push(format!("{case}: the schema refuses it: {e}"));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// Strings the duration parser reads, or not; each is checked against both.
const DURATION_TEXTS: &[&str] = &[
    "150ms",
    "2s",
    "1.5s",
    "1.s",
    ".5s",
    "0ns",
    "10us",
    "10µs",
    "1m",
    "007ms",
    " 2s",
    "2s\n",
    "\t3ms ",
    "\u{3000}1s",
    "\u{85}1s",
    "-200ms",
    " -2s",
    "5 seconds",
    "150",
    "3h",
    "1.2.3s",
    "s",
    ".s",
    "-",
    "",
    " ",
    "+1s",
    "1e3ms",
    "2 s",
    "2S",
    "2sec",
    "1,5s",
    "inf",
    "NaNs",
    "2s2",
    "- 2s",
    "--2s",
    "1μs",
    "\u{FEFF}2s",
    "1..s",
    "ms5",
    "0x10s",
];

fn matches(pattern: &str, text: &str) -> bool {
    let schema = json!({ "type": "string", "pattern": pattern });
    jsonschema::is_valid(&schema, &json!(text))
}

#[test]
fn the_duration_patterns_match_exactly_what_the_parser_reads() {
    let (unsigned, signed) = (duration_pattern(), signed_duration_pattern());
    let mut disagreements = Vec::new();
    for text in DURATION_TEXTS {
        let parsed = serde_json::from_value::<Duration>(json!(text)).is_ok();
        if matches(&unsigned, text) != parsed {
            disagreements.push(format!("{text:?}: duration parser {parsed}"));
        }
        let parsed = serde_json::from_value::<SignedDuration>(json!(text)).is_ok();
        if matches(&signed, text) != parsed {
            disagreements.push(format!("{text:?}: signed duration parser {parsed}"));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

#[test]
fn what_no_duration_pattern_says_is_left_to_the_parser() {
    // A negative zero reads as zero; the pattern refuses every sign, the stricter way.
    assert_eq!(parse_signed("-0s"), Ok(0));
    assert!(!matches(&duration_pattern(), "-0s"));
    // A number past nanoseconds' range: the pattern cannot count digits that far.
    let huge = format!("{}s", "9".repeat(30));
    assert!(parse_signed(&huge).is_err());
    assert!(matches(&duration_pattern(), &huge));
}

#[test]
fn a_schema_field_is_accepted_and_changes_nothing_about_the_run() {
    let plain = with("/duration", json!("2s"));
    let pointed = edit(
        plain.clone(),
        "/$schema",
        Some(json!("scenario.schema.json")),
    );
    assert_eq!(
        schema_verdict(&validator(&Registry::builtin()), &pointed),
        Ok(())
    );
    let outcome = |scenario: &Value| run(&parse(scenario).unwrap(), &RunOptions::default());
    let (plain, pointed) = (outcome(&plain).unwrap(), outcome(&pointed).unwrap());
    assert_eq!(plain.trace_hash, pointed.trace_hash);
    assert_eq!(plain.verdict, pointed.verdict);
}

#[test]
fn the_schema_is_made_for_the_registry_it_is_given() {
    let registry = Registry::empty().with::<PingPong>();
    let schema = scenario_schema_value(&registry);
    assert_eq!(
        schema["$defs"]["ProtocolSection"]["properties"]["kind"]["enum"],
        json!(["pingpong"])
    );
    let validator = validator(&registry);
    let pingpong =
        |nodes: u32| json!({ "protocol": { "kind": "pingpong", "nodes": nodes, "messages": 10 } });
    assert_eq!(schema_verdict(&validator, &pingpong(2)), Ok(()));
    assert!(schema_verdict(&validator, &pingpong(3)).is_err());
    assert!(
        schema_verdict(&validator, &raft()).is_err(),
        "raft is not in it"
    );
}

#[test]
fn the_schema_names_its_draft_and_itself() {
    let schema: Value = serde_json::from_str(&scenario_schema(&Registry::builtin())).unwrap();
    assert_eq!(
        schema["$schema"],
        json!("https://json-schema.org/draft/2020-12/schema")
    );
    for key in ["$id", "title", "description"] {
        assert!(schema[key].as_str().is_some_and(|s| !s.is_empty()), "{key}");
    }
    let option = &schema["allOf"][0]["then"]["properties"]["protocol"]["properties"]["pre_vote"];
    assert_eq!(option["type"], json!("boolean"), "{option}");
    assert_eq!(option["default"], json!(true), "{option}");
}

#[test]
fn a_users_protocol_appears_with_what_its_build_takes() {
    let registry = Registry::builtin().with::<Relay>();
    let schema = scenario_schema_value(&registry);
    let kinds = &schema["$defs"]["ProtocolSection"]["properties"]["kind"]["enum"];
    assert_eq!(kinds.as_array().unwrap().last(), Some(&json!("relay")));
    let relay = schema["allOf"].as_array().unwrap().last().unwrap()["then"].clone();
    let options = &relay["properties"]["protocol"]["properties"];
    assert_eq!(
        options["mode"]["enum"],
        json!(["push", "pull", "star"]),
        "{relay}"
    );
    assert_eq!(options["mode"]["default"], json!("push"));
    assert_eq!(options["label"]["type"], json!("string"));
    assert_eq!(
        options["label"].get("enum"),
        None,
        "any text: {}",
        options["label"]
    );
    assert_eq!(options["verbose"]["type"], json!("boolean"));
    assert_eq!(options["fanout"]["type"], json!("integer"));
    assert_eq!(options["fanout"]["default"], json!(2));
    assert_eq!(options["label"]["default"], json!("relay"));
    assert_eq!(
        relay["properties"]["bugs"]["items"]["enum"],
        json!(["relay.loop"])
    );
}

#[test]
fn a_users_protocol_is_judged_alike_by_the_schema_and_validation() {
    let registry = Registry::builtin().with::<Relay>();
    let validator = validator(&registry);
    let scenario = |protocol: Value| json!({ "protocol": protocol, "bugs": ["relay.loop"] });
    let agreed = [
        (json!({ "kind": "relay", "nodes": 2 }), true),
        (
            json!({
                "kind": "relay", "nodes": 3, "mode": "star", "label": "x", "verbose": true,
                "fanout": 4
            }),
            true,
        ),
        (json!({ "kind": "relay", "nodes": 4, "mode": "pull" }), true),
        (
            json!({ "kind": "relay", "nodes": 4, "mode": "star" }),
            false,
        ),
        (json!({ "kind": "relay", "nodes": 1 }), false),
        (
            json!({ "kind": "relay", "nodes": 2, "mode": "ring" }),
            false,
        ),
        (json!({ "kind": "relay", "nodes": 2, "label": 5 }), false),
        (json!({ "kind": "relay", "nodes": 2, "fan_out": 1 }), false),
        (json!({ "kind": "relay", "nodes": 2, "fanout": -1 }), false),
        (json!({ "kind": "relay", "nodes": 2, "fanout": 1.5 }), false),
    ];
    for (protocol, valid) in agreed {
        let scenario = scenario(protocol);
        let text = scenario.to_string();
        let parsed = Scenario::parse(&text, "relay.json", &registry);
        assert_eq!(
            parsed.is_ok(),
            valid,
            "validation of {text}: {:?}",
            parsed.err()
        );
        let verdict = schema_verdict(&validator, &scenario);
        assert_eq!(verdict.is_ok(), valid, "schema of {text}: {verdict:?}");
    }
}
