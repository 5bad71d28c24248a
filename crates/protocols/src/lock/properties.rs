//! The lock protocols' safety properties, declared once: `invariants` raises
//! violations only through these, named bugs cite them, and `faultline list
//! protocols` shows them.

use crate::property::Property;

pub const LEASES_DISJOINT: Property = Property::new(
    "leases_disjoint",
    "when a client accepts a lease, no other client's lease is still running in true time",
);
pub const TOKENS_INCREASE: Property = Property::new(
    "tokens_increase",
    "each token a client accepts is higher than every one accepted before it",
);
pub const FENCED_WRITES: Property = Property::new(
    "fenced_writes",
    "the resource never accepts a write with a lower token than one it accepted before",
);

/// Shared with zk, whose resource is the same fence.
pub const WRITES_AS_TOLD: Property = Property::new(
    "writes_as_told",
    "at the end the resource has logged each write once: every write a client was told \
     accepted, none it was told refused",
);

pub const PROPERTIES: &[Property] = &[
    LEASES_DISJOINT,
    TOKENS_INCREASE,
    FENCED_WRITES,
    WRITES_AS_TOLD,
];
