//! The checker against a brute-force oracle on thousands of small random histories.
//!
//! The search prunes hard (memo, reads linearized at once, identical crashed ops in
//! invocation order, look-ahead over pending reads, unobserved crashed writes). Each
//! of those is only sound under an argument; this test makes the argument fail loudly
//! if it is wrong. The oracle tries every order of every subset of crashed operations,
//! with no pruning at all, on histories of up to eight operations. Histories come
//! from a simulated atomic object (so many are linearizable), and a quarter get one
//! completion corrupted (so many are not). The streaming check ([`check_stream`]) must
//! give the same verdicts.

use faultline_check::check::check;
use faultline_check::model::Model;
use faultline_check::models::{CasFail, CasRegister, Kv, KvWhole, Mutex, Register};
use faultline_check::{check_stream, StreamLimits};
use faultline_check::{CheckOptions, Func, History, Op, Status, Val, Verdict};
use std::collections::BTreeMap;

/// A tiny deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Which object the generator simulates.
#[derive(Clone, Copy, PartialEq)]
enum Object {
    Register,
    CasRegister,
    Kv,
    Mutex,
}

/// The simulated object's true state: one value per key.
#[derive(Default)]
struct Truth {
    values: BTreeMap<Option<String>, Val>,
    held: bool,
}

/// An invoked operation not yet completed.
struct Pending {
    f: Func,
    key: Option<String>,
    input: Val,
    /// `Some(output, status)` once it has taken effect (or found it could not).
    outcome: Option<(Val, Status)>,
}

fn random_call(rng: &mut Rng, object: Object, serial: &mut i64, unique: bool) -> Pending {
    let mut value = || {
        *serial += 1;
        if unique {
            *serial
        } else {
            (*serial % 3) + 1
        }
    };
    let (f, key, input) = match object {
        Object::Register => match rng.below(2) {
            0 => (Func::Read, None, Val::Nil),
            _ => (Func::Write, None, Val::Int(value())),
        },
        Object::CasRegister => match rng.below(3) {
            0 => (Func::Read, None, Val::Nil),
            1 => (Func::Write, None, Val::Int(value())),
            _ => {
                let from = Val::Int(rng.below(3) as i64 + 1);
                (
                    Func::Cas,
                    None,
                    Val::Pair(Box::new(from), Box::new(Val::Int(value()))),
                )
            }
        },
        Object::Kv => {
            let key = Some(format!("k{}", rng.below(2)));
            match rng.below(3) {
                0 => (Func::Get, key, Val::Nil),
                1 => (Func::Put, key, Val::Str(format!("<{}>", value()))),
                _ => (Func::Append, key, Val::Str(format!("<{}>", value()))),
            }
        }
        Object::Mutex => match rng.below(2) {
            0 => (Func::Acquire, None, Val::Nil),
            _ => (Func::Release, None, Val::Nil),
        },
    };
    Pending {
        f,
        key,
        input,
        outcome: None,
    }
}

/// Applies `op` to the true object: its output and whether it succeeded.
fn apply(truth: &mut Truth, op: &Pending) -> (Val, Status) {
    let nil = || Val::Nil;
    let current = truth.values.get(&op.key).cloned();
    match op.f {
        Func::Read => (current.unwrap_or(Val::Nil), Status::Ok),
        Func::Get => (
            current.unwrap_or_else(|| Val::Str(String::new())),
            Status::Ok,
        ),
        Func::Write | Func::Put => {
            truth.values.insert(op.key.clone(), op.input.clone());
            (nil(), Status::Ok)
        }
        Func::Append => {
            let old = current.and_then(|v| v.as_str().map(str::to_string));
            let new = format!("{}{}", old.unwrap_or_default(), op.input.as_str().unwrap());
            truth.values.insert(op.key.clone(), Val::Str(new));
            (nil(), Status::Ok)
        }
        Func::Cas => {
            let (from, to) = op.input.pair().unwrap();
            if current.as_ref().unwrap_or(&Val::Nil) == from {
                truth.values.insert(op.key.clone(), to.clone());
                (nil(), Status::Ok)
            } else {
                (nil(), Status::Fail)
            }
        }
        Func::Acquire | Func::Release => {
            let wanted = op.f == Func::Acquire;
            if truth.held != wanted {
                truth.held = wanted;
                (nil(), Status::Ok)
            } else {
                (nil(), Status::Fail)
            }
        }
        Func::Txn | Func::Other(_) => {
            unreachable!("only single-object operations are generated, not {}", op.f)
        }
    }
}

/// A random history of `ops_max` operations or fewer over `processes` processes.
fn random_history(rng: &mut Rng, object: Object, unique: bool) -> History {
    let processes = 2 + rng.below(2);
    let ops_max = 4 + rng.below(5) as usize;
    let mut truth = Truth::default();
    let mut pending: BTreeMap<u64, Pending> = BTreeMap::new();
    let mut history = History::new();
    let mut serial = 0;
    let mut invoked = 0;
    let mut corrupt = rng.chance(25);
    let mut next_process = processes;
    let mut live: Vec<u64> = (0..processes).collect();
    while invoked < ops_max || !pending.is_empty() {
        let slot = rng.below(live.len() as u64) as usize;
        let process = live[slot];
        let Some(op) = pending.get_mut(&process) else {
            if invoked < ops_max {
                let call = random_call(rng, object, &mut serial, unique);
                history
                    .invoke(process, call.f, call.key.clone(), call.input.clone(), 0)
                    .unwrap();
                pending.insert(process, call);
                invoked += 1;
            }
            continue;
        };
        if op.outcome.is_none() {
            // A crash before taking effect: the operation never happened.
            if rng.chance(10) {
                op.outcome = Some((Val::Nil, Status::Info));
            } else {
                op.outcome = Some(apply(&mut truth, op));
            }
            continue;
        }
        let op = pending.remove(&process).unwrap();
        let (mut output, mut status) = op.outcome.unwrap();
        if rng.chance(15) {
            status = Status::Info; // crashed after taking effect, or before
        }
        if corrupt && status == Status::Ok && matches!(op.f, Func::Read | Func::Get) {
            output = match object {
                Object::Kv => Val::Str(format!("<{}>", rng.below(4))),
                _ => Val::Int(rng.below(4) as i64),
            };
            corrupt = false;
        } else if corrupt && status == Status::Fail && rng.chance(50) {
            status = Status::Ok;
            corrupt = false;
        }
        if status == Status::Info {
            output = Val::Nil;
            // Jepsen gives a crashed process a new id.
            live[slot] = next_process;
            next_process += 1;
        }
        history.complete(process, status, output, 0).unwrap();
    }
    history
}

