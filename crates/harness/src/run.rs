//! Running a scenario with a seed: build the protocol's world, schedule the faults,
//! step it while checking invariants, then judge liveness and the client history.
//!
//! A run has three phases: the fault period `[0, duration)`, where explicit and random
//! faults fire; `RecoverAll` at `duration`; and the quiet period, which ends as soon
//! as every client operation completed, or after `quiet`, when the run is stuck.
//! Safety invariants are checked after every event, so a failing run stops at the
//! first event that broke one. A panic in protocol code (`panic`) and a run that
//! exceeds its event budgets (`runaway`, see `watchdog`) are failures found the
//! same way, with a trace. A run that passed every other judgement is last judged
//! for convergence (`converged`, see `convergence`), which may look ahead.

use crate::availability::{end_of_faults, Availability};
use crate::convergence::{self, Convergence, RunEnd};
use crate::down_for_good::DownForGood;
use crate::error::InputError;
use crate::fault_model;
use crate::fault_tally::FaultTally;
use crate::isolation::{check_transactions, IsolationVerdict};
use crate::linearizability::{check_history, unknown_operation, HistoryVerdict};
use crate::live_history::LiveHistory;
use crate::node_states::{StateChange, StateRecorder};
use crate::outcome::{Outcome, Verdict};
use crate::panic_capture;
use crate::scenario::Scenario;
use crate::stuck;
use crate::swarm;
use crate::triggers::{RoleTrigger, Triggers};
use crate::watchdog::Watchdog;
use faultline_api::harness_properties::{ISOLATION, LINEARIZABILITY, PANIC, STUCK};
use faultline_api::{
    AsClientEvent, Assumptions, ClientEventKind, Protocol, TimedClientEvent, Violation,
};
use faultline_check::HistoryModel;
use faultline_sim::nemesis::NemesisConfig;
use faultline_sim::node::NodeStatus;
use faultline_sim::plan_stream::PlanStream;
use faultline_sim::read_log::READ_AFTER_FORGOTTEN;
use faultline_sim::rng::{SimRng, Stream};
use faultline_sim::{FaultAction, Nanos, World, WorldConfig};

/// How to run, beyond what the scenario says.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Keep every event for a trace file (costs memory proportional to the run).
    pub keep_trace: bool,
    /// Return the client history in the outcome (the default). Without it a run
    /// whose history passes never copies it out of the world: what fuzzing and
    /// benchmarks, which never show it, run with.
    pub keep_history: bool,
}

impl RunOptions {
    /// Keeping the trace, as replaying, reports and failure traces do.
    pub fn traced() -> Self {
        RunOptions {
            keep_trace: true,
            ..RunOptions::default()
        }
    }
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            keep_trace: false,
            keep_history: true,
        }
    }
}

/// Runs `scenario` with its own seed (set `scenario.seed` to change it), as the
/// protocol it was validated against.
pub fn run(scenario: &Scenario, options: &RunOptions) -> Result<Outcome, InputError> {
    (scenario.info.run)(scenario, options)
}

/// The fault settings of this run, after swarm choices.
struct Faults {
    nemesis: Option<NemesisConfig>,
    network: faultline_sim::NetworkConfig,
    unsynced_on_crash: faultline_sim::disk::UnsyncedOnCrash,
    /// How the faults exceed the protocol's assumptions, if they do.
    beyond_model: Option<String>,
    /// Fsync errors and corrupt records, as the protocol's model allows.
    disk_errors: fault_model::DiskErrorsInRun,
}

/// The faults of this run: the scenario's (or swarm's), aimed at roles the protocol
/// has and, unless the scenario goes `beyond_model`, kept inside its assumptions.
fn faults_of(scenario: &Scenario, roles: &[&str], assumptions: &Assumptions) -> Faults {
    let mut faults = chosen_faults(scenario);
    if let Some(nemesis) = faults.nemesis.as_mut() {
        nemesis.crash_points = scenario.info.crash_points;
        aim_at_roles_there_are(nemesis, roles);
        if !scenario.beyond_model {
            fault_model::fit(nemesis, assumptions);
        }
    }
    faults.disk_errors = fault_model::fit_disk_errors(
        scenario.fsync_errors.as_ref(),
        scenario.corrupt_on_restart.as_ref(),
        assumptions,
        scenario.beyond_model,
    );
    // A trigger's fault counts as if scheduled: the user asked for it explicitly.
    let triggered = scenario.triggers.iter().map(|t| {
        let target = faultline_sim::Target::Role(t.role.clone());
        (0, t.action(target, t.for_ns))
    });
    let explicit: Vec<_> = scenario.schedule.iter().cloned().chain(triggered).collect();
    faults.beyond_model = fault_model::excess(faults.nemesis.as_ref(), &explicit, assumptions)
        .or_else(|| fault_model::disk_errors_excess(&faults.disk_errors, assumptions));
    faults
}

