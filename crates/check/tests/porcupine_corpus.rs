//! Conformance with Porcupine's test histories (the directory `FAULTLINE_CORPUS` names,
//! kept outside this repository): every etcd log with the etcd reading of a failed CAS,
//! and every kv history both key by key and (c01, c10) as one whole-map state, must get
//! the verdict the corpus lists in its `expected.tsv`, and the streaming check
//! (`check_stream`) the same verdict where its frontier can follow the concurrency. The
//! corpus is not copied here; when it is absent the test fails under `CI=true`, and
//! elsewhere says so on the terminal (past the test harness's output capture) and
//! checks nothing.

use faultline_check::check::check_kind;
use faultline_check::import::{parse, Format};
use faultline_check::models::{CasFail, ModelKind};
use faultline_check::{CheckOptions, StreamLimits, Verdict};

/// The streaming check's frontier limit here: wide enough for every history it is
/// meant for, small enough that the ones beyond it give up in well under a second.
const STREAM_CONFIGURATIONS_MAX: usize = 2_000;
use std::path::PathBuf;

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("FAULTLINE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_default();
    if dir.join("expected.tsv").exists() {
        return Some(dir);
    }
    let message = format!(
        "Porcupine corpus not found at `{}` (set FAULTLINE_CORPUS)",
        dir.display()
    );
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{message}: CI=true needs it"
    );
    // Straight to stderr, not `eprintln!`, which the test harness captures and hides.
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED: {message}");
    None
}

/// Whether the streaming check may answer `unknown` on `path`: its frontier holds
/// every order of the operations in flight, which fifty clients on a key, or ten
/// across the whole map as one state, take past [`STREAM_CONFIGURATIONS_MAX`]. Every
/// etcd log and the kv histories of one and ten clients key by key must be judged.
fn stream_may_give_up(path: &std::path::Path, model: ModelKind) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.starts_with("c50") || (name.starts_with("c10") && model == ModelKind::KvWhole)
}

/// The verdict; every partition must be resolved (none unknown), and a violation
/// must come with a counterexample.
fn verdict_of(path: &PathBuf, format: Format, model: ModelKind) -> Verdict {
    let text = std::fs::read_to_string(path).unwrap();
    let history = parse(&text, format).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if let Some(rejected) = model.first_rejected(&history) {
        panic!("{}: {rejected}", path.display());
    }
    let report = check_kind(&history, model, &CheckOptions::default());
    assert!(
        report
            .partitions
            .iter()
            .all(|p| p.verdict != Verdict::Unknown),
        "{}: {report}",
        path.display()
    );
    assert_eq!(
        report.counterexample.is_some(),
        report.verdict == Verdict::NotLinearizable
    );
    let limits = StreamLimits {
        configurations_max: STREAM_CONFIGURATIONS_MAX,
        ..StreamLimits::default()
    };
    let streamed = model.boxed().check_stream(&history, limits).unwrap();
    let too_concurrent = streamed.verdict == Verdict::Unknown && stream_may_give_up(path, model);
    assert!(
        streamed.verdict == report.verdict || too_concurrent,
        "{} as a stream, expected {:?}: {streamed}",
        path.display(),
        report.verdict
    );
    report.verdict
}

#[test]
fn etcd_histories_match_porcupine() {
    let Some(dir) = corpus() else { return };
    let expected = std::fs::read_to_string(dir.join("expected.tsv")).unwrap();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for row in expected.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        if !cols[0].starts_with("jepsen/") || cols[2].is_empty() {
            continue;
        }
        let path = dir.join(cols[0]);
        if std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) == 0 {
            continue; // etcd_095 is empty: the cluster never started
        }
        let want = if cols[2] == "true" {
            Verdict::Linearizable
        } else {
            Verdict::NotLinearizable
        };
        let got = verdict_of(
            &path,
            Format::detect(&std::fs::read_to_string(&path).unwrap()),
            ModelKind::CasRegister(CasFail::Etcd),
        );
        if got != want {
            wrong.push(format!("{}: expected {want:?}, got {got:?}", cols[0]));
        }
        checked += 1;
    }
    assert_eq!(checked, 102, "all non-empty etcd histories");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn kv_histories_match_porcupine_partitioned_and_whole() {
    let Some(dir) = corpus() else { return };
    for (name, linearizable) in [
        ("c01-ok", true),
        ("c01-bad", false),
        ("c10-ok", true),
        ("c10-bad", false),
        ("c50-ok", true),
        ("c50-bad", false),
    ] {
        let path = dir.join(format!("kv/{name}.txt"));
        let want = if linearizable {
            Verdict::Linearizable
        } else {
            Verdict::NotLinearizable
        };
        assert_eq!(
            verdict_of(&path, Format::Edn, ModelKind::Kv),
            want,
            "{name} by key"
        );
        if !name.starts_with("c50") {
            assert_eq!(
                verdict_of(&path, Format::Edn, ModelKind::KvWhole),
                want,
                "{name} whole map"
            );
        }
    }
}
