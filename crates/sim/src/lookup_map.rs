//! A map that can only be looked up by key, never iterated.
//!
//! Hash maps are banned from simulated code (`tests/tidy.rs`) because iterating one
//! visits entries in an order no scenario controls. Some kernel tables, though, are
//! only ever asked "what is stored under this key?", and a search tree over
//! thousands of entries costs a mispredicted branch at every level of every lookup.
//! This wrapper gives those tables a hash map's constant-time lookup while exposing
//! no way to iterate, and hashes with the seedless trace hasher, so nothing about a
//! run can depend on where an entry sits.

use crate::hash::TraceHasher;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash};

/// Values by key; lookups only.
#[derive(Debug)]
pub(crate) struct LookupMap<K, V> {
    entries: HashMap<K, V, BuildHasherDefault<TraceHasher>>,
}

impl<K, V> Default for LookupMap<K, V> {
    fn default() -> Self {
        LookupMap {
            entries: HashMap::default(),
        }
    }
}

impl<K: Hash + Eq, V> LookupMap<K, V> {
    #[inline]
    pub fn insert(&mut self, key: K, value: V) {
        self.entries.insert(key, value);
    }

    #[inline]
    pub fn get(&self, key: &K) -> Option<&V> {
        self.entries.get(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_and_looks_up() {
        let mut map = LookupMap::default();
        for id in 0..1000u64 {
            map.insert(id, id * 2);
        }
        assert_eq!(map.get(&7), Some(&14));
        map.insert(7, 1);
        assert_eq!(map.get(&7), Some(&1), "a second insert replaces");
        assert_eq!(map.get(&1000), None);
        assert_eq!(map.get(&999), Some(&1998));
    }
}
