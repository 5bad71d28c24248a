//! Pinned trace hashes: each protocol's nemesis scenario, seeds 0 to 2, with the
//! events and hash its run gives today. Determinism tests compare a run with
//! itself, so a change that alters every run's events (a new draw from a random
//! stream, a reordered send, a changed default) passes them silently; here it
//! changes this snapshot, and the diff is seen in review. Accept a deliberate change
//! with `INSTA_UPDATE=always cargo test -p faultline-harness --test pinned_trace_hashes`
//! and say why in the commit.

mod common;

use faultline_harness::Registry;
use faultline_harness::{run, RunOptions, Scenario};
use faultline_protocols::BuiltinProtocols;

const SEEDS: std::ops::Range<u64> = 0..3;

#[test]
fn the_nemesis_runs_of_every_protocol_keep_their_trace_hashes() {
    let registry = Registry::builtin();
    let mut table = String::from("scenario             seed  events  verdict  trace hash\n");
    for protocol in registry.protocols() {
        if !common::scenario_on_disk(protocol.name, "nemesis").exists() {
            continue;
        }
        for seed in SEEDS {
            let file = common::scenario_file(protocol.name, "nemesis", seed, None);
            let scenario = Scenario::from_file_named(file, "nemesis", &registry).unwrap();
            let outcome = run(&scenario, &RunOptions::default()).unwrap();
            table += &format!(
                "{:<20} {seed:>4}  {:>6}  {:<7}  {}\n",
                format!("{}/nemesis", protocol.name),
                outcome.events,
                outcome.verdict.label(),
                outcome.trace_hash_hex()
            );
        }
    }
    insta::assert_snapshot!(table);
}
