//! Scenarios: the file format ([`file`]), its pieces ([`spec`]), validation into the
//! typed [`Scenario`] a run needs ([`validate`]), its reverse for applied faults
//! (`from_applied`), the roles faults may aim at
//! (`roles`), and source locations for errors ([`locate`]).

pub mod file;
mod from_applied;
pub mod locate;
mod roles;
pub mod spec;
pub mod validate;

pub use file::{Expect, ScenarioFile, ScheduleEntry};
pub use validate::{entry_from_applied, DiskErrors, Scenario};
