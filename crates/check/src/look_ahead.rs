//! The look-ahead over pending reads: after the search linearizes a write, can every
//! completed read not yet linearized still see what it saw?
//!
//! A read can, when the model says so from the new state ([`Model::may_reach`]), or
//! when a resetting operation that could explain it ([`Model::may_reach_after`]) is
//! still to be linearized and was invoked before the read returned (so it may come
//! first). Which resets could explain which read never changes during a search, so it
//! is worked out once, here; a step then visits only the reads still pending (a linked
//! list, unlinked and relinked as the search linearizes and backtracks) and, for each,
//! asks the model one question about the state and looks up a short list. A step so
//! costs the pending reads, not the whole history, and nothing per resetting operation.
//!
//! When written values are unique, a read that shows the write just linearized (its
//! token, [`Model::shown_tokens`]) saw that write with no reset since: no pending
//! reset may explain it, and it must be reachable from the new state itself. Without
//! this a write pending for a long time (a retried append) is linearized at its
//! earliest point at every level of the search, and only a read much later says no.

use crate::history::Op;
use crate::model::Model;
use std::collections::HashMap;

const NIL: usize = usize::MAX;

/// The completed reads of one partition and what could explain each.
pub(crate) struct LookAhead {
    /// Completed reads (indices into the partition), in order of return.
    reads: Vec<usize>,
    /// For each read (same position), the resetting operations invoked before it
    /// returned that could leave a state it may see.
    explainers: Vec<Vec<usize>>,
    /// Where each operation sits in `reads`, or `NIL`.
    read_slot: Vec<usize>,
    /// For each write, the reads that show its token ([`Model::shown_tokens`]):
    /// once it is linearized they must be reachable without a reset. Empty unless
    /// written values are unique.
    shown_by: Vec<Vec<usize>>,
    /// The pending reads as a doubly linked list over slots `1..=reads.len()` (slot 0 is
    /// the head sentinel; slot `i + 1` is `reads[i]`).
    next: Vec<usize>,
    prev: Vec<usize>,
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
        let explainers = reads
            .iter()
            .map(|&read| explainers_of(model, ops, read, &resets))
            .collect();
        let mut read_slot = vec![NIL; ops.len()];
        for (position, &read) in reads.iter().enumerate() {
            read_slot[read] = position + 1;
        }
        let shown_by = match unique_values {
            true => shown_by(model, ops, &reads),
            false => vec![Vec::new(); ops.len()],
        };
        let slots = reads.len() + 1;
        LookAhead {
            reads,
            explainers,
            read_slot,
            shown_by,
            next: (0..slots)
                .map(|i| if i + 1 < slots { i + 1 } else { NIL })
                .collect(),
            prev: (0..slots)
                .map(|i| if i == 0 { NIL } else { i - 1 })
                .collect(),
            linearized: vec![false; ops.len()],
        }
    }

    /// The search linearized `op`.
    pub(crate) fn linearize(&mut self, op: usize) {
        self.linearized[op] = true;
        let slot = self.read_slot[op];
        if slot != NIL {
            let (p, n) = (self.prev[slot], self.next[slot]);
            self.next[p] = n;
            if n != NIL {
                self.prev[n] = p;
            }
        }
    }

    /// The search took `op` back (the reverse order of [`LookAhead::linearize`]).
    pub(crate) fn unlinearize(&mut self, op: usize) {
        self.linearized[op] = false;
        let slot = self.read_slot[op];
        if slot != NIL {
            let (p, n) = (self.prev[slot], self.next[slot]);
            self.next[p] = slot;
            if n != NIL {
                self.prev[n] = slot;
            }
        }
    }

    /// After linearizing the write `op` into `state`, can every pending read still be
    /// satisfied?
    pub(crate) fn all_reachable<M: Model>(
        &self,
        model: &M,
        ops: &[Op],
        op: usize,
        state: &M::State,
    ) -> bool {
        // A pending read that shows `op`'s token saw it with no reset since.
        let shown = |&read: &usize| self.linearized[read] || model.may_reach(state, &ops[read]);
        if !self.shown_by[op].iter().all(shown) {
            return false;
        }
        let mut slot = self.next[0];
        while slot != NIL {
            let read = self.reads[slot - 1];
            if !model.may_reach(state, &ops[read]) && !self.explained(slot - 1, op) {
                return false;
            }
            slot = self.next[slot];
        }
        true
    }

    /// Whether a reset that could explain the read at `position` is still pending
    /// (other than `op`, which was just linearized).
    fn explained(&self, position: usize, op: usize) -> bool {
        self.explainers[position]
            .iter()
            .any(|&reset| reset != op && !self.linearized[reset])
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

/// The resets among `resets` invoked before `read` returned that could explain it.
fn explainers_of<M: Model>(model: &M, ops: &[Op], read: usize, resets: &[usize]) -> Vec<usize> {
    let returned = ops[read].ret.unwrap_or(usize::MAX);
    resets
        .iter()
        .copied()
        .filter(|&reset| {
            reset != read
                && ops[reset].call <= returned
                && model.may_reach_after(&ops[reset], &ops[read])
        })
        .collect()
}
