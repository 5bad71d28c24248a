//! Shared by the harness's integration tests: a protocol's default fuzzing scenario
//! with a chosen seed and bug.

use faultline_harness::registry::scenario_path;
use faultline_harness::Registry;
use faultline_harness::{Scenario, ScenarioFile};
use faultline_protocols::BuiltinProtocols;
use std::path::PathBuf;

/// Where `scenarios/{protocol}/{name}.json` is on disk.
#[allow(dead_code)] // not every test crate that includes this module asks for it
pub fn scenario_on_disk(protocol: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(scenario_path(protocol, name))
}

/// `scenarios/{protocol}/{name}.json` with `seed` and, if given, `bug` switched on.
pub fn scenario_file(protocol: &str, name: &str, seed: u64, bug: Option<&str>) -> ScenarioFile {
    let path = scenario_on_disk(protocol, name).display().to_string();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut file = Scenario::parse(&text, &path, &Registry::builtin())
        .unwrap()
        .file;
    file.seed = seed;
    file.bugs = bug.into_iter().map(str::to_string).collect();
    file
}
