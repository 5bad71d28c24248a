//! The look-ahead over pending reads: after the search linearizes a write, can every
//! completed read not yet linearized still see what it saw?
//!
//! A read can, when the model says so from the new state ([`Model::may_reach`]), or
//! when a resetting operation that could explain it ([`Model::may_reach_after`]) is
//! still to be linearized and was invoked before the read returned (so it may come
//! first). Which resets could explain which read never changes during a search, so it
//! is worked out once, here, each read against only the resets around it (a reset
//! that replaces the state, [`Model::reset_replaces_state`], hides the ones that
//! certainly came before it). A pending read with a pending explainer needs no
//! question about the state; a step visits only the exposed reads, those whose every
//! explainer is linearized (a linked list, changed as the search linearizes and
//! backtracks), and the reads the write just linearized was the last explainer of. A
//! step so costs the reads near the search's frontier, not every read still to come:
//! an hour-long run's history (26,000 operations on three keys) checks in 18 ms
//! instead of 220. A step asks about at most `READS_ASKED_MAX` reads of each kind,
//! the nearest first: asking about fewer prunes less, never wrongly.
//!
//! When written values are unique, a read that shows the write just linearized (its
//! token, [`Model::shown_tokens`]) saw that write with no reset since: no pending
//! reset may explain it, and it must be reachable from the new state itself. Without
//! this a write pending for a long time (a retried append) is linearized at its
//! earliest point at every level of the search, and only a read much later says no.

use crate::history::Op;
use crate::links::{Links, NIL};
use crate::model::Model;
use std::collections::{BTreeSet, HashMap};

/// How many reads of each kind a step asks the model about at most, the nearest
/// first. Asking about fewer only prunes less, never wrongly: a read left out is
/// still checked when the search reaches its return. Without a bound an append-only
/// key, where every later read shows every earlier write and nothing explains any
/// read but the state, asked about every read still to come at every step, each
/// question comparing strings as long as the history: 20,000 operations took 227 s.
const READS_ASKED_MAX: usize = 32;

/// The completed reads of one partition and what could explain each.
pub(crate) struct LookAhead {
    /// Completed reads (indices into the partition), in order of return.
    reads: Vec<usize>,
    /// For each read (same position), the resetting operations that could be the
    /// last before it and leave a state it may see.
    explainers: Vec<Vec<usize>>,
    /// For each operation, the positions of the reads it could explain.
    explains: Vec<Vec<usize>>,
    /// For each read position, how many of its explainers are not linearized.
    unexplained_by: Vec<usize>,
    /// Where each operation sits in `reads` plus one (its slot), or `NIL`.
    read_slot: Vec<usize>,
    /// For each write, the reads that show its token ([`Model::shown_tokens`]):
    /// once it is linearized they must be reachable without a reset. Empty unless
    /// written values are unique.
    shown_by: Vec<Vec<usize>>,
    /// The exposed reads: pending, with every explainer linearized, so only the
    /// state can still satisfy them. A doubly linked list over slots
    /// `1..=reads.len()` (slot 0 is the head sentinel; slot `i + 1` is `reads[i]`),
    /// changed as the search linearizes and backtracks and undone in reverse order.
    exposed: Links,
    linearized: Vec<bool>,
}

impl LookAhead {
    /// Prepares the look-ahead for `ops` under `model`; `unique_values` says that no
    /// two writes wrote the same value, so a read showing a value saw its one write.
    pub(crate) fn new<M: Model>(model: &M, ops: &[Op], unique_values: bool) -> LookAhead {
        let mut reads: Vec<usize> = (0..ops.len())
            .filter(|&i| ops[i].ret.is_some() && model.is_read_only(&ops[i]))
            .collect();
        reads.sort_by_key(|&i| ops[i].ret);
        let resets: Vec<usize> = (0..ops.len()).filter(|&i| model.resets(&ops[i])).collect();
        let explainers = explainers(model, ops, &reads, &resets);
        let mut explains = vec![Vec::new(); ops.len()];
        for (position, resets) in explainers.iter().enumerate() {
            for &reset in resets {
                explains[reset].push(position);
            }
        }
        let mut read_slot = vec![NIL; ops.len()];
        for (position, &read) in reads.iter().enumerate() {
            read_slot[read] = position + 1;
        }
        let shown_by = match unique_values {
            true => shown_by(model, ops, &reads),
            false => vec![Vec::new(); ops.len()],
        };
        let slots = reads.len() + 1;
        let mut ahead = LookAhead {
            unexplained_by: explainers.iter().map(Vec::len).collect(),
            reads,
            explainers,
            explains,
            read_slot,
            shown_by,
            exposed: Links::unlinked(slots),
            linearized: vec![false; ops.len()],
        };
        for position in (0..ahead.reads.len()).rev() {
            if ahead.unexplained_by[position] == 0 {
                ahead.exposed.insert_after(0, position + 1);
            }
        }
        ahead
    }

