//! The saga's safety invariants, checked from the omniscient view after every event.
//!
//! The checker reads what the services applied (their ledgers) and counts, per order,
//! how many times each action took effect; it reads which sagas the orchestrator ended
//! and how, and which orders customers were told failed. Then:
//!
//! - `at_most_once`: no step or compensation of an order takes effect twice.
//! - `saga_atomicity`: a saga the orchestrator ended `Completed` has every step in
//!   effect once and no compensation; one ended `Cancelled` has every step that took
//!   effect compensated, and no delivery. Checked when it ends and at every later
//!   effect on it; at the end of the run, every order with an effect has an ended saga.
//! - `cancelled_net_zero`: an order its customer was told failed has net charge 0, no
//!   stock held or shipped for it, and no delivery: when told, and at every later
//!   effect.
//! - `told_as_recorded`: when a customer is told how its k-th order ended, the
//!   orchestrator has ended a saga under that order's request id (customer, k), for
//!   the same item and quantity, and ended it the way the customer was told
//!   (completed for `ok`, cancelled for `fail`). What clients hear must be what the
//!   orchestrator recorded: a request id reused for a new order, or an answer
//!   meant for another order, fails here.
//! - `money_conserved`: balances plus revenue equal the opening balances.
//! - `stock_conserved`: per item, on hand plus reserved plus shipped equal the
//!   opening stock.
//!
//! Incremental: a server is examined only when its `node_version` moved, and only its
//! new ledger entries (or ended sagas) are read; client observations from a cursor.
//! Liveness (every saga ends after the faults heal) is the harness's, through
//! `unfinished_ops`.

use crate::history::ClientEvent;
use crate::history::ClientEventKind;
use crate::kv::properties::AT_MOST_ONCE;
use crate::property::Property;
use crate::protocol::Violation;
use crate::saga::books::{Inventory, Payment};
use crate::saga::config::{SagaConfig, ORCHESTRATOR, SERVERS};
use crate::saga::messages::{Action, Command, Order, OrderId, Outcome, SagaEnd, Service};
use crate::saga::node::SagaNode;
use crate::saga::properties::{
    CANCELLED_NET_ZERO, MONEY_CONSERVED, SAGA_ATOMICITY, STOCK_CONSERVED, TOLD_AS_RECORDED,
};
use faultline_sim::watch::ChangeWatch;
use faultline_sim::World;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// How many times each action took effect for one order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Effects {
    times: [u32; Action::ALL.len()],
}

impl Effects {
    pub fn times(&self, action: Action) -> u32 {
        self.times[action.index()]
    }

    /// Every step once, no compensation.
    pub fn is_complete(&self) -> bool {
        Action::ALL.iter().all(|&a| {
            let expected = u32::from(!a.is_compensation());
            self.times(a) == expected
        })
    }

    /// Nothing in effect, net: whatever was reserved or charged was given back, and
    /// nothing was scheduled or shipped.
    pub fn is_net_zero(&self) -> bool {
        self.times(Action::Reserve) == self.times(Action::Release)
            && self.times(Action::Charge) == self.times(Action::Refund)
            && self.times(Action::Schedule) == 0
            && self.times(Action::Ship) == 0
    }

    pub fn is_none(&self) -> bool {
        self.times.iter().all(|&t| t == 0)
    }
}

impl fmt::Display for Effects {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let done: Vec<String> = Action::ALL
            .iter()
            .filter(|&&a| self.times(a) > 0)
            .map(|&a| format!("{a:?}×{}", self.times(a)))
            .collect();
        if done.is_empty() {
            return write!(f, "nothing");
        }
        write!(f, "{}", done.join(", "))
    }
}

fn violation(property: &Property, detail: String) -> Result<(), Violation> {
    Err(Violation::of(property, detail))
}

#[derive(Debug)]
pub struct SagaChecker {
    stock_per_item: i64,
    money_total: i64,
    /// Which servers changed since the checker last looked.
    examined: ChangeWatch,
    /// Per service (in `Service::ALL` order): ledger entries already read.
    ledger_cursor: [usize; 3],
    /// The orchestrator boot whose `ended_log` is being read, and how far.
    orchestrator_boot: u64,
    ended_cursor: usize,
    observed_cursor: usize,
    /// Client process → orders it placed (the sequence number of its latest).
    placed: BTreeMap<u64, u64>,
    effects: BTreeMap<OrderId, Effects>,
    /// How the orchestrator ended each saga (the latest, if it ended one twice).
    ends: BTreeMap<OrderId, SagaEnd>,
    /// The order each ended saga was for.
    ended_orders: BTreeMap<OrderId, Order>,
    told_failed: BTreeSet<OrderId>,
}