/// A protocol whose nodes never claim `leader` gets no leader-aimed random faults:
/// they would all be skipped. Its crashes, pauses and isolations hit random nodes.
fn aim_at_roles_there_are(nemesis: &mut NemesisConfig, roles: &[&str]) {
    if !roles.contains(&"leader") {
        nemesis.leader_bias = 0.0;
        nemesis.new_leader_crash = 0.0;
    }
}

fn chosen_faults(scenario: &Scenario) -> Faults {
    if scenario.swarm {
        let choice = swarm::choose(
            scenario.seed,
            scenario.nemesis.as_ref(),
            &scenario.network,
            scenario.unsynced_on_crash,
        );
        let mut nemesis = choice.nemesis;
        nemesis.independent_partitions = scenario.file.faults.independent_partitions;
        return Faults {
            nemesis: Some(nemesis),
            network: choice.network,
            unsynced_on_crash: choice.unsynced_on_crash,
            beyond_model: None,
            disk_errors: Default::default(),
        };
    }
    Faults {
        nemesis: scenario.nemesis.clone(),
        network: scenario.network.clone(),
        unsynced_on_crash: scenario.unsynced_on_crash,
        beyond_model: None,
        disk_errors: Default::default(),
    }
}

/// Whether a crash may be armed at a point: it then happens whenever its node
/// reaches the point, until the fault period ends.
fn arms_crash_points(scenario: &Scenario, faults: &Faults) -> bool {
    let scheduled = scenario.schedule.iter();
    let armed = |(_, f): &(Nanos, FaultAction)| matches!(f, FaultAction::CrashAtPoint { .. });
    let random = faults.nemesis.as_ref();
    scheduled.clone().any(armed)
        || random.is_some_and(|n| n.crash_point_every_ns.is_some() && !n.crash_points.is_empty())
}

/// Runs `scenario` as protocol `P`: what a registered protocol's `run` is.
///
/// A run that returns no history, of a protocol whose checks read observations as
/// they come, forgets them (and the applied faults) once read: its memory stays
/// flat however long it runs. Such a run whose verdict is judged from the history
/// (not linearizable, stuck, unknown) is run again keeping its record (the same
/// run: same seed, same events) for the verdict's detail and counterexample, as is
/// one that panicked (for its count of operations). A safety violation found on the
/// way has all it needs: its outcome lists no faults, and counts them by kind.
pub(crate) fn run_protocol<P: Protocol>(
    scenario: &Scenario,
    options: &RunOptions,
) -> Result<Outcome, InputError> {
    match run_keeping::<P>(scenario, options, Record::ForgetIfAllowed)? {
        Some(outcome) => Ok(outcome),
        None => Ok(run_keeping::<P>(scenario, options, Record::Keep)?
            .expect("a run that keeps its record is always judged")),
    }
}

/// Whether a run may forget its observations and faults once every reader read
/// them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Record {
    ForgetIfAllowed,
    Keep,
}

