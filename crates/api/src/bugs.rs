//! Named, switchable protocol bugs.
//!
//! Each protocol carries the real bugs catalogued in `docs/bugs.md` as small changes in its real
//! code paths, off by default, switched on by name (`--bug raft.stale_read`). Names are a
//! contract. A protocol resolves the names it knows into plain booleans once, at
//! setup, so the hot path pays nothing for the lookup.

use std::collections::BTreeSet;

/// A bug a protocol can switch on, and what catching it looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BugInfo {
    pub name: &'static str,
    /// What the bug does.
    pub mechanism: &'static str,
    /// The properties a run with the bug on is expected to violate, by name
    /// (`&[ELECTION_SAFETY.name, LINEARIZABILITY.name]`). When the protocol declares
    /// its properties ([`crate::Protocol::properties`]), each must be one of them or
    /// a harness property ([`crate::harness_properties`]), or registering it panics.
    pub violates: &'static [&'static str],
    /// The default fuzzing scenario that exposes it: `scenarios/<protocol>/<this>.json`
    /// (`nemesis` for most; a protocol with modes has one default scenario per mode).
    pub scenario: &'static str,
}

/// The set of bugs switched on for a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bugs(BTreeSet<String>);

impl Bugs {
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(names: I) -> Self {
        Bugs(names.into_iter().map(Into::into).collect())
    }

    pub fn is_on(&self, name: &str) -> bool {
        self.0.contains(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
