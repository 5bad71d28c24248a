//! The protocols one faultline build knows, as a value: the plugin boundary.
//!
//! A [`Registry`] is built by the program that runs faultline and passed to every
//! entry point that reads a scenario (validation, replay, shrinking; the CLI's every
//! command). Built-in protocols are registered exactly as a user's own is:
//! `Registry::builtin().with::<MyProtocol>()`. Registering a protocol type keeps,
//! beside its description, the one function that runs it (`run_declared::<P>`,
//! monomorphised here), so a validated [`crate::Scenario`] carries its own way to
//! run and nothing downstream dispatches on a name.
//!
//! Registration is where a protocol's declarations are held to each other: the
//! history model it names and the one it builds, the properties its bugs cite and
//! the ones it declares, the situations it marks and the ones it declares.

use crate::error::InputError;
use crate::outcome::Outcome;
use crate::run::{run_protocol, RunOptions};
use crate::scenario::Scenario;
use faultline_api::harness_properties::{names_known_property, HARNESS_PROPERTIES};
use faultline_api::{
    Assumptions, BugInfo, OptionInfo, Options, Property, Protocol, ScriptProblem, ScriptedOp,
    Setup, SetupError,
};
use std::fmt;

/// Runs a validated scenario of one protocol type.
pub(crate) type RunFn = fn(&Scenario, &RunOptions) -> Result<Outcome, InputError>;

/// What faultline knows about a registered protocol: what `faultline list` shows,
/// what validation checks, and how to run it.
/// What a protocol built for a setup says of itself: the roles its nodes may claim
/// and the faults it assumes.
pub type BuiltSetup = (&'static [&'static str], Assumptions);

#[derive(Clone)]
pub struct ProtocolInfo {
    /// The scenario name (`"kind": "raft"`).
    pub name: &'static str,
    /// One line for `faultline list protocols`.
    pub summary: &'static str,
    /// The name of the model its client history is checked against, if any.
    pub history_model: Option<&'static str>,
    /// Whether runs have clients driven by the scenario's `workload`.
    pub has_clients: bool,
    /// Whether its clients can run a `workload.script`.
    pub takes_script: bool,
    /// Checks a `workload.script` for this protocol's clients.
    pub check_script: fn(&[ScriptedOp]) -> Result<(), ScriptProblem>,
    /// Builds the protocol as a setup asks (its options, node count), as a run
    /// would: the roles its nodes may claim (`Protocol::roles`) and the faults it
    /// assumes (`Protocol::assumptions`), or why it cannot be built.
    pub check_setup: fn(&Setup) -> Result<BuiltSetup, SetupError>,
    /// Its named bugs.
    pub bugs: &'static [BugInfo],
    /// The options a scenario's `protocol` object may set (`P::Options`: names,
    /// meanings, defaults and the values each takes).
    pub options: Vec<OptionInfo>,
    /// The safety properties it declares ([`Protocol::properties`]; empty: not
    /// declared). The harness's own are [`HARNESS_PROPERTIES`].
    pub properties: &'static [Property],
    /// The situations its nodes mark with `ctx.sometimes` ([`Protocol::situations`];
    /// empty: not declared), which coverage reports name when never reached.
    pub situations: &'static [&'static str],
    /// The points inside handlers where its nodes may be crashed
    /// ([`Protocol::crash_points`]; empty: none).
    pub crash_points: &'static [&'static str],
    pub(crate) run: RunFn,
}

impl fmt::Debug for ProtocolInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProtocolInfo")
            .field("name", &self.name)
            .field("history_model", &self.history_model)
            .field("bugs", &self.bugs.len())
            .field("properties", &self.properties.len())
            .field("situations", &self.situations.len())
            .finish_non_exhaustive()
    }
}

impl ProtocolInfo {
    /// The description and runner of protocol `P`.
    ///
    /// # Panics
    /// If `P::HISTORY_MODEL` does not name the model `P::history_model()` returns:
    /// the name is what `list` shows and what decides whether runs have clients,
    /// the model is what judges them, and they must not disagree. If `P` declares
    /// its properties and one of its bugs cites a property that is neither one of
    /// them nor a harness property (a misspelt name), or it declares a name twice.
    pub fn of<P: Protocol>() -> Self {
        let model = P::history_model();
        let model_name = model.as_ref().map(|m| m.name());
        assert_eq!(
            model_name,
            P::HISTORY_MODEL,
            "protocol `{}`: HISTORY_MODEL names {:?} but history_model() returns the model {:?}",
            P::NAME,
            P::HISTORY_MODEL,
            model_name
        );
        check_properties_declared(P::NAME, P::properties(), P::bugs());
        check_situations_declared(P::NAME, P::situations());
        check_situations_declared(P::NAME, P::crash_points());
        ProtocolInfo {
            name: P::NAME,
            summary: P::SUMMARY,
            history_model: P::HISTORY_MODEL,
            has_clients: P::HAS_CLIENTS,
            takes_script: P::TAKES_SCRIPT,
            check_script: P::check_script,
            check_setup: |setup| P::build(setup).map(|p| (p.roles(), p.assumptions())),
            bugs: P::bugs(),
            options: <P::Options as Options>::infos(),
            properties: P::properties(),
            situations: P::situations(),
            crash_points: P::crash_points(),
            run: run_declared::<P>,
        }
    }
}

