//! The saga's vocabulary: orders and their ids, the actions services perform, the
//! commands that carry them and the replies, plus timers and disk records.
//!
//! An order's id is its customer's request id (customer, sequence number), and it is
//! also the saga's id: a retried request names the same saga, so it can never start a
//! second one. A command's id is minted by the orchestrator when it writes the command
//! to its outbox, from its boot number and a counter, so ids are unique across
//! restarts and a resent command is recognisably the same command.

use crate::saga::state::SagaState;
use faultline_sim::NodeId;
use serde::Serialize;
use std::fmt;

/// An order, and the saga that carries it out: customer `customer`'s request `seq`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct OrderId {
    /// The customer's index among the clients (0 is the first client node).
    pub customer: u32,
    /// The customer's request number, from 1.
    pub seq: u64,
}

impl fmt::Display for OrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "order c{}#{}", self.customer, self.seq)
    }
}

/// What a customer orders: `qty` units of item `item`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Order {
    pub id: OrderId,
    pub item: u32,
    pub qty: u32,
}

/// The three services, at fixed nodes after the orchestrator (node 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    Inventory,
    Payment,
    Delivery,
}

impl Service {
    pub const ALL: [Service; 3] = [Service::Inventory, Service::Payment, Service::Delivery];

    pub fn node(self) -> NodeId {
        match self {
            Service::Inventory => NodeId(1),
            Service::Payment => NodeId(2),
            Service::Delivery => NodeId(3),
        }
    }

    pub fn at(node: NodeId) -> Option<Service> {
        Service::ALL.into_iter().find(|s| s.node() == node)
    }
}

/// What a command asks a service to do: a step of the saga or a compensation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Inventory: move stock from on hand to reserved (refused when out of stock).
    Reserve,
    /// Payment: move money from the customer's balance to revenue (refused when the
    /// balance is short).
    Charge,
    /// Delivery: take a delivery slot (refused when none is left).
    Schedule,
    /// Inventory: move the reserved stock to shipped (never refused).
    Ship,
    /// Inventory: return reserved stock to on hand (compensates `Reserve`).
    Release,
    /// Payment: return the money to the customer (compensates `Charge`).
    Refund,
}

impl Action {
    pub const ALL: [Action; 6] = [
        Action::Reserve,
        Action::Charge,
        Action::Schedule,
        Action::Ship,
        Action::Release,
        Action::Refund,
    ];

    /// Position in [`Action::ALL`], for per-action counters.
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn service(self) -> Service {
        match self {
            Action::Reserve | Action::Ship | Action::Release => Service::Inventory,
            Action::Charge | Action::Refund => Service::Payment,
            Action::Schedule => Service::Delivery,
        }
    }

    /// The action that undoes this step, if it has one.
    pub fn compensation(self) -> Option<Action> {
        match self {
            Action::Reserve => Some(Action::Release),
            Action::Charge => Some(Action::Refund),
            _ => None,
        }
    }

    pub fn is_compensation(self) -> bool {
        matches!(self, Action::Release | Action::Refund)
    }

    /// Whether a service may refuse it for a business reason.
    pub fn can_be_refused(self) -> bool {
        matches!(self, Action::Reserve | Action::Charge | Action::Schedule)
    }
}

/// Unique across the orchestrator's lifetimes: (boot number, counter within the boot).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct CommandId {
    pub boot: u64,
    pub n: u64,
}

/// One action for one order, as the orchestrator's outbox holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Command {
    pub id: CommandId,
    pub action: Action,
    pub order: Order,
    /// What the order costs (charges and refunds move this much).
    pub amount: i64,
}

/// Why a step was refused, and so why a saga was cancelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    OutOfStock,
    InsufficientFunds,
    NoDeliverySlot,
    /// No reply in time. Only `saga.timeout_is_failure` turns a timeout into this.
    TimedOut,
}

/// What a service did with a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Done,
    Refused(Refusal),
}

/// How a saga ended: every step done, or cancelled (every done step compensated).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SagaEnd {
    Completed,
    Cancelled(Refusal),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Msg {
    /// Customer → orchestrator: place (or ask again about) an order.
    Order(Order),
    /// Orchestrator → customer: the order's saga ended.
    OrderEnded { id: OrderId, end: SagaEnd },
    /// Orchestrator → service.
    Command(Command),
    /// Service → orchestrator: what became of command `id` (of order `order`).
    Reply {
        id: CommandId,
        order: OrderId,
        outcome: Outcome,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timer {
    /// Orchestrator: no reply to `command` of `order` yet.
    Retry { order: OrderId, command: CommandId },
    /// Orchestrator, with `saga.state_after_send` only: sync what was written lazily.
    Flush,
    /// Customer: time to place the next order.
    NextOrder,
    /// Customer: no answer about request `seq` yet; ask again.
    OrderRetry { seq: u64 },
}

/// What nodes write to disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    /// Orchestrator: it started; the number of these is its boot number.
    Boot,
    /// Orchestrator: a saga's state after a transition (the last one per order wins),
    /// including the command it is about to send: the outbox.
    Saga(SagaState),
    /// Service: a command it applied and what came of it (its deduplication table).
    Applied { command: Command, outcome: Outcome },
}