/// Runs `scenario` as protocol `P`, keeping its record or not: the outcome, or
/// `None` when a run that forgot its record cannot be judged without it.
fn run_keeping<P: Protocol>(
    scenario: &Scenario,
    options: &RunOptions,
    record: Record,
) -> Result<Option<Outcome>, InputError> {
    let mut protocol = build::<P>(scenario)?;
    let forgets = record == Record::ForgetIfAllowed && may_forget(&protocol, options);
    let faults = faults_of(scenario, protocol.roles(), &protocol.assumptions());
    let (mut world, faults_end_ns) = new_world(scenario, options, &protocol, &faults);
    let afterwards = afterwards_of(scenario, &faults, faults_end_ns);
    let Some(judged) = drive_and_judge(
        &mut world,
        &mut protocol,
        scenario,
        afterwards,
        (options, forgets),
    ) else {
        return Ok(None);
    };
    // After a panic the protocol's state may be half-updated; its history is kept
    // only if reading it does not panic too.
    let read_history = || match options.keep_history {
        true => panic_capture::catch(|| protocol.history(&world)).unwrap_or_default(),
        false => Vec::new(),
    };
    let history = judged.history.unwrap_or_else(read_history);
    let end = judged.ended.unwrap_or_else(|| RunEnd::of(&world));
    let trace = options.keep_trace.then(|| {
        let mut events = world.take_trace();
        events.truncate(end.events as usize);
        events.iter().map(|e| e.to_json()).collect()
    });
    let found = judged.found;
    let (faults_applied, faults_by_kind, ops_completed) = counts(&mut world, judged.counted);
    let outcome = Outcome {
        verdict: judged.verdict,
        property: found.as_ref().map(|f| f.violation.property.clone()),
        detail: found
            .as_ref()
            .map(|f| with_model_note(&f.violation.detail, faults.beyond_model.as_deref())),
        counterexample: found.and_then(|f| f.counterexample),
        seed: scenario.seed,
        events: end.events,
        sim_time_ns: end.sim_time_ns,
        trace_hash: end.trace_hash,
        faults: faults_applied,
        faults_by_kind,
        stats: end.stats,
        clients: scenario.clients(),
        ops_completed,
        history,
        network: faults.network,
        unsynced_on_crash: faults.unsynced_on_crash,
        nemesis: faults.nemesis,
        trace,
        reached: end.reached,
        beyond_model: faults.beyond_model,
        states: judged.states,
        isolation: judged.isolation,
        violation_event: judged.violation_event,
    };
    Ok(Some(outcome))
}

/// Whether a run of `protocol` may forget its record once read: it returns no
/// history nor trace, and every check reads observations as they come.
fn may_forget<P: Protocol>(protocol: &P, options: &RunOptions) -> bool {
    !options.keep_history
        && !options.keep_trace
        && protocol.reads_observations_as_they_come()
        && protocol.isolation().is_none()
}

/// What the run does after each event besides checking: role triggers, the node
/// taken down for good, and availability when the scenario asks for it.
fn afterwards_of(
    scenario: &Scenario,
    faults: &Faults,
    faults_end_ns: Nanos,
) -> (Afterwards, Option<Availability>) {
    let (seed, period_ns) = (scenario.seed, scenario.duration_ns);
    let churn = RoleTrigger::churn(faults.nemesis.as_ref(), seed, period_ns);
    let triggers = Triggers::new(&scenario.triggers, churn, seed, period_ns);
    // Triggers and armed crash points may fault a node until the fault period ends.
    let faults_end_ns = match !triggers.is_empty() || arms_crash_points(scenario, faults) {
        true => faults_end_ns.max(period_ns),
        false => faults_end_ns,
    };
    let down = scenario.down_for_good.as_deref();
    let availability = scenario
        .availability_ns
        .map(|bound_ns| Availability::new(bound_ns, faults_end_ns, down.is_some()));
    let down = down.zip(scenario.availability_ns);
    let down = down.map(|(role, bound_ns)| DownForGood::new(role, period_ns, bound_ns));
    (Afterwards { triggers, down }, availability)
}

/// The faults applied (listed, and by kind) and the operations completed: counted
/// as the run went by a run that forgot its record (`counted`; what it still holds
/// is only the last event's, so it lists none), else read from its record.
fn counts<A: faultline_sim::Actor>(
    world: &mut World<A>,
    counted: Option<(FaultTally, usize)>,
) -> (Vec<faultline_sim::AppliedFault>, FaultTally, usize)
where
    A::Observation: AsClientEvent,
{
    if let Some((by_kind, ops)) = counted {
        return (Vec::new(), by_kind, ops);
    }
    let ops = ops_completed(world);
    let faults = world.take_applied_faults();
    let by_kind = FaultTally::of(&faults);
    (faults, by_kind, ops)
}