/// Panics unless `declared` names each property once and every bug cites only
/// declared or harness properties (anything goes when nothing is declared).
fn check_properties_declared(protocol: &str, declared: &[Property], bugs: &[BugInfo]) {
    for (i, property) in declared.iter().enumerate() {
        assert!(
            Property::find(&declared[..i], property.name).is_none(),
            "protocol `{protocol}`: properties() declares `{}` twice",
            property.name
        );
    }
    for bug in bugs {
        for &name in bug.violates {
            assert!(
                names_known_property(declared, name),
                "protocol `{protocol}`: bug `{}` violates `{name}`, which is neither one of its \
                    properties() ({}) nor a harness property ({})",
                bug.name,
                names(declared),
                names(HARNESS_PROPERTIES)
            );
        }
    }
}

/// Panics if `declared` names a situation twice (coverage counts by name).
fn check_situations_declared(protocol: &str, declared: &[&str]) {
    for (i, situation) in declared.iter().enumerate() {
        assert!(
            !declared[..i].contains(situation),
            "protocol `{protocol}`: situations() declares `{situation}` twice"
        );
    }
}

fn names(properties: &[Property]) -> String {
    let names: Vec<&str> = properties.iter().map(|p| p.name).collect();
    names.join(", ")
}

/// Runs a scenario of `P`; in debug builds, asserts that the violation the run
/// found, if any, names a property `P` declares or a harness property, and that
/// every situation it reached is one `P` declares (when it declares any).
fn run_declared<P: Protocol>(
    scenario: &Scenario,
    options: &RunOptions,
) -> Result<Outcome, InputError> {
    let outcome = run_protocol::<P>(scenario, options)?;
    if let Some(property) = &outcome.property {
        debug_assert!(
            names_known_property(P::properties(), property),
            "protocol `{}` raised a violation of `{property}`, which is neither one of its \
                properties() ({}) nor a harness property ({})",
            P::NAME,
            names(P::properties()),
            names(HARNESS_PROPERTIES)
        );
    }
    let declared = P::situations();
    for (situation, _) in &outcome.reached {
        debug_assert!(
            declared.is_empty() || declared.contains(situation),
            "protocol `{}` marked the situation `{situation}`, which its situations() does not \
                declare ({})",
            P::NAME,
            declared.join(", ")
        );
    }
    Ok(outcome)
}

/// The scenario `faultline run` uses when given none.
#[derive(Clone, Copy, Debug)]
pub struct DefaultScenario {
    /// The name errors and traces give it (`<default scenario>`).
    pub name: &'static str,
    /// The scenario file's text.
    pub source: &'static str,
}

/// The protocols a build of faultline can run, in the order `faultline list` shows
/// them, and the scenario `run` uses when given none.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    protocols: Vec<ProtocolInfo>,
    default_scenario: Option<DefaultScenario>,
}

impl Registry {
    /// A registry that knows no protocol yet.
    pub fn empty() -> Self {
        Registry::default()
    }

    /// This registry with protocol `P` added.
    ///
    /// # Panics
    /// If a protocol of the same name, or a bug of the same name, is already
    /// registered: names are what scenarios and `--bug` refer to, so they must be
    /// unique in one build. Also if `P`'s declarations disagree ([`ProtocolInfo::of`]:
    /// its history model, or a bug citing a property it does not declare).
    pub fn with<P: Protocol>(mut self) -> Self {
        let info = ProtocolInfo::of::<P>();
        assert!(
            self.get(info.name).is_none(),
            "protocol `{}` is registered twice",
            info.name
        );
        for bug in info.bugs {
            if let Some((owner, _)) = self.bug(bug.name) {
                panic!(
                    "bug `{}` of protocol `{}` is already a bug of `{}`",
                    bug.name, info.name, owner.name
                );
            }
        }
        self.protocols.push(info);
        self
    }

    /// This registry with `source` as the scenario `faultline run` uses when given
    /// none (it must name a registered protocol by the time it is run).
    pub fn with_default_scenario(mut self, name: &'static str, source: &'static str) -> Self {
        self.default_scenario = Some(DefaultScenario { name, source });
        self
    }

    /// Every registered protocol, in registration order.
    pub fn protocols(&self) -> &[ProtocolInfo] {
        &self.protocols
    }

    /// The protocol called `name`.
    pub fn get(&self, name: &str) -> Option<&ProtocolInfo> {
        self.protocols.iter().find(|p| p.name == name)
    }

    /// The protocol that owns a bug name (`raft.stale_read` → raft), and the bug.
    pub fn bug(&self, name: &str) -> Option<(&ProtocolInfo, &BugInfo)> {
        self.protocols
            .iter()
            .find_map(|p| p.bugs.iter().find(|b| b.name == name).map(|b| (p, b)))
    }

    /// The scenario `faultline run` uses when given none, if this build has one.
    pub fn default_scenario(&self) -> Option<DefaultScenario> {
        self.default_scenario
    }

    /// The registered names, for messages that list what was expected.
    pub fn names(&self) -> Vec<&'static str> {
        self.protocols.iter().map(|p| p.name).collect()
    }
}

/// Where a protocol's default scenario `name` lives, from the project root
/// (`scenarios/lock/redlock.json`): a bug's `scenario` names one. The convention
/// holds for a user's crate as for faultline's own tree.
pub fn scenario_path(protocol: &str, name: &str) -> String {
    format!("scenarios/{protocol}/{name}.json")
}
