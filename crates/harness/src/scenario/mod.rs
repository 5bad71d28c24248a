//! Scenarios: the file format ([`file`]), its pieces ([`spec`]), validation into the
//! typed [`Scenario`] a run needs ([`validate`]), and source locations for errors
//! ([`locate`]).

pub mod file;
pub mod locate;
pub mod spec;
pub mod validate;

pub use file::{Expect, ScenarioFile, ScheduleEntry};
pub use validate::{entry_from_applied, Scenario};