/// Client operations the run completed, counted in the world's observations (the
/// history need not have been read out of it). A run that forgot them counted them
/// as it went; only one shown as the misread it was (a check read the forgotten
/// record and panicked) comes here, and its count is not worth a second panic.
fn ops_completed<A: faultline_sim::Actor>(world: &World<A>) -> usize
where
    A::Observation: AsClientEvent,
{
    if world.forgot_observations() {
        return 0;
    }
    let events = world
        .observations()
        .iter()
        .filter_map(|o| o.value.client_event());
    events.filter(|e| e.kind != ClientEventKind::Invoke).count()
}

/// Builds the protocol for the scenario. Validation built it once already
/// (`Scenario::from_file`), so this cannot fail for a scenario that validated; the
/// error is for one assembled by hand.
fn build<P: Protocol>(scenario: &Scenario) -> Result<P, InputError> {
    P::build(&scenario.setup()).map_err(|e| InputError {
        file: scenario.file.name.clone(),
        line: 0,
        column: 0,
        path: "protocol".into(),
        message: e.to_string(),
    })
}

/// The world of a run, its faults scheduled, and when the last planned one is over.
fn new_world<P: Protocol>(
    scenario: &Scenario,
    options: &RunOptions,
    protocol: &P,
    faults: &Faults,
) -> (World<P::Node>, faultline_sim::Nanos) {
    let config = WorldConfig {
        seed: scenario.seed,
        server_count: scenario.servers,
        client_count: scenario.clients(),
        network: faults.network.clone(),
        unsynced_on_crash: faults.unsynced_on_crash,
        keep_trace: options.keep_trace,
    };
    let mut world = World::new(config, protocol.node_factory());
    world.set_clients_crash(protocol.assumptions().clients_restart || scenario.beyond_model);
    if let Some(slow) = &scenario.slow_fsync {
        world.set_slow_fsync(slow.ns_min, slow.ns_max, &slow.nodes);
    }
    if faults.disk_errors != fault_model::DiskErrorsInRun::default() {
        set_disk_errors(&mut world, &faults.disk_errors);
    }
    let faults_end_ns = schedule_faults(&mut world, scenario, faults.nemesis.as_ref());
    (world, faults_end_ns)
}

/// Fsync errors and corrupt records on the disks they name. Kept out of line: the
/// run loop's code stays as small as it was, and its inlining as fast.
#[inline(never)]
fn set_disk_errors<A: faultline_sim::Actor>(
    world: &mut World<A>,
    errors: &fault_model::DiskErrorsInRun,
) {
    if let Some(fsync) = &errors.fsync_errors {
        world.set_fsync_errors(fsync.probability, &fsync.nodes);
    }
    if let Some(corrupt) = &errors.corrupt_on_restart {
        let most = errors.corrupt_nodes_max;
        world.set_corrupt_on_restart(corrupt.probability, &corrupt.nodes, most);
    }
}

/// What stepping and judging a run found.
struct Judged {
    verdict: Verdict,
    found: Option<Found>,
    /// The event after which a safety property broke (or the protocol panicked).
    violation_event: Option<u64>,
    states: Vec<StateChange>,
    /// The run as it ended when a look-ahead for convergence only judged it.
    ended: Option<RunEnd>,
    /// What the isolation check judged, in words, when it passed.
    isolation: Option<String>,
    /// The client history, when the run was judged from it.
    history: Option<Vec<TimedClientEvent>>,
    /// The faults by kind and the operations completed, counted as the run went:
    /// kept only by a run that forgot its record.
    counted: Option<(FaultTally, usize)>,
}

