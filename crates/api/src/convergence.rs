//! Convergence after the heal: what a protocol reports of each replica's applied
//! state, so the harness can judge that every live replica reaches the same one once
//! the faults heal and the clients are done (the harness property `converged`).
//!
//! A protocol opts in by returning digests from
//! [`crate::Protocol::replica_digests`]; the default returns none and nothing is
//! judged. Safety invariants say nothing wrong happened; convergence says the
//! protocol finishes its work: a follower that can never install a snapshot, or a
//! learner that never fetches a decision it missed, keeps a different state forever
//! while a majority still answers every client.

use faultline_sim::hash::TraceHasher;
use faultline_sim::NodeId;
use std::hash::{Hash, Hasher};

/// One live replica's applied state, as its protocol digests it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicaDigest {
    pub node: NodeId,
    /// Equal applied states give equal digests ([`digest_of`] makes one).
    pub digest: u64,
    /// The state in a few words for a failure's detail, e.g. "applied 143 commands".
    pub note: String,
}

impl ReplicaDigest {
    /// The digest of `state` (anything hashable) on `node`, with a note for people.
    pub fn of(node: NodeId, state: &impl Hash, note: impl Into<String>) -> Self {
        ReplicaDigest {
            node,
            digest: digest_of(state),
            note: note.into(),
        }
    }
}

/// A seedless, platform-independent 64-bit digest of `state` (the trace hasher).
pub fn digest_of(state: &impl Hash) -> u64 {
    let mut hasher = TraceHasher::new();
    state.hash(&mut hasher);
    hasher.finish()
}

/// Whether every replica reports the same digest (true for none or one).
pub fn agree(replicas: &[ReplicaDigest]) -> bool {
    replicas.windows(2).all(|w| w[0].digest == w[1].digest)
}

/// Why `replicas` have not converged, for a person: each replica and its state,
/// grouped by digest, the largest group first.
pub fn disagreement(replicas: &[ReplicaDigest]) -> String {
    let mut groups: Vec<(u64, Vec<&ReplicaDigest>)> = Vec::new();
    for replica in replicas {
        match groups.iter_mut().find(|(d, _)| *d == replica.digest) {
            Some((_, members)) => members.push(replica),
            None => groups.push((replica.digest, vec![replica])),
        }
    }
    groups.sort_by_key(|(_, members)| std::cmp::Reverse(members.len()));
    let described: Vec<String> = groups
        .iter()
        .map(|(digest, members)| {
            let nodes: Vec<String> = members.iter().map(|r| format!("n{}", r.node.0)).collect();
            format!(
                "{} at {digest:016x} ({})",
                nodes.join(", "),
                members[0].note
            )
        })
        .collect();
    described.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replica(node: u32, state: &str) -> ReplicaDigest {
        ReplicaDigest::of(NodeId(node), &state, format!("state {state}"))
    }

    #[test]
    fn equal_states_agree_and_a_different_one_is_named() {
        let same = [replica(0, "a"), replica(1, "a"), replica(2, "a")];
        assert!(agree(&same));
        assert!(agree(&[]));
        let split = [replica(0, "a"), replica(1, "b"), replica(2, "a")];
        assert!(!agree(&split));
        let why = disagreement(&split);
        assert!(why.starts_with("n0, n2 at "), "{why}");
        assert!(why.contains("n1 at ") && why.contains("(state b)"), "{why}");
    }
}
