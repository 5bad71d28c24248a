//! The dependency graph between transactions: edges typed ww, wr, rw or rt, each with
//! the reason it exists, so a cycle can be explained in words.

use std::collections::HashMap;

/// Why one transaction must come before another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeKind {
    /// The later one wrote (or appended) the next version after the earlier one's.
    Ww,
    /// The later one read what the earlier one wrote.
    Wr,
    /// The earlier one read a version the later one replaced.
    Rw,
    /// The earlier one completed before the later one was invoked.
    Rt,
}

impl EdgeKind {
    pub const ALL: [EdgeKind; 4] = [EdgeKind::Ww, EdgeKind::Wr, EdgeKind::Rw, EdgeKind::Rt];

    pub fn bit(self) -> u8 {
        1 << self as u8
    }

    pub fn name(self) -> &'static str {
        match self {
            EdgeKind::Ww => "ww",
            EdgeKind::Wr => "wr",
            EdgeKind::Rw => "rw",
            EdgeKind::Rt => "rt",
        }
    }
}

/// The evidence for one edge, in the values the history shows; borrowed from the
/// history, so an edge costs no copy of its values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why<'h> {
    /// `to` wrote `key`'s version `next` right after `from`'s `value`.
    Ww {
        key: &'h str,
        value: &'h str,
        next: &'h str,
    },
    /// `to` read `from`'s `value` of `key`.
    Wr { key: &'h str, value: &'h str },
    /// `from` read `key` up to `seen` (`None`: empty, or nil), and `to` wrote `next`.
    Rw {
        key: &'h str,
        seen: Option<&'h str>,
        next: &'h str,
    },
    /// `from` completed before `to` was invoked.
    Rt,
}

/// Edges from each transaction: the targets with the kinds that link them, and one
/// reason per (from, to, kind).
#[derive(Debug, Default)]
pub struct Graph<'h> {
    out: Vec<Vec<(u32, u8)>>,
    why: HashMap<(u32, u32, EdgeKind), Why<'h>>,
}

impl<'h> Graph<'h> {
    pub fn new(nodes: usize) -> Self {
        Graph {
            out: vec![Vec::new(); nodes],
            why: HashMap::new(),
        }
    }

    pub fn nodes(&self) -> usize {
        self.out.len()
    }

    /// Adds `from -> to` of `kind`; a self-edge says nothing and is dropped.
    pub fn add(&mut self, from: usize, to: usize, kind: EdgeKind, why: Why<'h>) {
        if from == to {
            return;
        }
        let (from, to) = (from as u32, to as u32);
        let edges = &mut self.out[from as usize];
        match edges.iter_mut().find(|(target, _)| *target == to) {
            Some((_, kinds)) => *kinds |= kind.bit(),
            None => edges.push((to, kind.bit())),
        }
        self.why.entry((from, to, kind)).or_insert(why);
    }

    /// The targets of `from` over edges of any kind in `mask`, with the kinds.
    pub fn out(&self, from: usize, mask: u8) -> impl Iterator<Item = (usize, u8)> + '_ {
        self.out[from]
            .iter()
            .filter(move |(_, kinds)| kinds & mask != 0)
            .map(move |(to, kinds)| (*to as usize, kinds & mask))
    }

    pub fn why(&self, from: usize, to: usize, kind: EdgeKind) -> Option<&Why<'h>> {
        self.why.get(&(from as u32, to as u32, kind))
    }

    pub fn edge_count(&self) -> usize {
        self.out.iter().map(Vec::len).sum()
    }
}
