//! `faultline list protocols` shows the safety properties each protocol declares,
//! with their meanings, in text and in `--json`; the text ends with the harness's
//! own properties, which every run is judged by.

use std::process::{Command, Output};

fn faultline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(args)
        .output()
        .expect("the binary runs")
}

#[test]
fn list_protocols_shows_each_protocols_properties_under_it() {
    let output = faultline(&["list", "protocols"]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let raft = text
        .find("\nraft ")
        .or(text.find("raft "))
        .expect("raft is listed");
    let paxos = text.find("\npaxos ").expect("paxos is listed");
    let election = text
        .find("    property election_safety ")
        .expect("raft's election_safety is listed");
    assert!(raft < election && election < paxos, "{text}");
    assert!(
        text.contains("at most one leader per term"),
        "with its meaning: {text}"
    );
    assert!(text.contains("    property leases_disjoint "), "{text}");
    let harness = text
        .find("(harness)")
        .expect("the harness's own are listed");
    let stuck = text.find("    property stuck ").expect("stuck is listed");
    assert!(harness < stuck, "{text}");
}

#[test]
fn list_protocols_json_gives_each_property_name_and_meaning() {
    let output = faultline(&["list", "protocols", "--json"]);
    assert_eq!(output.status.code(), Some(0));
    let listed: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let protocols = listed.as_array().expect("a list");
    let raft = protocols
        .iter()
        .find(|p| p["name"] == "raft")
        .expect("raft is listed");
    let properties = raft["properties"].as_array().expect("a list of properties");
    assert!(
        properties.iter().any(
            |p| p["name"] == "election_safety" && p["meaning"] == "at most one leader per term"
        ),
        "{raft}"
    );
    for protocol in protocols {
        let declared = protocol["properties"].as_array().map_or(0, Vec::len);
        assert!(declared > 0, "{} declares properties", protocol["name"]);
    }
}
