//! The orchestrator (node 0): runs one saga per order, driving it through the
//! services with commands and moving it on only when a reply says what happened.
//!
//! A new order begins a saga keyed by the order's id, so a customer's retry finds the
//! saga it already started (and, once it ended, is told the end again). A reply to the
//! pending command moves the saga to its next state (`state`), which is made durable
//! before the command it implies is sent (`outbox`). A command still unanswered after
//! `command_retry_ns` is resent with the same id: the service answers a command it has
//! already applied from its table, so a retry is always safe, and a late reply is
//! never mistaken for a refusal. After a restart every unfinished saga resends its
//! pending command.

use crate::saga::config::SagaConfig;
use crate::saga::messages::{
    Command, CommandId, Msg, Order, OrderId, Outcome, Refusal, SagaEnd, Timer,
};
use crate::saga::node::SagaNode;
use crate::saga::situations as s;
use crate::saga::state::{Phase, SagaState};
use faultline_sim::actor::Role;
use faultline_sim::context::TimerId;
use faultline_sim::{Context, NodeId};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

pub type Ctx<'a> = Context<'a, SagaNode>;

#[derive(Clone, Debug)]
pub struct Orchestrator {
    pub(super) config: Rc<SagaConfig>,
    /// Every saga this orchestrator knows, ended ones included (they answer retries).
    pub sagas: BTreeMap<OrderId, SagaState>,
    /// The sagas of `sagas` not yet ended, kept in step with it (liveness asks after
    /// every event).
    pub(super) open: BTreeSet<OrderId>,
    retry_timers: BTreeMap<OrderId, TimerId>,
    /// How many times it has started (its durable `Boot` records).
    pub boot: u64,
    /// Commands minted in this boot.
    minted: u64,
    /// Sagas ended in this incarnation, in order (volatile; the invariant checker
    /// reads it, and after a restart the recovered ends were already seen).
    pub ended_log: Vec<(OrderId, SagaEnd)>,
    /// `saga.state_after_send`: the pending background flush.
    pub(super) flush_timer: Option<TimerId>,
}

impl Orchestrator {
    pub fn new(config: Rc<SagaConfig>) -> Self {
        Orchestrator {
            config,
            sagas: BTreeMap::new(),
            open: BTreeSet::new(),
            retry_timers: BTreeMap::new(),
            boot: 0,
            minted: 0,
            ended_log: Vec::new(),
            flush_timer: None,
        }
    }

    pub fn on_start(&mut self, ctx: &mut Ctx<'_>) {
        self.recover(ctx);
        if self.boot > 1 {
            ctx.sometimes(s::ORCHESTRATOR_RECOVERED);
        }
        let pending: Vec<Command> = self.sagas.values().filter_map(|s| s.pending).collect();
        for command in pending {
            ctx.sometimes(s::RESENT_AFTER_RESTART);
            self.send_command(ctx, command);
        }
    }

    pub fn on_message(&mut self, ctx: &mut Ctx<'_>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Order(order) => self.on_order(ctx, from, order),
            Msg::Reply { id, order, outcome } => self.on_reply(ctx, id, order, outcome),
            other @ (Msg::OrderEnded { .. } | Msg::Command(_)) => {
                unreachable!("the orchestrator got its own kind of message {other:?} from {from:?}")
            }
        }
    }

    pub fn on_timer(&mut self, ctx: &mut Ctx<'_>, timer: Timer) {
        match timer {
            Timer::Retry { order, command } => self.on_retry(ctx, order, command),
            Timer::Flush => self.flush(ctx),
            timer @ (Timer::NextOrder | Timer::OrderRetry { .. }) => {
                unreachable!("the orchestrator got a customer's timer {timer:?}")
            }
        }
    }

    /// The `leader` fault target, ranked by boot, so the nemesis's leader bias and
    /// leader churn aim at the orchestrator (and at it again soon after a restart).
    pub fn role(&self) -> Option<Role> {
        Some(Role {
            name: "leader",
            rank: self.boot,
        })
    }

    /// Sagas not yet ended.
    pub fn unfinished(&self) -> usize {
        self.open.len()
    }

    fn on_order(&mut self, ctx: &mut Ctx<'_>, from: NodeId, order: Order) {
        debug_assert_eq!(from, self.config.customer_node(order.id.customer));
        match self.sagas.get(&order.id) {
            Some(saga) => {
                if let Some(end) = saga.end() {
                    ctx.sometimes(s::RETRY_TOLD_THE_END);
                    self.tell_customer(ctx, order.id, end);
                }
                // Still running: the customer hears when it ends.
            }
            None => {
                let amount = self.config.amount(order.qty);
                let saga = SagaState::begin(order, amount, self.mint());
                self.transition(ctx, saga);
            }
        }
    }

    fn on_reply(&mut self, ctx: &mut Ctx<'_>, id: CommandId, order: OrderId, outcome: Outcome) {
        let Some(saga) = self.sagas.get(&order).cloned() else {
            return;
        };
        if saga.pending.map(|c| c.id) != Some(id) {
            ctx.sometimes(s::IGNORED_STALE_REPLY);
            return; // a duplicate or late reply to a command already answered
        }
        let next = saga.after(outcome, self.mint());
        if outcome == Outcome::Refused(Refusal::NoDeliverySlot) {
            ctx.sometimes(s::REFUSED_AT_PIVOT);
        }
        if matches!(next.phase, Phase::Compensating { .. }) {
            ctx.sometimes(s::COMPENSATING);
        }
        if matches!(saga.phase, Phase::Compensating { .. }) && next.is_ended() {
            ctx.sometimes(s::CANCELLED_AFTER_COMPENSATING);
        }
        self.transition(ctx, next);
    }

    fn on_retry(&mut self, ctx: &mut Ctx<'_>, order: OrderId, id: CommandId) {
        let Some(saga) = self.sagas.get(&order).cloned() else {
            return;
        };
        let Some(command) = saga.pending.filter(|c| c.id == id) else {
            return; // answered meanwhile
        };
        ctx.sometimes(s::RESENT_UNANSWERED_COMMAND);
        if self.config.bugs.timeout_is_failure && command.action.can_be_refused() {
            let next = saga.refused(Refusal::TimedOut, self.mint());
            self.transition(ctx, next);
            return;
        }
        self.send_command(ctx, command);
    }

    /// Sends `command` to its service and arms its retry (replacing the saga's last).
    pub(super) fn send_command(&mut self, ctx: &mut Ctx<'_>, command: Command) {
        ctx.send(command.action.service().node(), Msg::Command(command));
        let order = command.order.id;
        let retry = Timer::Retry {
            order,
            command: command.id,
        };
        let mut slot = self.retry_timers.remove(&order);
        ctx.reset_timer(&mut slot, self.config.command_retry_ns, retry);
        self.retry_timers.extend(slot.map(|timer| (order, timer)));
    }

    /// The saga ended: stop retrying and tell its customer.
    pub(super) fn finish(&mut self, ctx: &mut Ctx<'_>, order: OrderId, end: SagaEnd) {
        if let Some(timer) = self.retry_timers.remove(&order) {
            ctx.cancel_timer(timer);
        }
        self.ended_log.push((order, end));
        self.tell_customer(ctx, order, end);
    }

    fn tell_customer(&self, ctx: &mut Ctx<'_>, id: OrderId, end: SagaEnd) {
        let customer = self.config.customer_node(id.customer);
        ctx.send(customer, Msg::OrderEnded { id, end });
    }

    fn mint(&mut self) -> CommandId {
        self.minted += 1;
        CommandId {
            boot: self.boot,
            n: self.minted,
        }
    }
}
