//! Check rules: the optional checks a scenario switches on (`checks`), such as
//! availability mode, are ones its protocol can be judged by.

use super::{problem, Problem};
use crate::registry::ProtocolInfo;
use crate::scenario::file::ScenarioFile;
use faultline_sim::Nanos;

/// The availability bound (`checks.availability`), if the file sets one: longer than
/// zero, and for a protocol with clients (it judges their operations).
pub(super) fn availability_of(
    file: &ScenarioFile,
    info: &ProtocolInfo,
) -> Result<Option<Nanos>, Problem> {
    let Some(bound) = file.checks.availability else {
        return Ok(None);
    };
    let path = "checks.availability";
    if bound.0 == 0 {
        return Err(problem(
            path,
            "expected a time longer than 0s: how long a client operation may take \
             once the faults healed",
        ));
    }
    if !info.has_clients {
        return Err(problem(
            path,
            format!(
                "protocol `{}` has no clients; availability judges client operations",
                info.name
            ),
        ));
    }
    Ok(Some(bound.0))
}

/// Whether the leader goes down for good at the heal (`checks.leader_down`): only in
/// availability mode, which is what judges the rest serving without it.
pub(super) fn leader_down_of(file: &ScenarioFile) -> Result<bool, Problem> {
    if file.checks.leader_down && file.checks.availability.is_none() {
        return Err(problem(
            "checks.leader_down",
            "expected `checks.availability` too: the bound within which the servers left \
             must answer once the leader is down",
        ));
    }
    Ok(file.checks.leader_down)
}

/// A leader taken down for good needs a protocol whose nodes claim `leader`.
pub(super) fn check_leader_down(
    file: &ScenarioFile,
    protocol: &str,
    roles: &[&str],
) -> Result<(), Problem> {
    if file.checks.leader_down && !roles.contains(&"leader") {
        let message = format!(
            "protocol `{protocol}` has no `leader` role to take down; its nodes claim: {}",
            roles.join(", ")
        );
        return Err(problem("checks.leader_down", message));
    }
    Ok(())
}
