//! How a saga run is set up: the fixed roles of the servers, the size of the shop
//! (items and their stock, customers and their money, delivery slots), timeouts, and
//! the bugs switched on; built once from the scenario and checked there, so a wrong
//! node count or option is a `SetupError` and never a panic.

use crate::plan::Pacing;
use crate::protocol::{Setup, SetupError};
use crate::saga::bugs::SagaBugs;
use crate::saga::options::SagaOptions;
use crate::saga::script::scripted_item_count;
use faultline_sim::{Nanos, NodeId, MILLISECOND};

/// Node 0 orchestrates; nodes 1, 2, 3 are inventory, payment, delivery.
pub const SERVERS: usize = 4;
pub const ORCHESTRATOR: NodeId = NodeId(0);

/// The most items the inventory stocks (`i0..i9999`): the workload's keys, or those
/// a script names.
pub const ITEMS_MAX: u32 = 10_000;

/// The largest stock, balance, price or slot count an option may set, so sums of
/// them never overflow.
const QUANTITY_MAX: u64 = 1_000_000_000;

#[derive(Clone, Debug, PartialEq)]
pub struct SagaConfig {
    /// Items `i0..i{items-1}` (the workload's keys, or more if a script names more).
    pub items: u32,
    /// Customers, one per client node.
    pub customers: u32,
    pub stock_per_item: i64,
    pub balance: i64,
    pub price: i64,
    pub delivery_slots: i64,
    pub command_retry_ns: Nanos,
    pub order_retry_ns: Nanos,
    pub pacing: Pacing,
    pub bugs: SagaBugs,
}

impl SagaConfig {
    pub fn from_setup(setup: &Setup) -> Result<Self, SetupError> {
        if setup.servers != SERVERS {
            return Err(SetupError::Invalid(format!(
                "saga needs exactly {SERVERS} nodes (0 orchestrator, 1 inventory, 2 payment, 3 \
                    delivery); found {}",
                setup.servers
            )));
        }
        let workload = &setup.workload;
        if workload.keys > ITEMS_MAX as usize {
            return Err(SetupError::Invalid(format!(
                "saga: {} keys (items); expected at most {ITEMS_MAX}",
                workload.keys
            )));
        }
        let keys = workload.keys.max(1) as u32;
        let options: SagaOptions = setup.read_options()?;
        Ok(SagaConfig {
            items: keys.max(scripted_item_count(&workload.script)),
            customers: workload.clients as u32,
            stock_per_item: quantity("stock_per_item", options.stock_per_item)?,
            balance: quantity("balance", options.balance)?,
            price: quantity("price", options.price)?,
            delivery_slots: quantity("delivery_slots", options.delivery_slots)?,
            command_retry_ns: options.command_retry_ms.clamp(1, 60_000) * MILLISECOND,
            order_retry_ns: options.order_retry_ms.clamp(1, 60_000) * MILLISECOND,
            pacing: Pacing::for_workload(workload, setup.fault_period_ns),
            bugs: SagaBugs::from(&setup.bugs),
        })
    }

    /// What an order of `qty` units costs.
    pub fn amount(&self, qty: u32) -> i64 {
        self.price * i64::from(qty)
    }

    /// The node of customer `customer`.
    pub fn customer_node(&self, customer: u32) -> NodeId {
        NodeId(SERVERS as u32 + customer)
    }
}

fn quantity(name: &str, value: u64) -> Result<i64, SetupError> {
    if value > QUANTITY_MAX {
        return Err(SetupError::BadOption {
            name: name.to_string(),
            expected: "at most 1000000000",
            found: value.to_string(),
        });
    }
    Ok(value as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Workload;
    use faultline_sim::SECOND;
    use serde_json::json;

    fn setup(servers: usize) -> Setup {
        Setup {
            servers,
            workload: Workload::default(),
            bugs: Default::default(),
            options: Default::default(),
            fault_period_ns: SECOND,
        }
    }

    #[test]
    fn the_roles_need_exactly_four_nodes() {
        assert!(SagaConfig::from_setup(&setup(4)).is_ok());
        for servers in [1, 3, 5] {
            let error = SagaConfig::from_setup(&setup(servers)).unwrap_err();
            assert!(error.to_string().contains("exactly 4 nodes"), "{error}");
        }
    }

    #[test]
    fn options_out_of_range_are_errors() {
        let mut huge = setup(4);
        huge.options.insert("balance".into(), json!(u64::MAX));
        let error = SagaConfig::from_setup(&huge).unwrap_err();
        assert!(matches!(error, SetupError::BadOption { .. }), "{error}");
        let mut many_items = setup(4);
        many_items.workload.keys = u32::MAX as usize;
        assert!(SagaConfig::from_setup(&many_items).is_err());
        let mut negative = setup(4);
        negative.options.insert("price".into(), json!(-1));
        assert!(SagaConfig::from_setup(&negative).is_err());
    }
}
