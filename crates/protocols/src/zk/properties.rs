//! The coordination service's and its lock recipe's safety properties, declared once:
//! `invariants` raises violations only through these, named bugs cite them, and
//! `faultline list protocols` shows them.

use crate::property::Property;

pub const LOCK_EXCLUSIVE: Property = Property::new(
    "lock_exclusive",
    "a client starts holding the lock only when its node is the lowest child of the lock \
        in the service's committed state",
);
pub const FENCED_WRITES: Property = Property::new(
    "fenced_writes",
    "the resource never accepts a write with a lower token than one it accepted before",
);
pub const EPHEMERAL_WITH_SESSION: Property = Property::new(
    "ephemeral_with_session",
    "no ephemeral node outlives its session once the session's expiry is applied",
);
pub const SEQUENCE_UNIQUE: Property = Property::new(
    "sequence_unique",
    "sequence numbers under one parent are unique and below the parent's next number",
);
pub const REPLICAS_AGREE: Property = Property::new(
    "replicas_agree",
    "servers that applied the same log prefix hold the same tree and sessions",
);

pub const ONE_NODE_PER_SESSION: Property = Property::new(
    "one_node_per_session",
    "in the committed state no session has two nodes in the lock's queue (a second is an \
        orphan that blocks the queue for the session's life)",
);

pub const ANSWERS_LINEARIZABLE: Property = Property::new(
    "answers_linearizable",
    "every answer a client accepted is the one the committed log gave its request (the \
        service's history is linearizable in log order)",
);

pub const PROPERTIES: &[Property] = &[
    LOCK_EXCLUSIVE,
    ONE_NODE_PER_SESSION,
    FENCED_WRITES,
    EPHEMERAL_WITH_SESSION,
    SEQUENCE_UNIQUE,
    REPLICAS_AGREE,
    ANSWERS_LINEARIZABLE,
    crate::lock::properties::WRITES_AS_TOLD,
];
