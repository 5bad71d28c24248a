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

/// Shared with zk, whose resource is the same fence; the comparison is the API's, so
/// a protocol of one's own can make it too.
pub use crate::writes_as_told::WRITES_AS_TOLD;

pub const PROPERTIES: &[Property] = &[
    LEASES_DISJOINT,
    TOKENS_INCREASE,
    FENCED_WRITES,
    WRITES_AS_TOLD,
];
