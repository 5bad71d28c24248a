//! Refutation at high concurrency: a cas-register history of 20 clients and 10,000
//! operations that is linearizable except for one read of a value nobody ever wrote.
//! Without the reachability look-ahead the search wanders through the interleavings of
//! 20 concurrent operations and runs out of budget; with it, the read that no
//! remaining write or CAS can explain is seen at once. The measure is the search's
//! own step count (deterministic), not time.

use faultline_check::check::check_kind;
use faultline_check::import::{parse, Format};
use faultline_check::models::{CasFail, ModelKind};
use faultline_check::{CheckOptions, Verdict};
use std::fmt::Write;

const CLIENTS: u64 = 20;
const OPERATIONS: usize = 10_000;

/// A splitmix step: the test's own deterministic randomness.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Operations take effect when they complete, so the history is linearizable except
/// for the first read completing at or after operation `poisoned`: it reports 99,
/// which nothing writes.
fn history(poisoned: usize) -> String {
    let mut rng = 7;
    let mut state: Option<u64> = None;
    let mut open: Vec<(u64, &str, u64, u64)> = Vec::new(); // process, f, a, b
    let (mut invoked, mut completed) = (0, 0);
    let mut text = String::new();
    let mut poison_pending = true;
    while completed < OPERATIONS {
        let idle: Vec<u64> = (0..CLIENTS)
            .filter(|p| !open.iter().any(|o| o.0 == *p))
            .collect();
        if invoked < OPERATIONS
            && !idle.is_empty()
            && (open.is_empty() || next(&mut rng).is_multiple_of(2))
        {
            let process = idle[(next(&mut rng) % idle.len() as u64) as usize];
            let (a, b) = (next(&mut rng) % 5, next(&mut rng) % 5);
            let (f, value) = match next(&mut rng) % 10 {
                0..=3 => ("read", "null".to_string()),
                4..=6 => ("write", a.to_string()),
                _ => ("cas", format!("[{a},{b}]")),
            };
            let _ = writeln!(
                text,
                r#"{{"process":{process},"type":"invoke","f":"{f}","value":{value}}}"#
            );
            open.push((process, f, a, b));
            invoked += 1;
            continue;
        }
        let (process, f, a, b) = open.remove((next(&mut rng) % open.len() as u64) as usize);
        let line = match f {
            "read" => {
                let poison = poison_pending && completed >= poisoned;
                poison_pending &= !poison;
                let seen = if poison { Some(99) } else { state };
                let seen = seen.map_or("null".to_string(), |v| v.to_string());
                format!(r#"{{"process":{process},"type":"ok","f":"read","value":{seen}}}"#)
            }
            "write" => {
                state = Some(a);
                format!(r#"{{"process":{process},"type":"ok","f":"write","value":{a}}}"#)
            }
            _ if state == Some(a) => {
                state = Some(b);
                format!(r#"{{"process":{process},"type":"ok","f":"cas","value":[{a},{b}]}}"#)
            }
            _ => format!(r#"{{"process":{process},"type":"fail","f":"cas","value":[{a},{b}]}}"#),
        };
        let _ = writeln!(text, "{line}");
        completed += 1;
    }
    text
}

#[test]
fn one_impossible_read_among_twenty_clients_is_refuted_at_once() {
    let text = history(5_000);
    assert_eq!(
        text.matches(r#""value":99"#).count(),
        1,
        "one read was poisoned"
    );
    let parsed = parse(&text, Format::detect(&text)).unwrap();
    let model = ModelKind::CasRegister(CasFail::Knossos);
    let report = check_kind(&parsed, model, &CheckOptions::default());
    assert_eq!(report.verdict, Verdict::NotLinearizable);
    let steps: u64 = report.partitions.iter().map(|p| p.steps).sum();
    assert!(steps < 1_000, "refuted in {steps} steps");
    let blamed = report.counterexample.unwrap().op;
    assert_eq!(
        blamed.output.to_string(),
        "99",
        "the impossible read is blamed"
    );
}
