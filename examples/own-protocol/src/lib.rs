//! The ABD quorum register (Attiya, Bar-Noy, Dolev 1995), multi-writer, as an example
//! of testing your own protocol with faultline.
//!
//! Sketch. `N` replicas (nodes `0..N`) each store one timestamped value per register;
//! they never talk to each other. Clients (the nodes after them) run every operation
//! against a quorum (a majority) of replicas in two phases: a write asks a quorum for
//! their timestamps and stores its value under a higher one on a quorum; a read asks a
//! quorum for their values, takes the newest and writes it back to a quorum before
//! returning it. Any two majorities share a replica, so every operation sees the newest
//! completed write, and the write-back makes sure a later read cannot see an older
//! value than an earlier read did: the register is linearizable without a leader, as
//! long as a majority of replicas is up and reachable.
//!
//! Where to look: [`timestamp`] (the order of writes), [`messages`], [`replica`] (the
//! store, durable before it acks, recovered in `on_start`), [`client`] (the two
//! phases, resends, giving up), [`op`] (read/write and scripts), [`node`] (the actor
//! enum), [`config`] (options), [`bugs`], [`properties`] (what is checked),
//! [`invariants`] (how), [`situations`] (the paths a good scenario reaches). Everything from
//! faultline comes through [`api`].

pub mod api;
pub mod bugs;
pub mod client;
pub mod config;
pub mod crash_points;
pub mod invariants;
pub mod messages;
pub mod node;
pub mod op;
pub mod properties;
pub mod replica;
pub mod situations;
pub mod timestamp;

use crate::api::{
    BugInfo, NodeId, Property, Protocol, ScriptProblem, ScriptedOp, Setup, SetupError, Violation,
    Workload, World,
};
use crate::config::AbdConfig;
use crate::invariants::AbdChecker;
use crate::node::AbdNode;
use std::rc::Rc;

/// The ABD register as a faultline protocol: `"kind": "abd"` in a scenario.
pub struct Abd {
    config: Rc<AbdConfig>,
    workload: Workload,
    checker: AbdChecker,
}

impl Abd {
    /// How this run was set up (quorum size, timing, bugs).
    pub fn config(&self) -> &AbdConfig {
        &self.config
    }
}

impl Protocol for Abd {
    type Node = AbdNode;
    type Options = config::AbdOptions;
    const NAME: &'static str = "abd";
    const SUMMARY: &'static str =
        "ABD quorum register: leaderless multi-writer reads and writes on majorities of replicas";
    const HISTORY_MODEL: Option<&'static str> = Some("register");
    const TAKES_SCRIPT: bool = true;

    fn check_script(script: &[ScriptedOp]) -> Result<(), ScriptProblem> {
        op::check_script(script)
    }

    fn bugs() -> &'static [BugInfo] {
        bugs::BUGS
    }

    fn properties() -> &'static [Property] {
        properties::PROPERTIES
    }

    fn situations() -> &'static [&'static str] {
        situations::SITUATIONS
    }

    fn crash_points() -> &'static [&'static str] {
        crash_points::CRASH_POINTS
    }

    fn build(setup: &Setup) -> Result<Self, SetupError> {
        let config = AbdConfig::from_setup(setup)?;
        Ok(Abd {
            checker: AbdChecker::new(setup.servers, setup.workload.clients),
            config: Rc::new(config),
            workload: setup.workload.clone(),
        })
    }

    fn node_factory(&self) -> Box<dyn FnMut(NodeId) -> AbdNode> {
        node::node_factory(self.config.clone(), self.workload.clone())
    }

    /// Its checks read the nodes, never the observations whole: a run may forget
    /// them once read, and a long run's memory stays flat.
    fn reads_observations_as_they_come(&self) -> bool {
        true
    }

    fn check_step(&mut self, world: &World<AbdNode>) -> Result<(), Violation> {
        self.checker.check(world)
    }

    fn unfinished_ops(&self, world: &World<AbdNode>) -> usize {
        let clients = &world.actors()[self.config.replicas as usize..];
        let clients = clients.iter().flatten().filter_map(AbdNode::as_client);
        clients.map(|c| c.unfinished()).sum()
    }
}
