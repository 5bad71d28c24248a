//! The key-value client actor, shared by every protocol with a `kv` workload.
//!
//! A client runs its operations one at a time: drawn at random and paced over the
//! fault period so that faults hit operations in flight, or taken from an explicit
//! script (what the shrinker writes), each invoked no earlier than its time. It sends
//! each command to the server it believes leads, follows `NotLeader` hints, and on a
//! timeout retries the same command (same session sequence number, so it applies at
//! most once) on the next server. It keeps retrying until the command completes: with
//! sessions a retry is always safe, so the history has no indeterminate operations
//! except those cut off by the end of a run. Retries can back off: the first waits
//! `client_retry_ms`, each further retry of the same command up to twice as long as
//! the one before (drawn from the upper half of that window with the node's own
//! random stream, so runs stay deterministic), capped at `client_retry_max_ms`. A
//! fixed short retry keeps handing a slow leader the same command, which it appends
//! to its log again each time; but under plain message loss backing off lengthens
//! the tail (BENCHMARKS.md, operations per second under loss), so the default cap
//! equals the first wait: no backoff unless a scenario asks for it.
//! Every invocation and completion is reported as a [`ClientEvent`] observation.
//! A client node that crashes and restarts is a new process with a fresh id (and so
//! a fresh session): the crashed process's operation stays pending in the history,
//! and the new one runs the rest of the plan. Its command numbers start past any its
//! node's earlier processes used, since answers carry only the number: a late answer
//! to the crashed process's command must not complete the new one's.

use crate::history::{client_process, ClientEvent, ClientEventKind};
use crate::kv::op::{Command, KvOp, KvOutput, KvRequest, KvResponse};
use crate::kv::options::KvClientOptions;
use crate::kv::script::kv_op;
use crate::plan::{Pacing, Plan};
use crate::protocol::{Setup, Workload};
use faultline_sim::context::TimerId;
use faultline_sim::{Actor, Context, Nanos, NodeId, MILLISECOND};
use serde::Serialize;
use std::rc::Rc;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientTimer {
    /// Time to invoke the next operation.
    NextOp,
    /// No answer for the command with this sequence number: try again.
    Retry { seq: u64 },
}

/// How a client behaves; the same for every client of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientConfig {
    pub servers: u32,
    pub keys: usize,
    pub read_ratio: f64,
    pub pacing: Pacing,
    /// How long to wait for an answer before the first retry elsewhere.
    pub retry_ns: Nanos,
    /// The longest wait before a retry, however many came before.
    pub retry_max_ns: Nanos,
    /// The chance that a random write is an append rather than a put.
    pub append_ratio: f64,
}

/// A process's command numbers stay below `1 << SEQ_BITS_PER_PROCESS` (a plan has
/// fewer operations: a scenario's `ops` is a `u32`), so each restart of a client
/// node numbers its commands in a range of its own.
const SEQ_BITS_PER_PROCESS: u32 = 32;

/// What one key-value client runs.
pub type ClientPlan = Plan<KvOp>;

impl ClientConfig {
    /// Paces `workload` so each client's operations spread over `fault_period_ns`,
    /// with the default retries and writes.
    pub fn for_workload(workload: &Workload, servers: usize, fault_period_ns: Nanos) -> Self {
        ClientConfig {
            servers: servers as u32,
            keys: workload.keys.max(1),
            read_ratio: workload.read_ratio,
            pacing: Pacing::for_workload(workload, fault_period_ns),
            retry_ns: 100 * MILLISECOND,
            retry_max_ns: 100 * MILLISECOND,
            append_ratio: 0.5,
        }
    }

    /// [`ClientConfig::for_workload`] for `setup`, with the client options it sets.
    pub fn for_setup(setup: &Setup, options: &KvClientOptions) -> Self {
        let mut config = Self::for_workload(&setup.workload, setup.servers, setup.fault_period_ns);
        // Saturating: an absurd option value means "never", not an overflow.
        config.retry_ns = options.client_retry_ms.max(1).saturating_mul(MILLISECOND);
        let retry_max_ns = options.client_retry_max_ms.saturating_mul(MILLISECOND);
        config.retry_max_ns = retry_max_ns.max(config.retry_ns);
        config.append_ratio = options.append_percent.min(100) as f64 / 100.0;
        config
    }

    /// The wait before retrying a command already retried `retries` times: the first
    /// wait is exactly `retry_ns`; later ones are drawn from the upper half of a window
    /// that starts at `retry_ns` and doubles each time, up to `retry_max_ns`. With
    /// `retry_max_ns` no longer than `retry_ns` (the default) every wait is `retry_ns`
    /// and nothing is drawn.
    pub fn retry_delay(&self, retries: u32, rng: &mut faultline_sim::SimRng) -> Nanos {
        if retries == 0 || self.retry_max_ns <= self.retry_ns {
            return self.retry_ns;
        }
        let window = self
            .retry_ns
            .saturating_mul(1 << (retries - 1).min(20))
            .min(self.retry_max_ns);
        rng.range_inclusive(window / 2, window)
    }

