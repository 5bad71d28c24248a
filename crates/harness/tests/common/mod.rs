//! Shared by the harness's integration tests: a protocol's default fuzzing scenario
//! with a chosen seed and bug.

use faultline_harness::{Scenario, ScenarioFile};

/// `scenarios/{protocol}/{name}.json` with `seed` and, if given, `bug` switched on.
pub fn scenario_file(protocol: &str, name: &str, seed: u64, bug: Option<&str>) -> ScenarioFile {
    let path = format!(
        "{}/../../scenarios/{protocol}/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let mut file = Scenario::parse(&text, &path).unwrap().file;
    file.seed = seed;
    file.bugs = bug.into_iter().map(str::to_string).collect();
    file
}
