//! Finding cycles and naming them. Strongly connected components (Tarjan, iterative so
//! a long chain cannot overflow the stack) tell where cycles are; inside a component,
//! a breadth-first search from the head of one edge back to its tail gives the
//! shortest cycle through that edge. Searching with edge kinds held back finds the
//! strongest class first: ww only (G0), ww and wr (G1c), one rw (G-single), any
//! (G2), then the same with real-time edges. One example per class and component.

use crate::anomaly::AnomalyKind;
use crate::graph::{EdgeKind, Graph};
use std::collections::VecDeque;

/// A cycle: each step's source transaction and the kind of edge it leaves by.
pub type Cycle = Vec<(usize, EdgeKind)>;

/// How many edges of a component to try as the start of a cycle of one class, so a
/// huge component cannot make the search quadratic.
const STARTS_TRIED_MAX: usize = 64;

const WW: u8 = 1 << EdgeKind::Ww as u8;
const WR: u8 = 1 << EdgeKind::Wr as u8;
const RW: u8 = 1 << EdgeKind::Rw as u8;
const RT: u8 = 1 << EdgeKind::Rt as u8;

/// One cycle of each class in each component of the whole graph, named.
pub fn find(graph: &Graph) -> Vec<(AnomalyKind, Cycle)> {
    let mut found = Vec::new();
    for component in components(graph, WW | WR | RW | RT) {
        let mut member = vec![false; graph.nodes()];
        for &node in &component {
            member[node] = true;
        }
        let searches: [(u8, u8); 5] = [
            (WW, WW),
            (WR, WW | WR),
            (RW, WW | WR),
            (RW, WW | WR | RW),
            (RT, WW | WR | RW | RT),
        ];
        let mut classes_seen = Vec::new();
        for (first, rest) in searches {
            let Some(cycle) = cycle_through(graph, &component, &member, first, rest) else {
                continue;
            };
            let kind = classify(&cycle);
            if !classes_seen.contains(&kind) {
                classes_seen.push(kind);
                found.push((kind, cycle));
            }
        }
    }
    found
}

/// The class of a cycle from the kinds of its edges.
fn classify(cycle: &Cycle) -> AnomalyKind {
    let count = |kind| cycle.iter().filter(|(_, k)| *k == kind).count();
    AnomalyKind::of_cycle(
        count(EdgeKind::Rw),
        count(EdgeKind::Wr) > 0,
        count(EdgeKind::Rt) > 0,
    )
}

/// The shortest cycle in `component` that starts with an edge of a kind in `first` and
/// continues over edges of kinds in `rest`.
fn cycle_through(
    graph: &Graph,
    component: &[usize],
    member: &[bool],
    first: u8,
    rest: u8,
) -> Option<Cycle> {
    let mut tried = 0;
    for &from in component {
        for (to, kinds) in graph.out(from, first) {
            if !member[to] {
                continue;
            }
            tried += 1;
            if tried > STARTS_TRIED_MAX {
                return None;
            }
            let kind = strongest(kinds);
            if let Some(mut path) = shortest_path(graph, member, to, from, rest) {
                path.insert(0, (from, kind));
                return Some(path);
            }
        }
    }
    None
}

/// The kind to name an edge by when it has several: the least surprising one.
fn strongest(kinds: u8) -> EdgeKind {
    EdgeKind::ALL
        .into_iter()
        .find(|k| kinds & k.bit() != 0)
        .unwrap_or(EdgeKind::Rt)
}

/// Breadth-first from `start` to `goal` inside the component over `mask` edges: the
/// steps, each with the kind of edge taken.
fn shortest_path(
    graph: &Graph,
    member: &[bool],
    start: usize,
    goal: usize,
    mask: u8,
) -> Option<Cycle> {
    if start == goal {
        return Some(Vec::new());
    }
    let mut came_from: std::collections::HashMap<usize, (usize, EdgeKind)> = Default::default();
    let mut queue = VecDeque::from([start]);
    came_from.insert(start, (start, EdgeKind::Ww));
    while let Some(node) = queue.pop_front() {
        for (next, kinds) in graph.out(node, mask) {
            if !member[next] || came_from.contains_key(&next) {
                continue;
            }
            came_from.insert(next, (node, strongest(kinds)));
            if next == goal {
                let mut steps = Vec::new();
                let mut at = goal;
                while at != start {
                    let (before, kind) = came_from[&at];
                    steps.push((before, kind));
                    at = before;
                }
                steps.reverse();
                return Some(steps);
            }
            queue.push_back(next);
        }
    }
    None
}

/// Strongly connected components with more than one transaction, over `mask` edges.
fn components(graph: &Graph, mask: u8) -> Vec<Vec<usize>> {
    const UNSEEN: u32 = u32::MAX;
    let n = graph.nodes();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut components = Vec::new();
    let mut next_index = 0u32;
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        // (node, its out-edges, position in them)
        let mut calls: Vec<(usize, Vec<usize>, usize)> = Vec::new();
        let enter =
            |node: usize, index: &mut Vec<u32>, low: &mut Vec<u32>, next_index: &mut u32| {
                index[node] = *next_index;
                low[node] = *next_index;
                *next_index += 1;
                (
                    node,
                    graph.out(node, mask).map(|(to, _)| to).collect::<Vec<_>>(),
                    0,
                )
            };
        calls.push(enter(root, &mut index, &mut low, &mut next_index));
        stack.push(root);
        on_stack[root] = true;
        while let Some((node, edges, position)) = calls.last_mut() {
            let node = *node;
            if let Some(&to) = edges.get(*position) {
                *position += 1;
                if index[to] == UNSEEN {
                    calls.push(enter(to, &mut index, &mut low, &mut next_index));
                    stack.push(to);
                    on_stack[to] = true;
                } else if on_stack[to] {
                    low[node] = low[node].min(index[to]);
                }
                continue;
            }
            calls.pop();
            if let Some((parent, _, _)) = calls.last() {
                low[*parent] = low[*parent].min(low[node]);
            }
            if low[node] == index[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort_unstable();
                    components.push(component);
                }
            }
        }
    }
    components
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Why;

    #[test]
    fn a_ww_cycle_is_g0_and_one_rw_is_g_single() {
        let mut graph = Graph::new(3);
        graph.add(0, 1, EdgeKind::Ww, Why::Rt);
        graph.add(1, 0, EdgeKind::Ww, Why::Rt);
        graph.add(1, 2, EdgeKind::Wr, Why::Rt);
        graph.add(2, 1, EdgeKind::Rw, Why::Rt);
        let found = find(&graph);
        let kinds: Vec<_> = found.iter().map(|(k, _)| *k).collect();
        assert_eq!(kinds, vec![AnomalyKind::G0, AnomalyKind::GSingle]);
    }

    #[test]
    fn a_chain_has_no_component() {
        let mut graph = Graph::new(200_000);
        for i in 0..199_999 {
            graph.add(i, i + 1, EdgeKind::Ww, Why::Rt);
        }
        assert!(components(&graph, WW).is_empty());
        graph.add(199_999, 0, EdgeKind::Rw, Why::Rt);
        assert_eq!(components(&graph, WW | RW).len(), 1);
    }
}
