//! Scenarios: the file format ([`file`]), its pieces ([`spec`]), validation into the
//! typed [`Scenario`] a run needs ([`validate`]), and source locations for errors
//! ([`locate`]).

pub mod file;
pub mod locate;
pub mod spec;
pub mod validate;

pub use file::{Expect, ScenarioFile, ScheduleEntry};
pub use validate::{entry_from_applied, Scenario};

/// The scenario `faultline run` uses when given none: a 5-node Raft key-value store
/// under the default random nemesis, falling back to the broadcast example if Raft is
/// not compiled in.
pub const DEFAULT_SCENARIO: &str = include_str!("../../../../scenarios/default.json");