impl SagaChecker {
    pub fn new(config: &SagaConfig) -> Self {
        SagaChecker {
            stock_per_item: config.stock_per_item,
            money_total: config.balance * i64::from(config.customers),
            examined: ChangeWatch::new(SERVERS),
            ledger_cursor: [0; 3],
            orchestrator_boot: 0,
            ended_cursor: 0,
            observed_cursor: 0,
            placed: BTreeMap::new(),
            effects: BTreeMap::new(),
            ends: BTreeMap::new(),
            ended_orders: BTreeMap::new(),
            told_failed: BTreeSet::new(),
        }
    }

    pub fn check(&mut self, world: &World<SagaNode>) -> Result<(), Violation> {
        for (i, service) in Service::ALL.into_iter().enumerate() {
            self.check_service(world, i, service)?;
        }
        self.check_orchestrator(world)?;
        self.check_customers(world)
    }

    /// At the end of the run: every order that took effect anywhere has a saga the
    /// orchestrator ended (the ends themselves were checked as they happened).
    pub fn check_end(&self) -> Result<(), Violation> {
        let orphan = self
            .effects
            .iter()
            .find(|(id, e)| !e.is_none() && !self.ends.contains_key(id));
        match orphan {
            Some((id, e)) => violation(
                &SAGA_ATOMICITY,
                format!("{id} took effect ({e}) but the orchestrator never ended its saga"),
            ),
            None => Ok(()),
        }
    }

    fn check_service(
        &mut self,
        world: &World<SagaNode>,
        i: usize,
        service: Service,
    ) -> Result<(), Violation> {
        if !self.examined.changed(world, service.node()) {
            return Ok(());
        }
        let Some(node) = world.actor(service.node()).and_then(SagaNode::as_service) else {
            return Ok(()); // crashed: its ledger comes back from disk
        };
        let from = self.ledger_cursor[i].min(node.ledger.len());
        self.ledger_cursor[i] = node.ledger.len();
        for (command, outcome) in &node.ledger[from..] {
            if *outcome == Outcome::Done {
                self.record_effect(command)?;
            }
        }
        if let Some(inventory) = node.books.as_inventory() {
            self.check_stock(inventory)?;
        }
        if let Some(payment) = node.books.as_payment() {
            self.check_money(payment)?;
        }
        Ok(())
    }

    fn record_effect(&mut self, command: &Command) -> Result<(), Violation> {
        let id = command.order.id;
        let effects = self.effects.entry(id).or_default();
        effects.times[command.action.index()] += 1;
        let effects = *effects;
        let times = effects.times(command.action);
        if times > 1 {
            return violation(
                &AT_MOST_ONCE,
                format!(
                    "{id}: {:?} took effect {times} times (the last by command {}.{})",
                    command.action, command.id.boot, command.id.n
                ),
            );
        }
        if self.told_failed.contains(&id) {
            self.check_net_zero(id, &effects, "after its customer was told it failed")?;
        }
        match self.ends.get(&id) {
            Some(&end) => self.check_ended(id, end, &effects),
            None => Ok(()),
        }
    }

    fn check_orchestrator(&mut self, world: &World<SagaNode>) -> Result<(), Violation> {
        if !self.examined.changed(world, ORCHESTRATOR) {
            return Ok(());
        }
        let Some(orchestrator) = world
            .actor(ORCHESTRATOR)
            .and_then(SagaNode::as_orchestrator)
        else {
            return Ok(());
        };
        if orchestrator.boot != self.orchestrator_boot {
            self.orchestrator_boot = orchestrator.boot;
            self.ended_cursor = 0; // a new incarnation: its log starts empty
        }
        let log = &orchestrator.ended_log;
        let from = self.ended_cursor.min(log.len());
        self.ended_cursor = log.len();
        for &(id, end) in &log[from..] {
            self.ends.insert(id, end);
            if let Some(saga) = orchestrator.sagas.get(&id) {
                self.ended_orders.insert(id, saga.order);
            }
            let effects = self.effects.get(&id).copied().unwrap_or_default();
            self.check_ended(id, end, &effects)?;
        }
        Ok(())
    }

