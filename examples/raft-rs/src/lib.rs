//! TiKV's raft-rs (the `raft` crate) under faultline, as an example of testing an
//! existing library: nothing here reimplements Raft.
//!
//! Each server is a raft-rs `RawNode` behind a thin adapter: faultline timers drive
//! its logical clock, faultline's network carries its messages, its `Ready` is
//! written to the simulated disk and fsynced before the messages that depend on it
//! leave, and its committed entries drive a key-value store that the built-in
//! key-value clients use. The checks read raft-rs's public state and the disks;
//! faultline adds liveness after the faults heal and linearizability of the client
//! history. The named bugs are the adapter's, never raft-rs's.
//!
//! Where to look: [`server`] (ticks, steps, proposals, the election jitter),
//! [`ready`] (the Ready contract and the bug branches), [`storage`] (raft-rs's
//! `Storage`), [`recovery`] (the disk after a crash), [`store`] and [`codec`] (the
//! state machine and its bytes), [`messages`], [`config`], [`bugs`], [`properties`],
//! [`invariants`], [`situations`]. Everything from faultline comes through [`api`].

pub mod api;
pub mod bugs;
pub mod codec;
pub mod config;
pub mod invariants;
pub mod messages;
pub mod node;
pub mod properties;
pub mod ready;
pub mod recovery;
pub mod server;
pub mod situations;
pub mod storage;
pub mod store;

use crate::api::{
    check_script, node_factory, unfinished_ops, BugInfo, ClientConfig, ClientEventKind, KvNode,
    NodeId, Property, Protocol, ScriptProblem, ScriptedOp, Setup, SetupError, Violation, Workload,
    World, AT_MOST_ONCE,
};
use crate::config::RaftRsConfig;
use crate::invariants::Checker;
use crate::server::Server;
use std::rc::Rc;

/// raft-rs as a faultline protocol: `"kind": "raftrs"` in a scenario.
pub struct RaftRs {
    config: Rc<RaftRsConfig>,
    clients: ClientConfig,
    workload: Workload,
    checker: Checker,
    /// Observations read so far, and how many were client invocations.
    observed: usize,
    invoked: u64,
}

impl Protocol for RaftRs {
    type Node = KvNode<Server>;
    type Options = config::RaftRsOptions;
    const NAME: &'static str = "raftrs";
    const SUMMARY: &'static str =
        "TiKV's raft-rs (crates.io `raft` 0.7) behind an adapter: a replicated key-value store";
    const HISTORY_MODEL: Option<&'static str> = Some("kv");
    const TAKES_SCRIPT: bool = true;

    fn check_script(script: &[ScriptedOp]) -> Result<(), ScriptProblem> {
        check_script(script)
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

    fn roles(&self) -> &'static [&'static str] {
        &["leader"]
    }

    fn build(setup: &Setup) -> Result<Self, SetupError> {
        let options: config::RaftRsOptions = setup.read_options()?;
        options.client.check()?;
        Ok(RaftRs {
            config: Rc::new(RaftRsConfig::from_setup(setup, &options)?),
            clients: ClientConfig::for_setup(setup, &options.client),
            workload: setup.workload.clone(),
            checker: Checker::new(setup.servers),
            observed: 0,
            invoked: 0,
        })
    }

    fn node_factory(&self) -> Box<dyn FnMut(NodeId) -> KvNode<Server>> {
        let config = self.config.clone();
        let make_server = move |id| Server::new(id, config.clone());
        node_factory(
            self.config.servers,
            self.clients.clone(),
            self.workload.clone(),
            make_server,
        )
    }

    fn check_step(&mut self, world: &World<KvNode<Server>>) -> Result<(), Violation> {
        let unread = world.unread_observations(&mut self.observed);
        let invocations = unread
            .iter()
            .filter(|o| o.value.kind == ClientEventKind::Invoke);
        self.invoked += invocations.count() as u64;
        self.checker.check(world)
    }

    /// Observations are read once each, in `check_step`: a run may forget them.
    fn reads_observations_as_they_come(&self) -> bool {
        true
    }

    /// No server applied more commands than clients invoked: sessions kept every
    /// retry and duplicate from applying twice.
    fn check_end(&mut self, world: &World<KvNode<Server>>) -> Result<(), Violation> {
        let invoked = self.invoked;
        for (i, node) in world.actors().iter().enumerate() {
            let Some(server) = node.as_ref().and_then(KvNode::as_server) else {
                continue;
            };
            if server.store.applied_count() > invoked {
                let detail = format!(
                    "n{i} applied {} commands but clients invoked only {invoked}",
                    server.store.applied_count()
                );
                return Err(Violation::of(&AT_MOST_ONCE, detail));
            }
        }
        Ok(())
    }

    fn unfinished_ops(&self, world: &World<KvNode<Server>>) -> usize {
        unfinished_ops(world)
    }
}
