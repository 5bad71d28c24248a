//! The saga's safety properties, declared once: `invariants` raises violations only
//! through these, named bugs cite them, and `faultline list protocols` shows them.
//! `at_most_once` is the shared key-value workload's: a command applies once.

use crate::kv::properties::AT_MOST_ONCE;
use crate::property::Property;

pub const SAGA_ATOMICITY: Property = Property::new(
    "saga_atomicity",
    "a completed saga has every step in effect once; a cancelled one has them all undone",
);
pub const CANCELLED_NET_ZERO: Property = Property::new(
    "cancelled_net_zero",
    "an order its customer was told failed has no charge, stock or delivery, net",
);
pub const TOLD_AS_RECORDED: Property = Property::new(
    "told_as_recorded",
    "a customer told how its order ended was told the end of a saga the orchestrator \
     ran for that very order (its request id, item and quantity)",
);
pub const MONEY_CONSERVED: Property = Property::new(
    "money_conserved",
    "balances plus revenue equal the opening balances",
);
pub const STOCK_CONSERVED: Property = Property::new(
    "stock_conserved",
    "per item, on hand plus reserved plus shipped equal the opening stock",
);

pub const PROPERTIES: &[Property] = &[
    AT_MOST_ONCE,
    SAGA_ATOMICITY,
    CANCELLED_NET_ZERO,
    TOLD_AS_RECORDED,
    MONEY_CONSERVED,
    STOCK_CONSERVED,
];