    /// The search linearized `op`.
    pub(crate) fn linearize(&mut self, op: usize) {
        self.linearized[op] = true;
        let slot = self.read_slot[op];
        if slot != NIL && self.unexplained_by[slot - 1] == 0 {
            self.exposed.unlink(slot);
        }
        for i in 0..self.explains[op].len() {
            let position = self.explains[op][i];
            self.unexplained_by[position] -= 1;
            if self.unexplained_by[position] == 0 && !self.linearized[self.reads[position]] {
                self.exposed.insert_after(0, position + 1);
            }
        }
    }

    /// The search took `op` back (the reverse of [`LookAhead::linearize`], in the
    /// reverse order of linearizing).
    pub(crate) fn unlinearize(&mut self, op: usize) {
        for i in (0..self.explains[op].len()).rev() {
            let position = self.explains[op][i];
            if self.unexplained_by[position] == 0 && !self.linearized[self.reads[position]] {
                self.exposed.unlink(position + 1);
            }
            self.unexplained_by[position] += 1;
        }
        self.linearized[op] = false;
        let slot = self.read_slot[op];
        if slot != NIL && self.unexplained_by[slot - 1] == 0 {
            self.exposed.relink(slot);
        }
    }

    /// After linearizing the write `op` into `state`, can every pending read still be
    /// satisfied? One is when the state may reach what it saw, or a reset other than
    /// `op` that could explain it is still pending: only the exposed reads, and those
    /// `op` was the last pending explainer of, are asked about the state.
    pub(crate) fn all_reachable<M: Model>(
        &self,
        model: &M,
        ops: &[Op],
        op: usize,
        state: &M::State,
    ) -> bool {
        let reachable = |read: usize| model.may_reach(state, &ops[read]);
        // A pending read that shows `op`'s token saw it with no reset since.
        let showing = self.shown_by[op].iter().copied();
        // The reads `op` was the last pending explainer of.
        let only_by_op = self.explains[op]
            .iter()
            .filter(|&&position| self.unexplained_by[position] == 1)
            .map(|&position| self.reads[position]);
        let mut asked = showing
            .filter(|&read| !self.linearized[read])
            .take(READS_ASKED_MAX)
            .chain(
                only_by_op
                    .filter(|&read| !self.linearized[read])
                    .take(READS_ASKED_MAX),
            )
            .chain(self.exposed_reads().take(READS_ASKED_MAX));
        asked.all(reachable)
    }

    /// The exposed reads, most recently exposed first (all pending).
    fn exposed_reads(&self) -> impl Iterator<Item = usize> + '_ {
        let first = self.exposed.next[0];
        std::iter::successors((first != NIL).then_some(first), |&slot| {
            let next = self.exposed.next[slot];
            (next != NIL).then_some(next)
        })
        .map(|slot| self.reads[slot - 1])
    }
}

/// For each operation, the completed reads among `reads` whose result shows the
/// token it wrote.
fn shown_by<M: Model>(model: &M, ops: &[Op], reads: &[usize]) -> Vec<Vec<usize>> {
    let writer: HashMap<&str, usize> = (0..ops.len())
        .filter_map(|i| model.written_token(&ops[i]).map(|token| (token, i)))
        .collect();
    let mut shown_by = vec![Vec::new(); ops.len()];
    for &read in reads {
        for token in model.shown_tokens(&ops[read]) {
            if let Some(&write) = writer.get(token) {
                shown_by[write].push(read);
            }
        }
    }
    shown_by
}