/// Steps the run and judges it; a panic in protocol code anywhere in between is
/// the failure `panic`, at the event it happened in.
fn drive_and_judge<P: Protocol>(
    world: &mut World<P::Node>,
    protocol: &mut P,
    scenario: &Scenario,
    (afterwards, availability): (Afterwards, Option<Availability>),
    (options, forgets): (&RunOptions, bool),
) -> Option<Judged> {
    let model = P::history_model();
    let caught = panic_capture::catch(|| {
        let mut checks = Checks {
            protocol: &mut *protocol,
            model: model.as_deref(),
            observations_seen: 0,
            live: LiveHistory::new(model.as_deref()),
            clients_crash: world.clients_crash(),
            faults_seen: 0,
            faults_read: 0,
            ops_read: 0,
            forgotten: forgets.then(FaultTally::default),
            watchdog: Watchdog::default(),
            states: options.keep_trace.then(StateRecorder::default),
            availability,
        };
        let violation = drive(world, &mut checks, scenario, afterwards);
        let mut violation_event = violation
            .as_ref()
            .map(|_| world.event_count().saturating_sub(1));
        let ((mut verdict, mut found, isolation), history) = judge(
            world,
            checks.protocol,
            scenario,
            (model.as_deref(), &mut checks.live),
            violation,
        )?;
        let mut ended = None;
        if verdict == Verdict::Pass {
            let quiet_end_ns = scenario.duration_ns + scenario.quiet_ns;
            match convergence::judge(world, &mut checks, quiet_end_ns) {
                Convergence::Immediate => {}
                Convergence::LookedAhead(end) => ended = Some(end),
                Convergence::Failed(violation) => {
                    verdict = Verdict::Fail;
                    found = Some(Found::from(violation));
                    violation_event = world.event_count().checked_sub(1);
                }
            }
        }
        let states = checks.states.take().map(|s| s.changes).unwrap_or_default();
        let counted = checks.forgotten_counts(world);
        Some(Judged {
            verdict,
            found,
            violation_event,
            states,
            ended,
            isolation,
            history,
            counted,
        })
    });
    match caught {
        Ok(judged) => judged,
        // Run again keeping the record, for its count of operations; unless a check
        // read the forgotten record, which is the protocol's mistake to show.
        Err(panic) if forgets && !panic.contains(READ_AFTER_FORGOTTEN) => None,
        Err(panic) => Some(Judged::panicked(panic, world.event_count())),
    }
}

impl Judged {
    /// A run whose protocol code panicked (`panic` says what it said) in the
    /// last of `events`.
    fn panicked(panic: String, events: u64) -> Self {
        Judged {
            verdict: Verdict::Fail,
            found: Some(Found::from(Violation::of(&PANIC, panic))),
            violation_event: events.checked_sub(1),
            states: Vec::new(),
            ended: None,
            isolation: None,
            history: None,
            counted: None,
        }
    }
}

/// A failure's detail, saying when the run's faults were outside the protocol's
/// fault model: then the failure is not the protocol's to answer for.
fn with_model_note(detail: &str, beyond_model: Option<&str>) -> String {
    match beyond_model {
        Some(note) => format!("{detail} ({note})"),
        None => detail.to_string(),
    }
}

/// Schedules the explicit and random faults and the end of the fault period;
/// returns when the last of them is over ([`end_of_faults`]).
fn schedule_faults<A: faultline_sim::Actor>(
    world: &mut World<A>,
    scenario: &Scenario,
    nemesis: Option<&NemesisConfig>,
) -> faultline_sim::Nanos {
    let mut faults_end_ns = end_of_faults(&scenario.schedule);
    world.plan_faults(scenario.schedule.iter().cloned());
    if let Some(nemesis) = nemesis {
        // Drawn as it falls due: an hour's plan is not held for the hour.
        let mut rng = SimRng::new(scenario.seed, Stream::Nemesis);
        let planned = PlanStream::new(nemesis, scenario.duration_ns, &mut rng);
        faults_end_ns = faults_end_ns.max(planned.over_at_ns());
        world.plan_nemesis(planned);
    }
    world.plan_faults([(scenario.duration_ns, FaultAction::RecoverAll)]);
    faults_end_ns
}

/// What is checked after every event: the protocol's invariants, that every client
/// operation is one the history model knows, and the client history so far (the
/// live history: the linearizability stream and the stuck tally).
pub(crate) struct Checks<'a, P> {
    pub(crate) protocol: &'a mut P,
    model: Option<&'a dyn HistoryModel>,
    /// Observations already read.
    observations_seen: usize,
    /// The client history judged so far.
    live: LiveHistory<'a>,
    /// Whether clients may crash, and the faults applied when the live history last
    /// looked for crashed clients.
    clients_crash: bool,
    faults_seen: u64,
    /// Applied (and skipped) faults already read, and operations completed.
    faults_read: usize,
    ops_read: usize,
    /// When the run forgets its record once read: the faults it forgot, by kind.
    forgotten: Option<FaultTally>,
    watchdog: Watchdog,
    /// Node states for the timeline, when the trace is kept.
    states: Option<StateRecorder>,
    /// Availability mode, when the scenario asks for it.
    availability: Option<Availability>,
}