    fn check_customers(&mut self, world: &World<SagaNode>) -> Result<(), Violation> {
        for observed in world.unread_observations(&mut self.observed_cursor) {
            let event = &observed.value;
            let placed = self.placed.entry(event.process).or_default();
            if event.kind == ClientEventKind::Invoke {
                *placed += 1;
                continue;
            }
            let id = OrderId {
                customer: (event.process - SERVERS as u64) as u32,
                seq: *placed,
            };
            self.check_told(id, event)?;
            match event.kind {
                ClientEventKind::Invoke => {}
                ClientEventKind::Fail => {
                    self.told_failed.insert(id);
                    let effects = self.effects.get(&id).copied().unwrap_or_default();
                    self.check_net_zero(id, &effects, "when its customer was told it failed")?;
                }
                ClientEventKind::Ok | ClientEventKind::Info => {}
            }
        }
        Ok(())
    }

    /// `told_as_recorded` for one answer a customer heard about its order `id`.
    fn check_told(&self, id: OrderId, event: &ClientEvent) -> Result<(), Violation> {
        let told = match event.kind {
            ClientEventKind::Ok => "completed",
            ClientEventKind::Fail => "cancelled",
            ClientEventKind::Invoke | ClientEventKind::Info => return Ok(()),
        };
        let item = event.key.as_deref().and_then(|k| k.strip_prefix('i'));
        let ordered = format!(
            "i{}×{}",
            item.unwrap_or("?"),
            event.value.as_deref().unwrap_or("?")
        );
        let (Some(order), Some(end)) = (self.ended_orders.get(&id), self.ends.get(&id)) else {
            return violation(
                &TOLD_AS_RECORDED,
                format!("{id} ({ordered}) was told it {told}, but no saga of that id ended"),
            );
        };
        let recorded = format!("i{}×{}", order.item, order.qty);
        let ended = match end {
            SagaEnd::Completed => "completed",
            SagaEnd::Cancelled(_) => "cancelled",
        };
        if recorded == ordered && ended == told {
            return Ok(());
        }
        violation(
            &TOLD_AS_RECORDED,
            format!(
                "{id} ({ordered}) was told it {told}, but its saga was for {recorded} and {ended}"
            ),
        )
    }

    fn check_ended(&self, id: OrderId, end: SagaEnd, effects: &Effects) -> Result<(), Violation> {
        let consistent = match end {
            SagaEnd::Completed => effects.is_complete(),
            SagaEnd::Cancelled(_) => effects.is_net_zero(),
        };
        if consistent {
            return Ok(());
        }
        violation(
            &SAGA_ATOMICITY,
            format!("{id} ended {end:?} but what took effect is: {effects}"),
        )
    }

    fn check_net_zero(&self, id: OrderId, effects: &Effects, when: &str) -> Result<(), Violation> {
        if effects.is_net_zero() {
            return Ok(());
        }
        violation(
            &CANCELLED_NET_ZERO,
            format!("{id} is not undone {when}: {effects}"),
        )
    }

    fn check_stock(&self, inventory: &Inventory) -> Result<(), Violation> {
        for item in 0..inventory.on_hand.len() {
            let (on_hand, reserved, shipped) = (
                inventory.on_hand[item],
                inventory.reserved[item],
                inventory.shipped[item],
            );
            if on_hand + reserved + shipped != self.stock_per_item {
                return violation(
                    &STOCK_CONSERVED,
                    format!(
                        "item i{item}: {on_hand} on hand + {reserved} reserved + {shipped} shipped \
                            ≠ {} stocked",
                        self.stock_per_item
                    ),
                );
            }
        }
        Ok(())
    }

    fn check_money(&self, payment: &Payment) -> Result<(), Violation> {
        let balances: i64 = payment.balances.iter().sum();
        if balances + payment.revenue == self.money_total {
            return Ok(());
        }
        violation(
            &MONEY_CONSERVED,
            format!(
                "balances {balances} + revenue {} ≠ {} opening balances",
                payment.revenue, self.money_total
            ),
        )
    }
}
