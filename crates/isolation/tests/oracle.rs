//! The checker against brute force on 10,000 small random list-append
//! histories. A history is serializable exactly when some order of its transactions,
//! run one at a time, gives every read what it saw; with a handful of transactions
//! every order can be tried. Histories come from a random serial run, half of them
//! with one read cut short (a stale read) or its transaction's appends reordered;
//! a final transaction reads every key, so every append is observed.
//!
//! The checker must never call a serializable history invalid (soundness) and must
//! find every one that is not (with every append observed, the inferred version order
//! is the real one and a cycle-free dependency graph means serializable).

use faultline_isolation::{check, Consistency, Mop, Status, Txn, TxnHistory, TxnModel};
use rand_chacha::rand_core::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

const HISTORIES: u64 = 10_000;
const KEYS: [&str; 2] = ["x", "y"];

fn below(rng: &mut ChaCha8Rng, bound: u64) -> u64 {
    rng.next_u64() % bound
}

/// Transactions' operations with reads filled from a serial run in index order.
fn serial_run(rng: &mut ChaCha8Rng) -> Vec<Vec<Mop>> {
    let txns = 2 + below(rng, 4) as usize;
    let mut state: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut next_value = 1;
    let mut run = Vec::new();
    for _ in 0..txns {
        let mut mops = Vec::new();
        for _ in 0..1 + below(rng, 3) {
            let key = KEYS[below(rng, KEYS.len() as u64) as usize];
            if below(rng, 2) == 0 {
                let value = next_value.to_string();
                next_value += 1;
                state.entry(key).or_default().push(value.clone());
                mops.push(Mop::Append {
                    key: key.into(),
                    value,
                });
            } else {
                let values = state.get(key).cloned().unwrap_or_default();
                mops.push(Mop::ReadList {
                    key: key.into(),
                    values: Some(values),
                });
            }
        }
        run.push(mops);
    }
    run.push(
        KEYS.iter()
            .map(|k| Mop::ReadList {
                key: k.to_string(),
                values: Some(state.get(k).cloned().unwrap_or_default()),
            })
            .collect(),
    );
    run
}

/// Cuts one read short, or swaps two of a transaction's operations.
fn perturb(rng: &mut ChaCha8Rng, run: &mut [Vec<Mop>]) {
    let last = run.len() - 1; // the final reads stay true
    let txn = below(rng, last as u64) as usize;
    let mops = &mut run[txn];
    if below(rng, 2) == 0 && mops.len() > 1 {
        let a = below(rng, mops.len() as u64) as usize;
        let b = below(rng, mops.len() as u64) as usize;
        mops.swap(a, b);
        return;
    }
    for mop in mops.iter_mut() {
        if let Mop::ReadList {
            values: Some(values),
            ..
        } = mop
        {
            if !values.is_empty() {
                let keep = below(rng, values.len() as u64) as usize;
                values.truncate(keep);
                return;
            }
        }
    }
}

/// Every transaction invoked before any completes: real time orders nothing.
fn concurrent_history(run: Vec<Vec<Mop>>) -> TxnHistory {
    let n = run.len();
    let txns = run
        .into_iter()
        .enumerate()
        .map(|(id, mops)| Txn {
            id,
            process: id as u64,
            status: Status::Ok,
            mops,
            invoke_index: id,
            complete_index: Some(n + id),
            line: 0,
        })
        .collect();
    TxnHistory { txns }
}

/// Whether the transactions run one at a time in order `order` give every read what it saw.
fn explains(history: &TxnHistory, order: &[usize]) -> bool {
    let mut state: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for &t in order {
        for mop in &history.txns[t].mops {
            match mop {
                Mop::Append { key, value } => state.entry(key).or_default().push(value.clone()),
                Mop::ReadList {
                    key,
                    values: Some(values),
                } if state
                    .get(key.as_str())
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                    != values.as_slice() =>
                {
                    return false;
                }
                _ => {}
            }
        }
    }
    true
}

fn serializable_by_brute_force(history: &TxnHistory) -> bool {
    fn permute(history: &TxnHistory, order: &mut Vec<usize>, used: &mut Vec<bool>) -> bool {
        if order.len() == used.len() {
            return explains(history, order);
        }
        for t in 0..used.len() {
            if !used[t] {
                used[t] = true;
                order.push(t);
                if permute(history, order, used) {
                    return true;
                }
                order.pop();
                used[t] = false;
            }
        }
        false
    }
    let n = history.txns.len();
    permute(history, &mut Vec::with_capacity(n), &mut vec![false; n])
}

#[test]
fn the_checker_agrees_with_brute_force_on_small_random_histories() {
    let mut rng = ChaCha8Rng::seed_from_u64(20261202);
    let (mut serializable, mut not) = (0, 0);
    for case in 0..HISTORIES {
        let mut run = serial_run(&mut rng);
        if below(&mut rng, 2) == 0 {
            perturb(&mut rng, &mut run);
        }
        let history = concurrent_history(run);
        let truth = serializable_by_brute_force(&history);
        let report = check(&history, TxnModel::ListAppend, Consistency::Serializable);
        let shown: Vec<String> = history.txns.iter().map(|t| t.to_string()).collect();
        assert_eq!(
            report.valid,
            truth,
            "case {case}: brute force says {truth}\n{}\n{report}",
            shown.join("\n")
        );
        if truth {
            serializable += 1
        } else {
            not += 1
        }
    }
    assert!(
        serializable > HISTORIES / 4 && not > HISTORIES / 10,
        "{serializable} / {not}: both kinds tried"
    );
}