impl<P: Protocol> Checks<'_, P> {
    /// Inlined into the run loop: it runs after every event.
    #[inline]
    pub(crate) fn after_step(&mut self, world: &World<P::Node>) -> Result<(), Violation> {
        self.watchdog.after_step(world)?;
        if let Some(states) = self.states.as_mut() {
            states.after_step(world);
        }
        self.protocol.check_step(world)?;
        if let Some(availability) = self.availability.as_mut() {
            availability.after_step(world)?;
        }
        if world.applied_fault_count() != self.faults_read {
            self.read_faults(world);
        }
        match world.observation_count() == self.observations_seen {
            true => Ok(()),
            false => self.read_observations(world),
        }
    }

    /// Once every reader has read them: drops the observations and faults of a run
    /// that forgets its record.
    #[inline]
    pub(crate) fn forget_read(&self, world: &mut World<P::Node>) {
        if self.forgotten.is_some() {
            world.forget_read();
        }
    }

    /// After a fault (applied or skipped): counts it if the run forgets it, and the
    /// open operations of clients a crash ended end as `info`.
    #[inline(never)]
    fn read_faults(&mut self, world: &World<P::Node>) {
        let unread = world.unread_faults(&mut self.faults_read);
        if let Some(tally) = self.forgotten.as_mut() {
            unread.iter().for_each(|fault| tally.add(fault));
        }
        if self.clients_crash && world.stats().faults_applied != self.faults_seen {
            self.faults_seen = world.stats().faults_applied;
            let crashed = |node| world.status(node) == NodeStatus::Crashed;
            self.live.end_crashed(crashed);
        }
    }

    /// Takes in the observations since the last event: each client event must be an
    /// operation the history model knows, and goes to the live history.
    #[inline(never)]
    fn read_observations(&mut self, world: &World<P::Node>) -> Result<(), Violation> {
        let mut violation = None;
        for observed in world.unread_observations(&mut self.observations_seen) {
            let Some(event) = observed.value.client_event() else {
                continue;
            };
            // Every completion is counted, those after a violation in this event too.
            self.ops_read += usize::from(event.kind != ClientEventKind::Invoke);
            if violation.is_some() {
                continue;
            }
            violation = self.model.and_then(|m| unknown_operation(m, event));
            if violation.is_none() {
                self.live.record(observed.node, event);
            }
        }
        violation.map_or(Ok(()), Err)
    }

    /// For a run that forgets its record: the faults by kind and the operations
    /// completed, with what an event that broke a check left unread.
    fn forgotten_counts(&self, world: &World<P::Node>) -> Option<(FaultTally, usize)> {
        let mut faults = self.forgotten.clone()?;
        let mut faults_read = self.faults_read;
        let unread = world.unread_faults(&mut faults_read);
        unread.iter().for_each(|fault| faults.add(fault));
        let mut seen = self.observations_seen;
        let unread = world.unread_observations(&mut seen).iter();
        let events = unread.filter_map(|o| o.value.client_event());
        let completed = events.filter(|e| e.kind != ClientEventKind::Invoke).count();
        Some((faults, self.ops_read + completed))
    }
}

/// Faults the run itself sets off after an event: role triggers, and the node taken
/// down for good.
struct Afterwards {
    triggers: Triggers,
    down: Option<DownForGood>,
}

/// Steps the world through the fault and quiet periods; the first violation stops it.
fn drive<P: Protocol>(
    world: &mut World<P::Node>,
    checks: &mut Checks<'_, P>,
    scenario: &Scenario,
    mut afterwards: Afterwards,
) -> Option<Violation> {
    let end_ns = scenario.duration_ns + scenario.quiet_ns;
    while let Some(next_ns) = world.peek_time() {
        if next_ns > end_ns {
            break;
        }
        if next_ns > scenario.duration_ns && checks.protocol.unfinished_ops(world) == 0 {
            break;
        }
        world.step();
        afterwards.triggers.after_step(world);
        if let Some(down) = afterwards.down.as_mut() {
            down.after_step(world);
        }
        if let Err(violation) = checks.after_step(world) {
            return Some(violation);
        }
        checks.forget_read(world);
    }
    None
}

/// A violated property and the checker's counterexample, if it gave one.
struct Found {
    violation: Violation,
    counterexample: Option<serde_json::Value>,
}

