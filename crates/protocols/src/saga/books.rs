//! The business state each service keeps, and what one action does to it: inventory
//! (stock on hand, reserved and shipped, per item), payment (each customer's balance
//! and the shop's revenue), delivery (free slots and the deliveries scheduled).
//!
//! Books know nothing about sagas or retries: an action applied twice takes effect
//! twice. Idempotence is the service's job (its table of applied commands), exactly
//! what `saga.non_idempotent_step` skips. Quantities are signed so that a doubled
//! compensation shows as a negative reservation instead of wrapping.

use crate::saga::config::SagaConfig;
use crate::saga::messages::{Action, Command, OrderId, Outcome, Refusal, Service};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inventory {
    pub on_hand: Vec<i64>,
    pub reserved: Vec<i64>,
    pub shipped: Vec<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payment {
    pub balances: Vec<i64>,
    pub revenue: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub slots_free: i64,
    pub scheduled: Vec<OrderId>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Books {
    Inventory(Inventory),
    Payment(Payment),
    Delivery(Delivery),
}

impl Books {
    /// The books `service` opens with.
    pub fn opening(service: Service, config: &SagaConfig) -> Self {
        let items = config.items as usize;
        match service {
            Service::Inventory => Books::Inventory(Inventory {
                on_hand: vec![config.stock_per_item; items],
                reserved: vec![0; items],
                shipped: vec![0; items],
            }),
            Service::Payment => Books::Payment(Payment {
                balances: vec![config.balance; config.customers as usize],
                revenue: 0,
            }),
            Service::Delivery => Books::Delivery(Delivery {
                slots_free: config.delivery_slots,
                scheduled: Vec::new(),
            }),
        }
    }

    /// Applies `command` if the business rules allow it.
    pub fn apply(&mut self, command: &Command) -> Outcome {
        let order = &command.order;
        let (item, qty) = (order.item as usize, i64::from(order.qty));
        let customer = order.id.customer as usize;
        match (self, command.action) {
            (Books::Inventory(inv), Action::Reserve) => match inv.on_hand.get(item) {
                Some(&on_hand) if on_hand >= qty => {
                    inv.on_hand[item] -= qty;
                    inv.reserved[item] += qty;
                    Outcome::Done
                }
                _ => Outcome::Refused(Refusal::OutOfStock),
            },
            (Books::Inventory(inv), Action::Release) => {
                inv.reserved[item] -= qty;
                inv.on_hand[item] += qty;
                Outcome::Done
            }
            (Books::Inventory(inv), Action::Ship) => {
                inv.reserved[item] -= qty;
                inv.shipped[item] += qty;
                Outcome::Done
            }
            (Books::Payment(pay), Action::Charge) => match pay.balances.get(customer) {
                Some(&balance) if balance >= command.amount => {
                    pay.balances[customer] -= command.amount;
                    pay.revenue += command.amount;
                    Outcome::Done
                }
                _ => Outcome::Refused(Refusal::InsufficientFunds),
            },
            (Books::Payment(pay), Action::Refund) => {
                pay.balances[customer] += command.amount;
                pay.revenue -= command.amount;
                Outcome::Done
            }
            (Books::Delivery(del), Action::Schedule) => {
                if del.slots_free <= 0 {
                    return Outcome::Refused(Refusal::NoDeliverySlot);
                }
                del.slots_free -= 1;
                del.scheduled.push(order.id);
                Outcome::Done
            }
            (books, action) => unreachable!("{action:?} sent to the wrong service: {books:?}"),
        }
    }

    /// Re-applies a command recorded as done, on recovery: it passed the rules then.
    pub fn replay(&mut self, command: &Command) {
        let outcome = self.apply(command);
        debug_assert_eq!(outcome, Outcome::Done, "a done command replays as done");
    }

    /// Nothing negative: no stock or reservation below zero, no balance overdrawn,
    /// no slot given twice. Holds whenever every command applied at most once.
    pub fn is_sound(&self) -> bool {
        let non_negative = |values: &[i64]| values.iter().all(|&v| v >= 0);
        match self {
            Books::Inventory(inv) => {
                non_negative(&inv.on_hand)
                    && non_negative(&inv.reserved)
                    && non_negative(&inv.shipped)
            }
            Books::Payment(pay) => non_negative(&pay.balances) && pay.revenue >= 0,
            Books::Delivery(del) => del.slots_free >= 0,
        }
    }

    pub fn as_inventory(&self) -> Option<&Inventory> {
        match self {
            Books::Inventory(inv) => Some(inv),
            _ => None,
        }
    }

    pub fn as_payment(&self) -> Option<&Payment> {
        match self {
            Books::Payment(pay) => Some(pay),
            _ => None,
        }
    }

    pub fn as_delivery(&self) -> Option<&Delivery> {
        match self {
            Books::Delivery(del) => Some(del),
            _ => None,
        }
    }
}
