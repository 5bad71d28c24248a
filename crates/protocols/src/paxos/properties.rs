//! Multi-Paxos's safety properties, declared once: `invariants` and `check_end` raise
//! violations only through these, named bugs cite them, and `faultline list
//! protocols` shows them.

use crate::kv::properties::AT_MOST_ONCE;
use crate::property::Property;

pub const ONE_VALUE_PER_SLOT: Property = Property::new(
    "one_value_per_slot",
    "at most one value is chosen (accepted by a majority in one ballot) per slot",
);
pub const ONLY_PROPOSED_CHOSEN: Property = Property::new(
    "only_proposed_chosen",
    "only values clients proposed, or no-ops, are chosen",
);
pub const PROMISE_DURABLE: Property = Property::new(
    "promise_durable",
    "an acceptor's promise never goes back, not even across a restart",
);
pub const ACCEPTED_MONOTONIC: Property = Property::new(
    "accepted_monotonic",
    "the ballot an acceptor accepted in a slot never decreases, across restarts too",
);
pub const ACCEPTED_WITHIN_PROMISE: Property = Property::new(
    "accepted_within_promise",
    "an acceptor never accepts a ballot above its promise",
);
pub const LEARN_ONLY_CHOSEN: Property = Property::new(
    "learn_only_chosen",
    "a learner executes in a slot only the value chosen there",
);

pub const RECOVERED_AS_DURABLE: Property = Property::new(
    "recovered_as_durable",
    "a restarted acceptor recovers exactly the promise, votes and snapshot it had fsynced",
);

pub const PROPERTIES: &[Property] = &[
    ONE_VALUE_PER_SLOT,
    ONLY_PROPOSED_CHOSEN,
    PROMISE_DURABLE,
    ACCEPTED_MONOTONIC,
    ACCEPTED_WITHIN_PROMISE,
    LEARN_ONLY_CHOSEN,
    RECOVERED_AS_DURABLE,
    AT_MOST_ONCE,
];
