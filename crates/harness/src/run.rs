//! Running a scenario with a seed: build the protocol's world, schedule the faults,
//! step it while checking invariants, then judge liveness and the client history.
//!
//! A run has three phases: the fault period `[0, duration)`, where explicit and random
//! faults fire; `RecoverAll` at `duration`; and the quiet period, which ends as soon
//! as every client operation completed, or after `quiet`, when the run is stuck.
//! Safety invariants are checked after every event, so a failing run stops at the
//! first event that broke one.

use crate::churn::LeaderChurn;
use crate::error::InputError;
use crate::linearizability::{check_history, HistoryVerdict};
use crate::outcome::{Outcome, Verdict};
use crate::scenario::Scenario;
use crate::swarm;
use faultline_protocols::registry::{with_protocol, ProtocolVisitor};
use faultline_protocols::{Protocol, Violation};
use faultline_sim::nemesis::{plan, NemesisConfig};
use faultline_sim::rng::{SimRng, Stream};
use faultline_sim::{FaultAction, World, WorldConfig};

/// How to run, beyond what the scenario says.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Keep every event for a trace file (costs memory proportional to the run).
    pub keep_trace: bool,
}

/// Runs `scenario` with its own seed (set `scenario.seed` to change it).
pub fn run(scenario: &Scenario, options: &RunOptions) -> Result<Outcome, InputError> {
    let visitor = RunVisitor { scenario, options };
    with_protocol(&scenario.protocol, visitor).unwrap_or_else(|| {
        Err(InputError::whole_file(
            &scenario.file.name,
            format!("unknown protocol `{}`", scenario.protocol),
        ))
    })
}

struct RunVisitor<'a> {
    scenario: &'a Scenario,
    options: &'a RunOptions,
}

impl ProtocolVisitor for RunVisitor<'_> {
    type Output = Result<Outcome, InputError>;
    fn visit<P: Protocol>(self) -> Self::Output {
        run_protocol::<P>(self.scenario, self.options)
    }
}

/// The fault settings of this run, after swarm choices.
struct Faults {
    nemesis: Option<NemesisConfig>,
    network: faultline_sim::NetworkConfig,
    unsynced_on_crash: faultline_sim::disk::UnsyncedOnCrash,
}

fn faults_of(scenario: &Scenario) -> Faults {
    if scenario.swarm {
        let choice = swarm::choose(
            scenario.seed,
            scenario.nemesis.as_ref(),
            &scenario.network,
            scenario.unsynced_on_crash,
        );
        return Faults {
            nemesis: Some(choice.nemesis),
            network: choice.network,
            unsynced_on_crash: choice.unsynced_on_crash,
        };
    }
    Faults {
        nemesis: scenario.nemesis.clone(),
        network: scenario.network.clone(),
        unsynced_on_crash: scenario.unsynced_on_crash,
    }
}

fn run_protocol<P: Protocol>(
    scenario: &Scenario,
    options: &RunOptions,
) -> Result<Outcome, InputError> {
    let faults = faults_of(scenario);
    // Validation built it once already (`Scenario::from_file`), so this cannot fail
    // for a scenario that validated; the error is for one assembled by hand.
    let mut protocol = P::build(&scenario.setup()).map_err(|e| InputError {
        file: scenario.file.name.clone(),
        line: 0,
        column: 0,
        path: "protocol".into(),
        message: e.to_string(),
    })?;
    let config = WorldConfig {
        seed: scenario.seed,
        server_count: scenario.servers,
        client_count: scenario.clients(),
        network: faults.network.clone(),
        unsynced_on_crash: faults.unsynced_on_crash,
        keep_trace: options.keep_trace,
    };
    let mut world = World::new(config, protocol.node_factory());
    schedule_faults(&mut world, scenario, faults.nemesis.as_ref());
    let churn = LeaderChurn::new(faults.nemesis.as_ref(), scenario.seed, scenario.duration_ns);
    let violation = drive(&mut world, &mut protocol, scenario, churn);
    let (verdict, found) = judge(&mut world, &mut protocol, violation);
    let trace = options
        .keep_trace
        .then(|| world.take_trace().iter().map(|e| e.to_json()).collect());
    Ok(Outcome {
        verdict,
        property: found.as_ref().map(|f| f.violation.property.clone()),
        detail: found.as_ref().map(|f| f.violation.detail.clone()),
        counterexample: found.and_then(|f| f.counterexample),
        seed: scenario.seed,
        events: world.event_count(),
        sim_time_ns: world.now(),
        trace_hash: world.trace_hash(),
        faults: world.applied_faults().to_vec(),
        stats: world.stats().clone(),
        clients: scenario.clients(),
        history: protocol.history(&world),
        network: faults.network,
        unsynced_on_crash: faults.unsynced_on_crash,
        trace,
    })
}

