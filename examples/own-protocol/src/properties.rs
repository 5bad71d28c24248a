//! ABD's safety properties, declared once with what each means. The checker
//! (`invariants`) raises violations only through these consts, the named bugs
//! (`bugs`) cite them by `.name`, and `faultline list protocols` shows them: a
//! misspelt property is a compile error, and a bug citing one that is not declared
//! here (nor one of faultline's own, such as `linearizability`) is refused when the
//! protocol is registered.

use crate::api::Property;

pub const REPLICA_TIMESTAMP_MONOTONIC: Property = Property::new(
    "replica_timestamp_monotonic",
    "a replica's timestamp for a register never goes down, not even across a crash",
);
pub const TIMESTAMP_UNIQUE: Property = Property::new(
    "timestamp_unique",
    "one timestamp names one value, on every replica and in what clients were told",
);
pub const WRITE_QUORUM: Property = Property::new(
    "write_quorum",
    "a write that completed ok left its timestamp durable on a majority of replicas",
);
pub const READ_QUORUM: Property = Property::new(
    "read_quorum",
    "a read that returned a value left its timestamp durable on a majority of replicas",
);

/// What `Abd::properties()` declares.
pub const PROPERTIES: &[Property] = &[
    REPLICA_TIMESTAMP_MONOTONIC,
    TIMESTAMP_UNIQUE,
    WRITE_QUORUM,
    READ_QUORUM,
];
