//! The anomaly corpus: one small hand-made history per anomaly (tests/corpus/*.edn),
//! each opening with a comment that names its model, the anomaly it shows and the
//! consistency models under which it is still valid. Every file is checked under every
//! model; the anomaly must be found, and the verdict must match.

use faultline_isolation::{check, parse_edn, Consistency, TxnModel};
use std::path::Path;

struct Expectation {
    model: TxnModel,
    anomaly: Option<String>,
    valid_under: Vec<Consistency>,
}

/// `; model list-append; anomaly G0; valid under: none`
fn expectation(first_line: &str, file: &str) -> Expectation {
    let parts: Vec<&str> = first_line
        .trim_start_matches(';')
        .split(';')
        .map(str::trim)
        .collect();
    let field = |name: &str| {
        parts
            .iter()
            .find_map(|p| p.strip_prefix(name))
            .unwrap_or_else(|| panic!("{file}: no `{name}` in its first line"))
            .trim()
    };
    let valid_under = field("valid under:");
    Expectation {
        model: TxnModel::parse(field("model")).expect("a model"),
        anomaly: Some(field("anomaly").to_string()).filter(|a| a != "none"),
        valid_under: valid_under
            .split_whitespace()
            .filter(|w| *w != "none")
            .map(|w| Consistency::parse(w).unwrap_or_else(|| panic!("{file}: model {w}")))
            .collect(),
    }
}

#[test]
fn every_corpus_history_shows_its_anomaly_and_gets_its_verdict_under_every_model() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 15, "the corpus is there");
    let mut problems = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(path).unwrap();
        let expected = expectation(text.lines().next().unwrap(), &name);
        let history = parse_edn(&text, expected.model).unwrap_or_else(|e| panic!("{name}: {e}"));
        for consistency in Consistency::ALL {
            let report = check(&history, expected.model, consistency);
            let names: Vec<&str> = report.found.iter().map(|(k, _)| k.name()).collect();
            if let Some(anomaly) = &expected.anomaly {
                if !names.contains(&anomaly.as_str()) {
                    problems.push(format!(
                        "{name} under {}: {anomaly} not found in {names:?}",
                        consistency.name()
                    ));
                }
            }
            let valid = expected.valid_under.contains(&consistency);
            if report.valid != valid {
                problems.push(format!(
                    "{name} under {}: valid {} expected {valid}\n{report}",
                    consistency.name(),
                    report.valid
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