fn schedule_faults<A: faultline_sim::Actor>(
    world: &mut World<A>,
    scenario: &Scenario,
    nemesis: Option<&NemesisConfig>,
) {
    for (at, action) in &scenario.schedule {
        world.schedule_fault(*at, action.clone());
    }
    if let Some(nemesis) = nemesis {
        let mut rng = SimRng::new(scenario.seed, Stream::Nemesis);
        for (at, action) in plan(nemesis, scenario.duration_ns, &mut rng) {
            world.schedule_fault(at, action);
        }
    }
    world.schedule_fault(scenario.duration_ns, FaultAction::RecoverAll);
}

/// Steps the world through the fault and quiet periods; the first violation stops it.
fn drive<P: Protocol>(
    world: &mut World<P::Node>,
    protocol: &mut P,
    scenario: &Scenario,
    mut churn: Option<LeaderChurn>,
) -> Option<Violation> {
    let end_ns = scenario.duration_ns + scenario.quiet_ns;
    while let Some(next_ns) = world.peek_time() {
        if next_ns > end_ns {
            break;
        }
        if next_ns > scenario.duration_ns && protocol.unfinished_ops(world) == 0 {
            break;
        }
        world.step();
        if let Some(churn) = churn.as_mut() {
            churn.after_step(world);
        }
        if let Err(violation) = protocol.check_step(world) {
            return Some(violation);
        }
    }
    None
}

/// A violated property and the checker's counterexample, if it gave one.
struct Found {
    violation: Violation,
    counterexample: Option<serde_json::Value>,
}

fn judge<P: Protocol>(
    world: &mut World<P::Node>,
    protocol: &mut P,
    violation: Option<Violation>,
) -> (Verdict, Option<Found>) {
    let found = |violation| Found {
        violation,
        counterexample: None,
    };
    if let Some(v) = violation {
        return (Verdict::Fail, Some(found(v)));
    }
    let unfinished = protocol.unfinished_ops(world);
    if unfinished > 0 {
        let detail = format!(
            "{unfinished} client operations still unfinished at {} (the quiet period after the faults healed ran out)",
            faultline_sim::time::format_nanos(world.now())
        );
        return (Verdict::Stuck, Some(found(Violation::new("stuck", detail))));
    }
    if let Err(v) = protocol.check_end(world) {
        return (Verdict::Fail, Some(found(v)));
    }
    let Some(model) = P::HISTORY_MODEL else {
        return (Verdict::Pass, None);
    };
    let history = protocol.history(world);
    match check_history(model, history.iter().map(|o| &o.value)) {
        HistoryVerdict::Linearizable => (Verdict::Pass, None),
        HistoryVerdict::NotLinearizable {
            detail,
            counterexample,
        } => (
            Verdict::Fail,
            Some(Found {
                violation: Violation::new("linearizability", detail),
                counterexample: Some(counterexample),
            }),
        ),
        HistoryVerdict::Unknown { detail } => (
            Verdict::Unknown,
            Some(found(Violation::new("linearizability", detail))),
        ),
    }
}
