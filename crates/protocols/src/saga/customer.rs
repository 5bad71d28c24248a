//! A customer (a client node): places orders one at a time with the orchestrator and
//! waits for each saga's end.
//!
//! Orders are drawn at random (an item among the workload's keys, one to three units)
//! and paced over the fault period, or taken from a script. Each order's request id
//! is (customer, sequence number); without an answer in `order_retry_ns` the customer
//! sends the same order again, and keeps doing so until it hears: the orchestrator
//! maps the request id to its saga, so a retry never orders twice. An order completes
//! `ok` when its saga completed and `fail` when it was cancelled (nothing took effect,
//! net); every invocation and completion is a [`ClientEvent`] observation
//! (`f: "order"`, `key: "i3"`, `value: "2"`).

use crate::history::{ClientEvent, ClientEventKind};
use crate::plan::Plan;
use crate::saga::config::{SagaConfig, ORCHESTRATOR, SERVERS};
use crate::saga::messages::{Msg, Order, OrderId, SagaEnd, Timer};
use crate::saga::node::SagaNode;
use crate::saga::situations as s;
use faultline_sim::context::TimerId;
use faultline_sim::{Context, NodeId};
use std::rc::Rc;

type Ctx<'a> = Context<'a, SagaNode>;

/// What a customer orders: `qty` units of item `item`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderOp {
    pub item: u32,
    pub qty: u32,
}

/// The most units a random order asks for.
const RANDOM_QTY_MAX: u64 = 3;

#[derive(Clone, Debug)]
pub struct Customer {
    config: Rc<SagaConfig>,
    /// Its node id, as the history's `process`.
    process: u64,
    /// Its index among the customers (the `customer` of its order ids).
    index: u32,
    plan: Plan<OrderOp>,
    ops_left: usize,
    /// Orders placed so far; the one in flight has this sequence number.
    seq: u64,
    in_flight: Option<Order>,
    retry_timer: Option<TimerId>,
}

impl Customer {
    pub fn new(id: NodeId, config: Rc<SagaConfig>, plan: Plan<OrderOp>) -> Self {
        Customer {
            config,
            process: u64::from(id.0),
            index: id.0 - SERVERS as u32,
            ops_left: plan.len(),
            plan,
            seq: 0,
            in_flight: None,
            retry_timer: None,
        }
    }

    /// Orders not yet answered (including the one in flight).
    pub fn unfinished(&self) -> usize {
        self.ops_left
    }

    pub fn on_start(&mut self, ctx: &mut Ctx<'_>) {
        self.schedule_next(ctx);
    }

    pub fn on_timer(&mut self, ctx: &mut Ctx<'_>, timer: Timer) {
        match timer {
            Timer::NextOrder => self.place(ctx),
            Timer::OrderRetry { seq } if seq == self.seq => {
                ctx.sometimes(s::CUSTOMER_RETRIED);
                self.send(ctx)
            }
            Timer::OrderRetry { .. } => {} // for an order already answered
            timer @ (Timer::Retry { .. } | Timer::Flush) => {
                unreachable!("a customer got the orchestrator's timer {timer:?}")
            }
        }
    }

    pub fn on_message(&mut self, ctx: &mut Ctx<'_>, _from: NodeId, msg: Msg) {
        let Msg::OrderEnded { id, end } = msg else {
            unreachable!("a customer got {msg:?}: only the orchestrator's answers reach it");
        };
        if self.in_flight.is_some_and(|order| order.id == id) {
            self.complete(ctx, end);
        }
        // Otherwise a repeated answer about an order already completed.
    }

    fn schedule_next(&mut self, ctx: &mut Ctx<'_>) {
        if self.ops_left == 0 {
            return;
        }
        let pacing = self.config.pacing;
        let delay = pacing.delay_before(&self.plan, self.seq as usize, ctx);
        ctx.set_timer(delay, Timer::NextOrder);
    }

    fn place(&mut self, ctx: &mut Ctx<'_>) {
        debug_assert!(self.in_flight.is_none(), "one order at a time");
        let op = match self.plan.scripted(self.seq as usize) {
            Some(op) => *op,
            None => self.random_order(ctx),
        };
        self.seq += 1;
        let order = Order {
            id: OrderId {
                customer: self.index,
                seq: self.seq,
            },
            item: op.item,
            qty: op.qty,
        };
        self.observe(ctx, ClientEventKind::Invoke, &order);
        self.in_flight = Some(order);
        self.send(ctx);
    }

    fn random_order(&self, ctx: &mut Ctx<'_>) -> OrderOp {
        let rng = ctx.rng();
        OrderOp {
            item: rng.below(u64::from(self.config.items.max(1))) as u32,
            qty: rng.range_inclusive(1, RANDOM_QTY_MAX) as u32,
        }
    }

    fn send(&mut self, ctx: &mut Ctx<'_>) {
        let Some(order) = self.in_flight else {
            return;
        };
        ctx.send(ORCHESTRATOR, Msg::Order(order));
        let retry = Timer::OrderRetry { seq: self.seq };
        ctx.reset_timer(&mut self.retry_timer, self.config.order_retry_ns, retry);
    }

    fn complete(&mut self, ctx: &mut Ctx<'_>, end: SagaEnd) {
        let order = self
            .in_flight
            .take()
            .expect("completing the order in flight");
        if let Some(timer) = self.retry_timer.take() {
            ctx.cancel_timer(timer);
        }
        let kind = match end {
            SagaEnd::Completed => ClientEventKind::Ok,
            SagaEnd::Cancelled(_) => ClientEventKind::Fail,
        };
        self.observe(ctx, kind, &order);
        self.ops_left -= 1;
        self.schedule_next(ctx);
    }

    fn observe(&self, ctx: &mut Ctx<'_>, kind: ClientEventKind, order: &Order) {
        ctx.observe(ClientEvent {
            process: self.process,
            kind,
            f: "order",
            key: Some(format!("i{}", order.item)),
            value: Some(order.qty.to_string()),
        });
    }
}
