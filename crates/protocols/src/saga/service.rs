//! A service (inventory, payment or delivery): applies the orchestrator's commands to
//! its books, at most once each.
//!
//! Every command applied is written to disk with its outcome and fsynced before the
//! reply goes out; the records are the service's table of applied commands. A command
//! whose id is in the table (a network duplicate, or the orchestrator's retry after a
//! lost reply) is answered from the table and not applied again. On restart the books
//! are rebuilt by replaying the table over the opening books.

use crate::saga::books::Books;
use crate::saga::config::{SagaConfig, ORCHESTRATOR};
use crate::saga::messages::{Command, CommandId, Msg, Outcome, Record, Service};
use crate::saga::node::SagaNode;
use crate::saga::situations as s;
use faultline_sim::Context;
use faultline_sim::NodeId;
use std::collections::BTreeMap;
use std::rc::Rc;

type Ctx<'a> = Context<'a, SagaNode>;

#[derive(Clone, Debug)]
pub struct ServiceNode {
    pub service: Service,
    config: Rc<SagaConfig>,
    pub books: Books,
    /// Command id → outcome: how a redelivered command is recognised.
    applied: BTreeMap<CommandId, Outcome>,
    /// Every application, in order, as on disk (a command appears twice only if it
    /// was applied twice). The invariant checker reads this.
    pub ledger: Vec<(Command, Outcome)>,
}

impl ServiceNode {
    pub fn new(service: Service, config: Rc<SagaConfig>) -> Self {
        ServiceNode {
            service,
            books: Books::opening(service, &config),
            config,
            applied: BTreeMap::new(),
            ledger: Vec::new(),
        }
    }

    pub fn on_start(&mut self, ctx: &mut Ctx<'_>) {
        let records = match ctx.disk().records() {
            Ok(records) => records.to_vec(),
            Err(corrupt) => return ctx.halt(corrupt), // refuse to start: stay down
        };
        for record in records {
            let Record::Applied { command, outcome } = record else {
                unreachable!("the orchestrator's record {record:?} on a service's disk");
            };
            ctx.sometimes(s::SERVICE_RECOVERED);
            debug_assert_eq!(command.action.service(), self.service, "its own commands");
            debug_assert!(
                self.config.bugs.non_idempotent_step || !self.applied.contains_key(&command.id),
                "a command is applied once, so it is on the disk once"
            );
            if outcome == Outcome::Done {
                self.books.replay(&command);
            }
            self.applied.insert(command.id, outcome);
            self.ledger.push((command, outcome));
        }
    }

    /// Only the orchestrator writes to a service, and only commands.
    pub fn on_message(&mut self, ctx: &mut Ctx<'_>, from: NodeId, msg: Msg) {
        let Msg::Command(command) = msg else {
            unreachable!(
                "service {:?} got {msg:?} from {from:?}: only commands",
                self.service
            );
        };
        self.on_command(ctx, command);
    }

    pub fn on_command(&mut self, ctx: &mut Ctx<'_>, command: Command) {
        debug_assert_eq!(
            command.action.service(),
            self.service,
            "routed to its service"
        );
        let known = self.applied.get(&command.id).copied();
        let outcome = match known {
            Some(outcome) if !self.config.bugs.non_idempotent_step => {
                ctx.sometimes(s::SERVICE_ANSWERED_FROM_TABLE);
                outcome
            }
            _ => self.apply(ctx, command),
        };
        let reply = Msg::Reply {
            id: command.id,
            order: command.order.id,
            outcome,
        };
        ctx.send(ORCHESTRATOR, reply);
    }

    /// Applies a command for the first time (or again, with the bug) and makes the
    /// application durable before anyone hears of it.
    fn apply(&mut self, ctx: &mut Ctx<'_>, command: Command) -> Outcome {
        let outcome = self.books.apply(&command);
        debug_assert!(
            self.config.bugs.any() || self.books.is_sound(),
            "{:?} went negative applying {command:?}: {:?}",
            self.service,
            self.books
        );
        ctx.disk().append(Record::Applied { command, outcome });
        ctx.fsync_or_halt(); // fail-stop: the outcome is never replied
        self.applied.insert(command.id, outcome);
        self.ledger.push((command, outcome));
        outcome
    }
}
