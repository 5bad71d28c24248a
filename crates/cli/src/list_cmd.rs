//! `faultline list protocols|bugs|models`: what faultline can run, break and check.
//! Each protocol is listed with its options, the safety properties it declares and
//! the situations its nodes mark (the names a scenario's `checks.reached` may list).

use crate::app::App;
use crate::output::outln;
use clap::ValueEnum;
use faultline_harness::registry::{scenario_path, Registry};
use faultline_protocols::harness_properties::{HARNESS_PROPERTIES, NEVER_REACHED};
use faultline_protocols::Property;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ListWhat {
    Protocols,
    Bugs,
    Models,
}

pub fn list_command(app: &App, what: ListWhat, json: bool) -> i32 {
    let registry = &app.registry;
    match (what, json) {
        (ListWhat::Protocols, false) => list_protocols(registry),
        (ListWhat::Bugs, false) => list_bugs(registry),
        (ListWhat::Models, false) => list_models(),
        (ListWhat::Protocols, true) => outln!("{}", protocols_json(registry)),
        (ListWhat::Bugs, true) => outln!("{}", bugs_json(registry)),
        (ListWhat::Models, true) => outln!("{}", serde_json::json!(MODELS.map(|(name, _)| name))),
    }
    0
}

fn protocols_json(registry: &Registry) -> serde_json::Value {
    registry
        .protocols()
        .iter()
        .map(|p| {
            serde_json::json!({
                "name": p.name,
                "summary": p.summary,
                "history_model": p.history_model,
                "options": p.options.iter().map(|o| o.name).collect::<Vec<_>>(),
                "bugs": p.bugs.iter().map(|b| b.name).collect::<Vec<_>>(),
                "crash_points": p.crash_points,
                "situations": p.situations,
                "properties": p.properties.iter().map(|property| serde_json::json!({
                    "name": property.name,
                    "meaning": property.meaning,
                })).collect::<Vec<_>>(),
            })
        })
        .collect()
}

fn bugs_json(registry: &Registry) -> serde_json::Value {
    registry
        .protocols()
        .iter()
        .flat_map(|p| {
            p.bugs.iter().map(|b| {
                serde_json::json!({
                    "name": b.name,
                    "protocol": p.name,
                    "mechanism": b.mechanism,
                    "violates": b.violates,
                    "scenario": scenario_path(p.name, b.scenario),
                })
            })
        })
        .collect()
}

fn list_protocols(registry: &Registry) {
    for p in registry.protocols() {
        let model = p
            .history_model
            .map(|m| format!(" (history: {m})"))
            .unwrap_or_default();
        outln!("{:<10} {}{model}", p.name, p.summary);
        for option in &p.options {
            outln!(
                "    option {:<16} {} (default {})",
                option.name,
                option.meaning,
                option.default
            );
        }
        list_properties(p.properties);
        for situation in p.situations {
            outln!("    situation {situation:?}");
        }
        if !p.crash_points.is_empty() {
            outln!("    crash points: {}", p.crash_points.join(", "));
        }
    }
    outln!(
        "{:<10} properties every run is judged by, whatever the protocol",
        "(harness)"
    );
    list_properties(HARNESS_PROPERTIES);
    outln!(
        "{:<10} judged once per fuzz campaign, when a scenario asks",
        "(campaign)"
    );
    list_properties(&[NEVER_REACHED]);
}

fn list_properties(properties: &[Property]) {
    for property in properties {
        outln!("    property {:<24} {}", property.name, property.meaning);
    }
}

fn list_bugs(registry: &Registry) {
    for p in registry.protocols() {
        for bug in p.bugs {
            outln!("{:<36} {}", bug.name, bug.mechanism);
            outln!("{:<36} violates: {}", "", bug.violates.join(", "));
            let scenario = scenario_path(p.name, bug.scenario);
            outln!("{:<36} hunted on: {scenario}", "");
        }
    }
}

const MODELS: [(&str, &str); 7] = [
    ("register", "read/write register"),
    ("cas-register", "read/write/compare-and-set register"),
    ("kv", "get/put/append per key, checked key by key"),
    ("mutex", "acquire/release lock"),
    (
        "multi-register",
        "transactions of register reads and writes (Knossos's :txn), linearizable",
    ),
    (
        "list-append",
        "transactions of appends and list reads, judged against --consistency",
    ),
    (
        "rw-register",
        "transactions of register writes and reads, judged against --consistency",
    ),
];

fn list_models() {
    for (name, meaning) in MODELS {
        outln!("{name:<14} {meaning}");
    }
}
