//! An orchestrated saga (Garcia-Molina & Salem 1987; Richardson, Microservices
//! Patterns ch. 4): customers' orders carried out across three services, with
//! compensations instead of a distributed transaction.
//!
//! Sketch. Node 0 is the orchestrator; nodes 1, 2, 3 are inventory, payment and
//! delivery; clients are customers. A customer sends an order (item, quantity) with
//! its request id; the orchestrator starts the saga of that id, or, for a retry,
//! finds the one it started. The saga's steps, one command at a time:
//!
//! ```text
//!   Reserve stock ──▶ Charge customer ──▶ Schedule delivery ──▶ Ship stock ──▶ Completed
//!   (inventory)       (payment)           (delivery, pivot)     (inventory)
//!       │ refused         │ refused            │ refused
//!       ▼                 ▼                    ▼
//!   Cancelled ◀── Release ◀────────── Refund ◀─┘        (compensations, in reverse)
//! ```
//!
//! A step is refused for a reason (out of stock, insufficient funds, no delivery
//! slot); the steps done before it are compensated in reverse order, each retried
//! until acknowledged, and the saga ends cancelled. Every transition is fsynced, with
//! the command it implies, before the command is sent (the outbox); an unanswered
//! command is resent with the same id, and services keep a durable table of the
//! commands they applied, so a resent or duplicated command is answered from the
//! table and applied once. A timeout is never a refusal. After a restart the
//! orchestrator reloads its sagas and resends each unfinished one's pending command.
//! The customer hears `ok` (completed) or `fail` (cancelled: nothing took effect, net).
//!
//! Invariants (`invariants`), after every event: `at_most_once`, `saga_atomicity`,
//! `cancelled_net_zero`, `money_conserved`, `stock_conserved`; liveness (every saga
//! ends after the faults heal) through `unfinished_ops`.
//!
//! Where to look: `state` (the saga as a pure state machine), `orchestrator` (orders,
//! replies, retries), `outbox` (persist before send, recovery), `service` (at-most-once
//! application), `books` (what each action does to stock, money and slots),
//! `customer` (the client), `invariants`, `bugs`, `config`, `messages`, `node`,
//! `script`.

pub mod books;
pub mod bugs;
pub mod config;
pub mod customer;
pub mod invariants;
pub mod messages;
pub mod node;
pub mod options;
pub mod orchestrator;
pub mod outbox;
pub mod properties;
pub mod script;
pub mod service;
pub mod situations;
pub mod state;

use crate::assumptions::Assumptions;
use crate::bugs::BugInfo;
use crate::property::Property;
use crate::protocol::{
    Protocol, ScriptProblem, ScriptedOp, Setup, SetupError, Violation, Workload,
};
use bugs::BUGS;
use config::{SagaConfig, ORCHESTRATOR};
use faultline_sim::{NodeId, World};
use invariants::SagaChecker;
use node::SagaNode;
pub use options::SagaOptions;
use std::rc::Rc;

pub struct Saga {
    config: Rc<SagaConfig>,
    workload: Workload,
    checker: SagaChecker,
}

impl Protocol for Saga {
    type Node = SagaNode;
    type Options = SagaOptions;
    const NAME: &'static str = "saga";
    const SUMMARY: &'static str =
        "orchestrated order saga: reserve stock, charge, schedule delivery, ship; compensations on \
            refusal (4 nodes)";
    const HISTORY_MODEL: Option<&'static str> = None;
    const HAS_CLIENTS: bool = true;
    const TAKES_SCRIPT: bool = true;

    fn check_script(script: &[ScriptedOp]) -> Result<(), ScriptProblem> {
        script::check_script(script)
    }

    fn bugs() -> &'static [BugInfo] {
        BUGS
    }

    fn properties() -> &'static [Property] {
        properties::PROPERTIES
    }

    fn situations() -> &'static [&'static str] {
        situations::SITUATIONS
    }

    fn build(setup: &Setup) -> Result<Self, SetupError> {
        let config = SagaConfig::from_setup(setup)?;
        Ok(Saga {
            checker: SagaChecker::new(&config),
            config: Rc::new(config),
            workload: setup.workload.clone(),
        })
    }

    /// Its decisions and outbox survive a crash on disk.
    fn assumptions(&self) -> Assumptions {
        Assumptions {
            durable_disk: true,
            tolerates_fsync_errors: true,
            ..Assumptions::default()
        }
    }

    fn roles(&self) -> &'static [&'static str] {
        &["leader"]
    }

    fn node_factory(&self) -> Box<dyn FnMut(NodeId) -> SagaNode> {
        node::node_factory(self.config.clone(), self.workload.clone())
    }

    fn check_step(&mut self, world: &World<SagaNode>) -> Result<(), Violation> {
        self.checker.check(world)
    }

    fn check_end(&mut self, world: &World<SagaNode>) -> Result<(), Violation> {
        self.checker.check(world)?;
        self.checker.check_end()
    }

    /// Its checks read observations only in `check_step`, each once.
    fn reads_observations_as_they_come(&self) -> bool {
        true
    }

    /// Orders customers have not heard the end of, plus sagas the orchestrator has
    /// not ended (a saga redone after a restart can outlive its customer's answer).
    fn unfinished_ops(&self, world: &World<SagaNode>) -> usize {
        let actors = world.actors().iter().flatten();
        let customers: usize = actors
            .filter_map(SagaNode::as_customer)
            .map(|c| c.unfinished())
            .sum();
        let sagas = world
            .actor(ORCHESTRATOR)
            .and_then(SagaNode::as_orchestrator)
            .map_or(0, |o| o.unfinished());
        customers + sagas
    }
}