    /// What client number `index` (0-based among clients) runs: its share of the
    /// random operations, or its part of the script.
    pub fn plan_for(workload: &Workload, index: usize) -> ClientPlan {
        Plan::for_client(workload, index, kv_op)
    }
}

#[derive(Clone, Debug)]
pub struct KvClient {
    config: ClientConfig,
    process: u64,
    plan: ClientPlan,
    ops_left: usize,
    /// Operations of the plan invoked (by this node's processes, or skipped at a
    /// restart): the plan's index of the next.
    seq: u64,
    /// Added to `seq` to number commands: zero for the node's first process, past
    /// every number its earlier processes could have used for the others.
    seq_base: u64,
    in_flight: Option<Command>,
    leader_guess: u32,
    retry_timer: Option<TimerId>,
    /// How often the command in flight has been retried.
    retries: u32,
}

impl KvClient {
    pub fn new(id: NodeId, config: ClientConfig, plan: ClientPlan) -> Self {
        let leader_guess = id.0 % config.servers.max(1);
        KvClient {
            config,
            process: u64::from(id.0),
            ops_left: plan.len(),
            plan,
            seq: 0,
            seq_base: 0,
            in_flight: None,
            leader_guess,
            retry_timer: None,
            retries: 0,
        }
    }

    /// Operations not yet completed (including the one in flight).
    pub fn unfinished(&self) -> usize {
        self.ops_left
    }