/// True if some order of the included operations (every completed one, any subset of
/// the crashed ones) respects real time and the model.
fn brute_force<M: Model>(model: &M, history: &History) -> bool {
    let ops: Vec<&Op> = history.ops.iter().filter(|o| model.includes(o)).collect();
    let mut done = vec![false; ops.len()];
    orders(model, &ops, &mut done, &model.init())
}

fn orders<M: Model>(model: &M, ops: &[&Op], done: &mut [bool], state: &M::State) -> bool {
    let all_completed = ops
        .iter()
        .zip(done.iter())
        .all(|(op, d)| *d || op.ret.is_none());
    if all_completed {
        return true;
    }
    for i in 0..ops.len() {
        if done[i] || !may_go_next(ops, done, i) {
            continue;
        }
        let Some(next) = model.step(state, ops[i]) else {
            continue;
        };
        done[i] = true;
        let found = orders(model, ops, done, &next);
        done[i] = false;
        if found {
            return true;
        }
    }
    false
}

/// Operation `i` may come next if every operation that returned before `i` was
/// invoked is already placed.
fn may_go_next(ops: &[&Op], done: &[bool], i: usize) -> bool {
    ops.iter()
        .zip(done.iter())
        .all(|(other, d)| *d || other.ret.is_none_or(|r| r > ops[i].call))
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok()?.parse().ok()
}

fn verdict_of(linearizable: bool) -> Verdict {
    if linearizable {
        Verdict::Linearizable
    } else {
        Verdict::NotLinearizable
    }
}

/// Checks `model` on `count` random histories of `object` against the oracle (run
/// with `oracle`, which may differ: the whole-map model for key-by-key kv).
fn agree<M: Model, O: Model>(object: Object, model: &M, oracle: &O, seed: u64, unique: bool) {
    // FAULTLINE_BRUTE_CASES and FAULTLINE_BRUTE_SEED widen the search when hunting bugs.
    let cases: usize = env_number("FAULTLINE_BRUTE_CASES").unwrap_or(3_000) as usize;
    let salt = env_number("FAULTLINE_BRUTE_SEED").unwrap_or(0);
    let mut rng = Rng(seed ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut seen = [0usize; 2];
    let options = CheckOptions {
        prune_unobserved_writes: unique,
        ..CheckOptions::default()
    };
    for case in 0..cases {
        let history = random_history(&mut rng, object, unique);
        let want = verdict_of(brute_force(oracle, &history));
        let report = check(&history, model, &options);
        assert_eq!(
            report.verdict,
            want,
            "case {case} ({}): {:#?}\n{report}",
            model.name(),
            history.ops
        );
        let streamed = check_stream(&history, model, StreamLimits::default()).unwrap();
        assert_eq!(
            streamed.verdict,
            want,
            "case {case} as a stream ({}): {:#?}\n{streamed}",
            model.name(),
            history.ops
        );
        if let Some(v) = &streamed.violation {
            assert!(
                v.op.ret.is_some(),
                "blames a completed operation: {streamed}"
            );
            assert!(!v.states_before.is_empty(), "{streamed}");
        }
        if let Some(c) = &report.counterexample {
            assert!(c.op.ret.is_some(), "blames a completed operation: {report}");
            assert!(!c.states_before.is_empty(), "{report}");
        }
        seen[usize::from(want == Verdict::Linearizable)] += 1;
    }
    assert!(
        seen[0] > cases / 15 && seen[1] > cases / 15,
        "both verdicts are exercised: {seen:?}"
    );
}

#[test]
fn register_agrees_with_brute_force() {
    agree(Object::Register, &Register, &Register, 1, false);
}

#[test]
fn register_with_pruning_agrees_with_brute_force_when_values_are_unique() {
    agree(Object::Register, &Register, &Register, 2, true);
}

#[test]
fn cas_register_agrees_with_brute_force_in_both_readings() {
    for cas_fail in [CasFail::Knossos, CasFail::Etcd] {
        let model = CasRegister { cas_fail };
        agree(Object::CasRegister, &model, &model, 3, false);
    }
}

#[test]
fn cas_register_with_pruning_agrees_when_values_are_unique() {
    let model = CasRegister {
        cas_fail: CasFail::Knossos,
    };
    agree(Object::CasRegister, &model, &model, 4, true);
}

#[test]
fn kv_by_key_agrees_with_brute_force_over_the_whole_map() {
    agree(Object::Kv, &Kv, &KvWhole, 5, false);
    agree(Object::Kv, &KvWhole, &KvWhole, 6, false);
}

#[test]
fn kv_with_pruning_agrees_when_values_are_unique() {
    agree(Object::Kv, &Kv, &KvWhole, 7, true);
}

#[test]
fn mutex_agrees_with_brute_force() {
    agree(Object::Mutex, &Mutex, &Mutex, 8, false);
}