/// A completed read nothing can explain: no reset invoked before it returned could
/// leave what it saw, and the initial state does not hold it either. Such a read
/// refutes the history by itself, and is the operation to blame.
pub(crate) fn unexplainable_read<M: Model>(model: &M, ops: &[Op]) -> Option<usize> {
    let ahead = LookAhead::new(model, ops, false);
    let initial = model.init();
    ahead
        .reads
        .iter()
        .zip(&ahead.explainers)
        .find(|(&read, explainers)| explainers.is_empty() && !model.may_reach(&initial, &ops[read]))
        .map(|(&read, _)| read)
}

/// For each read of `reads` (in order of return), the resets that could be the last
/// one before it and leave what it saw.
///
/// A reset is a candidate when it was invoked before the read returned, unless a
/// reset that replaces the whole state ([`Model::reset_replaces_state`]) certainly
/// falls between them: one invoked after it returned and returned before the read
/// was invoked. That one is linearized after it and hides it. Only resets that
/// returned no earlier than the latest invocation among such replacing resets
/// completed before the read began are left, which in a long history are the few
/// around the read (and any still pending at the end): comparing every read with
/// every reset made the look-ahead's set-up quadratic.
fn explainers<M: Model>(
    model: &M,
    ops: &[Op],
    reads: &[usize],
    resets: &[usize],
) -> Vec<Vec<usize>> {
    let replacing: Vec<usize> = resets
        .iter()
        .copied()
        .filter(|&reset| model.reset_replaces_state(&ops[reset]))
        .collect();
    let latest_call_before = LatestCallBefore::new(ops, &replacing);
    let mut by_call = resets.to_vec();
    by_call.sort_by_key(|&reset| ops[reset].call);
    let mut by_call = by_call.into_iter().peekable();
    // Resets invoked before the read being looked at returned, by (return, index).
    let mut invoked = BTreeSet::new();
    let mut candidates = |read: usize| {
        let returned = ops[read].ret.expect("a completed read");
        while let Some(reset) = by_call.next_if(|&reset| ops[reset].call <= returned) {
            invoked.insert((ops[reset].ret.unwrap_or(usize::MAX), reset));
        }
        let floor = latest_call_before.at(ops[read].call);
        invoked
            .range((floor, 0)..)
            .map(|&(_, reset)| reset)
            .filter(|&reset| reset != read && model.may_reach_after(&ops[reset], &ops[read]))
            .collect()
    };
    debug_assert!(reads.windows(2).all(|w| ops[w[0]].ret <= ops[w[1]].ret));
    reads.iter().map(|&read| candidates(read)).collect()
}

/// The latest invocation among the (replacing) resets that returned before a given
/// moment.
struct LatestCallBefore {
    /// Completed resets' returns, ascending.
    returns: Vec<usize>,
    /// The latest invocation among the first `i + 1` of them.
    latest_call: Vec<usize>,
}

impl LatestCallBefore {
    fn new(ops: &[Op], resets: &[usize]) -> LatestCallBefore {
        let mut completed: Vec<(usize, usize)> = resets
            .iter()
            .filter_map(|&reset| ops[reset].ret.map(|ret| (ret, ops[reset].call)))
            .collect();
        completed.sort_unstable();
        let latest_call = completed
            .iter()
            .scan(0, |latest, &(_, call)| {
                *latest = call.max(*latest);
                Some(*latest)
            })
            .collect();
        LatestCallBefore {
            returns: completed.iter().map(|&(ret, _)| ret).collect(),
            latest_call,
        }
    }

