//! Checks a run's transactions for the isolation its protocol promises
//! (`Protocol::isolation`), with the `faultline-isolation` checker (which knows
//! nothing of the simulator): the harness property `isolation`.
//!
//! A failure's detail names the first forbidden anomaly as Elle does, how many of
//! each kind were found, and explains it in words on one line: each edge of a cycle
//! (`T3 < T7 because T7 read the append of 5 to 2 that T3 made`) and the
//! transactions involved, with the line of the history file `run --history` writes.

use faultline_api::transactions::Isolation;
use faultline_isolation::{check, IsolationReport, TxnHistory};

/// What the isolation check concluded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IsolationVerdict {
    /// No forbidden anomaly; what was checked, in words.
    Valid { checked: String },
    /// A forbidden anomaly, explained.
    Invalid { detail: String },
    /// The protocol's transactions could not be read.
    Malformed { detail: String },
}

/// Checks `transactions` (or the reason they could not be read) against `isolation`.
pub fn check_transactions(
    isolation: Isolation,
    transactions: Result<TxnHistory, String>,
) -> IsolationVerdict {
    let history = match transactions {
        Ok(history) => history,
        Err(message) => {
            return IsolationVerdict::Malformed {
                detail: format!("malformed transactional history: {message}"),
            }
        }
    };
    let report = check(&history, isolation.model, isolation.consistency);
    if report.valid {
        return IsolationVerdict::Valid {
            checked: checked(&report),
        };
    }
    IsolationVerdict::Invalid {
        detail: detail(&history, &report),
    }
}

/// `strict-serializable of 160 list-append transactions (141 committed, 19 aborted,
/// 0 unknown): no anomalies` (or the allowed ones found).
fn checked(report: &IsolationReport) -> String {
    let found = if report.found.is_empty() {
        "no anomalies".to_string()
    } else {
        format!("allowed anomalies {}", counts(report))
    };
    format!(
        "{} of {} {} transactions ({} committed, {} aborted, {} unknown): {found}",
        report.consistency,
        report.txns,
        report.model,
        report.committed,
        report.aborted,
        report.unknown
    )
}

/// `G2 1, G-single 3`: how many of each anomaly kind the check found.
fn counts(report: &IsolationReport) -> String {
    let kinds = report
        .found
        .iter()
        .map(|(kind, n)| format!("{} {n}", kind.name()));
    kinds.collect::<Vec<_>>().join(", ")
}

/// The first forbidden anomaly, counted and explained on one line.
fn detail(history: &TxnHistory, report: &IsolationReport) -> String {
    let mut text = format!(
        "{} transactions show {}, which {} forbids (found: {})",
        report.model,
        report
            .forbidden
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(", "),
        report.consistency,
        counts(report)
    );
    let first = report
        .anomalies
        .iter()
        .find(|a| report.forbidden.contains(&a.kind));
    if let Some(anomaly) = first {
        let mut lines: Vec<String> = anomaly
            .explanation
            .iter()
            .map(|line| line.trim().trim_end_matches(':').to_string())
            .collect();
        if anomaly.explanation.len() == 1 {
            // Not a cycle: the one line names the transactions; show what they did.
            lines.extend(anomaly.txns.iter().map(|t| history.txns[*t].to_string()));
        }
        text += &format!("; {}: {}", anomaly.kind.name(), lines.join("; "));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_api::transactions::{Consistency, TxnModel};
    use faultline_isolation::parse_edn;

    const WRITE_SKEW: &str = "\
{:process 0, :type :invoke, :f :txn, :value [[:append x 1] [:r y nil]]}
{:process 1, :type :invoke, :f :txn, :value [[:append y 2] [:r x nil]]}
{:process 0, :type :ok, :f :txn, :value [[:append x 1] [:r y []]]}
{:process 1, :type :ok, :f :txn, :value [[:append y 2] [:r x []]]}
";

    fn isolation(consistency: Consistency) -> Isolation {
        Isolation {
            model: TxnModel::ListAppend,
            consistency,
        }
    }

    #[test]
    fn write_skew_fails_serializability_with_its_cycle_in_words() {
        let history = parse_edn(WRITE_SKEW, TxnModel::ListAppend).expect("parses");
        let verdict = check_transactions(isolation(Consistency::Serializable), Ok(history));
        let IsolationVerdict::Invalid { detail } = verdict else {
            panic!("{verdict:?}");
        };
        assert!(
            detail.contains("show G2, which serializable forbids"),
            "{detail}"
        );
        assert!(
            detail.contains("T0 < T1 because T0 read y empty"),
            "{detail}"
        );
        assert!(detail.contains("T1 (process 1, line 2)"), "{detail}");
    }

    #[test]
    fn write_skew_is_allowed_under_snapshot_isolation() {
        let history = parse_edn(WRITE_SKEW, TxnModel::ListAppend).expect("parses");
        let verdict = check_transactions(isolation(Consistency::SnapshotIsolation), Ok(history));
        let IsolationVerdict::Valid { checked } = verdict else {
            panic!("{verdict:?}");
        };
        assert!(checked.contains("allowed anomalies G2 1"), "{checked}");
        let malformed = check_transactions(isolation(Consistency::Serializable), Err("x".into()));
        assert!(matches!(malformed, IsolationVerdict::Malformed { .. }));
    }
}