    pub fn on_start<A>(&mut self, ctx: &mut Context<'_, A>)
    where
        A: Actor<Observation = ClientEvent>,
        A::Msg: From<KvRequest>,
        A::Timer: From<ClientTimer>,
    {
        if ctx.incarnation() > 0 {
            self.take_over(ctx);
        }
        self.schedule_next(ctx);
    }

    /// This node crashed and restarted: a new process, with a fresh id (so a fresh
    /// session with the servers), runs the rest of the node's plan.
    fn take_over<A: Actor>(&mut self, ctx: &Context<'_, A>) {
        self.process = client_process(ctx);
        self.seq_base = u64::from(ctx.incarnation()) << SEQ_BITS_PER_PROCESS;
        self.seq = self.plan.resume_at(ctx.now()) as u64;
        self.ops_left = self.plan.len() - self.seq as usize;
    }

    pub fn on_timer<A>(&mut self, ctx: &mut Context<'_, A>, timer: ClientTimer)
    where
        A: Actor<Observation = ClientEvent>,
        A::Msg: From<KvRequest>,
        A::Timer: From<ClientTimer>,
    {
        match timer {
            ClientTimer::NextOp => self.invoke(ctx),
            ClientTimer::Retry { seq } => {
                if self.in_flight.as_ref().is_some_and(|c| c.seq == seq) {
                    self.retries += 1;
                    self.leader_guess = (self.leader_guess + 1) % self.config.servers;
                    self.send(ctx);
                }
            }
        }
    }

    pub fn on_response<A>(&mut self, ctx: &mut Context<'_, A>, response: KvResponse)
    where
        A: Actor<Observation = ClientEvent>,
        A::Msg: From<KvRequest>,
        A::Timer: From<ClientTimer>,
    {
        let Some(command) = &self.in_flight else {
            return; // a late answer to an operation already completed
        };
        match response {
            KvResponse::Applied { seq, output } if seq == command.seq => {
                self.complete(ctx, output);
            }
            KvResponse::NotLeader { seq, leader_hint } if seq == command.seq => {
                let next = (self.leader_guess + 1) % self.config.servers;
                let hinted = leader_hint.filter(|&h| h < self.config.servers);
                self.leader_guess = hinted.unwrap_or(next);
                if hinted.is_none() {
                    // Nobody knows a leader yet: back off a little before asking again.
                    self.arm_retry(ctx, self.config.retry_ns / 4);
                } else {
                    self.send(ctx);
                }
            }
            _ => {} // an answer to an older sequence number
        }
    }

    fn schedule_next<A>(&mut self, ctx: &mut Context<'_, A>)
    where
        A: Actor<Observation = ClientEvent>,
        A::Msg: From<KvRequest>,
        A::Timer: From<ClientTimer>,
    {
        if self.ops_left == 0 {
            return;
        }
        let think = self
            .config
            .pacing
            .delay_before(&self.plan, self.seq as usize, ctx);
        ctx.set_timer(think, ClientTimer::NextOp.into());
    }

    fn invoke<A>(&mut self, ctx: &mut Context<'_, A>)
    where
        A: Actor<Observation = ClientEvent>,
        A::Msg: From<KvRequest>,
        A::Timer: From<ClientTimer>,
    {
        debug_assert!(self.in_flight.is_none(), "one operation at a time");
        let op = match self.plan.scripted(self.seq as usize) {
            Some(op) => op.clone(),
            None => self.random_op(ctx),
        };
        self.seq += 1;
        ctx.observe(ClientEvent {
            process: self.process,
            kind: ClientEventKind::Invoke,
            f: op.name(),
            key: Some(op.key().to_string()),
            value: op.written().map(str::to_string),
        });
        self.in_flight = Some(Command {
            client: self.process,
            seq: self.command_seq(),
            op,
        });
        self.retries = 0;
        self.send(ctx);
    }

    /// The number of the command for the plan's operation `seq` (1-based).
    fn command_seq(&self) -> u64 {
        debug_assert!(
            self.seq < 1 << SEQ_BITS_PER_PROCESS,
            "a plan of 2^32 operations"
        );
        self.seq_base + self.seq
    }

    fn random_op<A: Actor>(&self, ctx: &mut Context<'_, A>) -> KvOp {
        let rng = ctx.rng();
        let key: Rc<str> = format!("k{}", rng.below(self.config.keys as u64)).into();
        if rng.chance(self.config.read_ratio) {
            return KvOp::Get { key };
        }
        // Unique and self-delimiting, so no written value is a substring of another.
        let value: Rc<str> = format!("<{}.{}>", self.process, self.seq + 1).into();
        if rng.chance(1.0 - self.config.append_ratio) {
            KvOp::Put { key, value }
        } else {
            KvOp::Append { key, value }
        }
    }

    fn send<A>(&mut self, ctx: &mut Context<'_, A>)
    where
        A: Actor<Observation = ClientEvent>,
        A::Msg: From<KvRequest>,
        A::Timer: From<ClientTimer>,
    {
        let Some(command) = self.in_flight.clone() else {
            return;
        };
        ctx.send(NodeId(self.leader_guess), KvRequest { command }.into());
        let delay_ns = self.config.retry_delay(self.retries, ctx.rng());
        self.arm_retry(ctx, delay_ns);
    }

    fn arm_retry<A>(&mut self, ctx: &mut Context<'_, A>, delay_ns: Nanos)
    where
        A: Actor<Observation = ClientEvent>,
        A::Msg: From<KvRequest>,
        A::Timer: From<ClientTimer>,
    {
        let seq = self.command_seq();
        ctx.reset_timer(
            &mut self.retry_timer,
            delay_ns,
            ClientTimer::Retry { seq }.into(),
        );
    }

    fn complete<A>(&mut self, ctx: &mut Context<'_, A>, output: KvOutput)
    where
        A: Actor<Observation = ClientEvent>,
        A::Msg: From<KvRequest>,
        A::Timer: From<ClientTimer>,
    {
        let command = self
            .in_flight
            .take()
            .expect("completing the operation in flight");
        if let Some(timer) = self.retry_timer.take() {
            ctx.cancel_timer(timer);
        }
        let value = match output {
            KvOutput::Value(v) => Some(v),
            KvOutput::Done => command.op.written().map(str::to_string),
        };
        ctx.observe(ClientEvent {
            process: self.process,
            kind: ClientEventKind::Ok,
            f: command.op.name(),
            key: Some(command.op.key().to_string()),
            value,
        });
        self.ops_left -= 1;
        self.schedule_next(ctx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_sim::rng::Stream;
    use faultline_sim::SimRng;

    fn setup(options: serde_json::Value) -> Setup {
        Setup {
            servers: 3,
            workload: Workload::default(),
            bugs: Default::default(),
            options: serde_json::from_value(options).unwrap(),
            fault_period_ns: MILLISECOND,
        }
    }

    fn config(options: serde_json::Value) -> ClientConfig {
        let setup = setup(options);
        let options: KvClientOptions = setup.read_options().unwrap();
        ClientConfig::for_setup(&setup, &options)
    }

    #[test]
    fn by_default_every_retry_waits_the_same_and_draws_nothing() {
        let config = config(serde_json::json!({}));
        let mut rng = SimRng::new(1, Stream::Workload);
        let mut untouched = SimRng::new(1, Stream::Workload);
        for retries in 0..6 {
            assert_eq!(config.retry_delay(retries, &mut rng), 100 * MILLISECOND);
        }
        assert_eq!(rng.next_u64(), untouched.next_u64());
        assert_eq!(config.append_ratio, 0.5);
    }

    #[test]
    fn retries_back_off_within_a_doubling_window_up_to_the_cap() {
        let options = serde_json::json!({"client_retry_max_ms": 800, "append_percent": 70});
        let config = config(options);
        assert_eq!(config.append_ratio, 0.7);
        let mut rng = SimRng::new(7, Stream::Workload);
        assert_eq!(config.retry_delay(0, &mut rng), 100 * MILLISECOND);
        for (retries, window_ms) in [(1, 100), (2, 200), (3, 400), (4, 800), (9, 800)] {
            for _ in 0..20 {
                let delay = config.retry_delay(retries, &mut rng);
                let window = window_ms * MILLISECOND;
                assert!((window / 2..=window).contains(&delay), "{retries}: {delay}");
            }
        }
    }
}