impl From<Violation> for Found {
    fn from(violation: Violation) -> Self {
        Found {
            violation,
            counterexample: None,
        }
    }
}

/// The verdict once the run is over, what failed, and what the isolation check
/// judged (in words) when it passed.
type Judgement = (Verdict, Option<Found>, Option<String>);

/// Judges a run: a violation on the way fails it; otherwise it is judged from what
/// the live history tallied and streamed, reading the history back (returned too,
/// for the outcome) only when that cannot pass it: a stuck run's detail, or a
/// stream that did not pass, checked whole for the verdict and its counterexample.
/// A run that forgot its observations has no history to read: `None` when it needs
/// one (then it runs again keeping its record).
fn judge<P: Protocol>(
    world: &mut World<P::Node>,
    protocol: &mut P,
    scenario: &Scenario,
    (model, live): (Option<&dyn HistoryModel>, &mut LiveHistory<'_>),
    violation: Option<Violation>,
) -> Option<(Judgement, Option<Vec<TimedClientEvent>>)> {
    let found = Found::from;
    if let Some(v) = violation {
        return Some(((Verdict::Fail, Some(found(v)), None), None));
    }
    let stuck = |detail| {
        (
            Verdict::Stuck,
            Some(found(Violation::of(&STUCK, detail))),
            None,
        )
    };
    let unfinished = protocol.unfinished_ops(world);
    let unanswered = live
        .tally()
        .unanswered(|node| world.status(node) == NodeStatus::Up && world.crash_count(node) == 0);
    let forgot = world.forgot_observations();
    if unfinished > 0 || unanswered > 0 {
        let history = (!forgot).then(|| protocol.history(world))?;
        let detail = match unfinished {
            0 => stuck::undercounted(unfinished, unanswered),
            _ => stuck::detail(unfinished, world.now(), scenario.duration_ns, &history),
        };
        return Some((stuck(detail), Some(history)));
    }
    if let Some(detail) = live.tally().never_served() {
        return Some((stuck(detail), None));
    }
    if let Err(v) = protocol.check_end(world) {
        return Some(((Verdict::Fail, Some(found(v)), None), None));
    }
    let mut read = None;
    if let Some(model) = model.filter(|_| !live.stream_passes()) {
        let history = (!forgot).then(|| protocol.history(world))?;
        if let Some((verdict, found)) = judge_linearizability(&history, model) {
            return Some(((verdict, Some(found), None), Some(history)));
        }
        read = Some(history);
    }
    let judgement = match judge_isolation(world, protocol) {
        Ok(checked) => (Verdict::Pass, None, checked),
        Err((verdict, found)) => (verdict, Some(found), None),
    };
    Some((judgement, read))
}

/// The client history against the model: `None` when it is linearizable.
fn judge_linearizability(
    history: &[TimedClientEvent],
    model: &dyn HistoryModel,
) -> Option<(Verdict, Found)> {
    match check_history(model, history.iter().map(|o| &o.value)) {
        HistoryVerdict::Linearizable => None,
        HistoryVerdict::NotLinearizable {
            detail,
            counterexample,
        } => Some((
            Verdict::Fail,
            Found {
                violation: Violation::of(&LINEARIZABILITY, detail),
                counterexample: Some(counterexample),
            },
        )),
        HistoryVerdict::Unknown { detail } => Some((
            Verdict::Unknown,
            Found::from(Violation::of(&LINEARIZABILITY, detail)),
        )),
    }
}

/// The transactions against the consistency the protocol promises, if it has
/// transactions: what was checked, in words, or the failure.
fn judge_isolation<P: Protocol>(
    world: &World<P::Node>,
    protocol: &P,
) -> Result<Option<String>, (Verdict, Found)> {
    let Some(isolation) = protocol.isolation() else {
        return Ok(None);
    };
    let failure = |verdict, detail| (verdict, Found::from(Violation::of(&ISOLATION, detail)));
    match check_transactions(isolation, protocol.transactions(world)) {
        IsolationVerdict::Valid { checked } => Ok(Some(checked)),
        IsolationVerdict::Invalid { detail } => Err(failure(Verdict::Fail, detail)),
        IsolationVerdict::Malformed { detail } => Err(failure(Verdict::Unknown, detail)),
    }
}