    /// The latest invocation among resets that returned before `moment`; 0 if none.
    fn at(&self, moment: usize) -> usize {
        match self.returns.partition_point(|&ret| ret < moment) {
            0 => 0,
            n => self.latest_call[n - 1],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{Func, Status};
    use crate::models::kv::Kv;
    use crate::models::text::Text;
    use crate::value::Val;

    /// Whether every pending read of `ops` can still be satisfied once `op` left
    /// the key holding `state`.
    fn reachable(ahead: &LookAhead, ops: &[Op], op: usize, state: &str) -> bool {
        ahead.all_reachable(&Kv, ops, op, &Text::new(state))
    }

    /// A kv operation on one key, invoked at event `call` and returned at `ret`.
    fn op(id: usize, f: Func, value: &str, call: usize, ret: usize) -> Op {
        let (input, output) = match f {
            Func::Get => (Val::Nil, Val::Str(value.into())),
            _ => (Val::Str(value.into()), Val::Nil),
        };
        Op {
            id,
            process: id as u64,
            f,
            key: Some("k".into()),
            input,
            output,
            status: Status::Ok,
            call,
            ret: Some(ret),
            line: 0,
        }
    }

    #[test]
    fn a_read_explained_by_a_pending_reset_is_not_asked_about_the_state() {
        // Two puts of "x" could each be the last before the read of "x".
        let ops = [
            op(0, Func::Put, "x", 0, 5),
            op(1, Func::Put, "x", 1, 6),
            op(2, Func::Append, "y", 2, 7),
            op(3, Func::Get, "x", 8, 9),
        ];
        let mut ahead = LookAhead::new(&Kv, &ops, false);
        assert!(reachable(&ahead, &ops, 2, "y"));
        ahead.linearize(2);
        assert!(reachable(&ahead, &ops, 0, "x"), "put 1 pending");
        ahead.linearize(0);
        assert!(reachable(&ahead, &ops, 1, "x"));
    }

    #[test]
    fn a_read_is_exposed_once_its_resets_are_linearized_and_hidden_again_on_backtrack() {
        let ops = [
            op(0, Func::Put, "x", 0, 1),
            op(1, Func::Append, "y", 2, 3),
            op(2, Func::Get, "x", 4, 5),
        ];
        let mut ahead = LookAhead::new(&Kv, &ops, false);
        assert!(reachable(&ahead, &ops, 1, "y"), "put pending");
        ahead.linearize(0);
        assert!(!reachable(&ahead, &ops, 1, "xy"), "exposed");
        ahead.unlinearize(0);
        assert!(reachable(&ahead, &ops, 1, "y"), "hidden again");
        // Linearizing the read's one explainer leaves only the state to satisfy it.
        assert!(!reachable(&ahead, &ops, 0, "z"));
        assert!(reachable(&ahead, &ops, 0, "x"));
    }

    #[test]
    fn a_step_asks_about_the_nearest_reads_and_the_search_still_finds_a_far_one() {
        let reads = READS_ASKED_MAX + 8;
        let mut ops = vec![op(0, Func::Append, "x", 0, 1)];
        ops.extend((1..=reads).map(|i| op(i, Func::Get, "x", 2 * i, 2 * i + 1)));
        ops.push(op(reads + 1, Func::Get, "z", 2 * reads + 2, 2 * reads + 3));
        let ahead = LookAhead::new(&Kv, &ops, false);
        assert!(
            reachable(&ahead, &ops, 0, "x"),
            "the read of z is beyond the reads a step asks about"
        );
        let mut history = crate::history::History::new();
        for op in &ops {
            let key = Some("k".to_string());
            history.invoke(0, op.f, key, op.input.clone(), 0).unwrap();
            history
                .complete(0, Status::Ok, op.output.clone(), 0)
                .unwrap();
        }
        let report = crate::check::check(&history, &Kv, &Default::default());
        assert_eq!(report.verdict, crate::check::Verdict::NotLinearizable);
    }

    #[test]
    fn a_put_certainly_in_between_hides_an_earlier_one() {
        // The put of "a" returned before the put of "b" began, which returned before
        // the read began: "a" cannot show through, and nothing explains the read.
        let ops = [
            op(0, Func::Put, "a", 0, 1),
            op(1, Func::Put, "b", 2, 3),
            op(2, Func::Get, "a", 4, 5),
        ];
        assert_eq!(
            explainers(&Kv, &ops, &[2], &[0, 1]),
            vec![Vec::<usize>::new()]
        );
        let overlapping = [
            op(0, Func::Put, "a", 0, 3),
            op(1, Func::Put, "b", 2, 4),
            op(2, Func::Get, "a", 5, 6),
        ];
        assert_eq!(explainers(&Kv, &overlapping, &[2], &[0, 1]), vec![vec![0]]);
    }
}
