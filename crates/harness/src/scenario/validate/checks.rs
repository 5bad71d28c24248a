//! Check rules: the optional checks a scenario switches on (`checks`), such as
//! availability mode or the situations a campaign must reach, are ones its protocol
//! can be judged by.

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

/// The role whose holder goes down for good after the heal (`checks.down_for_good`,
/// or `checks.leader_down` for `leader`): only in availability mode, which is what
/// judges the rest serving without it.
pub(super) fn down_for_good_of(file: &ScenarioFile) -> Result<Option<String>, Problem> {
    let checks = &file.checks;
    let path = down_for_good_path(file);
    let role = match (checks.leader_down, &checks.down_for_good) {
        (true, Some(_)) => {
            return Err(problem(
                "checks.down_for_good",
                "expected one of `leader_down` and `down_for_good`: `leader_down` is \
                 `down_for_good: \"leader\"`",
            ))
        }
        (true, None) => Some("leader".to_string()),
        (false, role) => role.clone(),
    };
    if role.is_some() && checks.availability.is_none() {
        return Err(problem(
            path,
            "expected `checks.availability` too: the bound within which the nodes left \
             must answer once it is down",
        ));
    }
    if role.as_deref() == Some("") {
        return Err(problem(
            path,
            "expected a role name, such as \"leader\" or \"holder\"",
        ));
    }
    Ok(role)
}

/// A node taken down for good by its role needs a protocol whose nodes claim it.
pub(super) fn check_down_for_good(
    role: Option<&str>,
    file: &ScenarioFile,
    protocol: &str,
    roles: &[&str],
) -> Result<(), Problem> {
    let Some(role) = role else {
        return Ok(());
    };
    if !roles.contains(&role) {
        let message = format!(
            "protocol `{protocol}` has no `{role}` role to take down; its nodes claim: {}",
            roles.join(", ")
        );
        return Err(problem(down_for_good_path(file), message));
    }
    Ok(())
}

/// Where the file asked for a node down for good.
fn down_for_good_path(file: &ScenarioFile) -> &'static str {
    match file.checks.leader_down {
        true => "checks.leader_down",
        false => "checks.down_for_good",
    }
}

/// The situations a campaign must reach (`checks.reached`): each one the protocol
/// declares (a name it never marks could never be reached), each once.
pub(super) fn required_situations_of(
    file: &ScenarioFile,
    info: &ProtocolInfo,
) -> Result<Vec<&'static str>, Problem> {
    let mut required: Vec<&'static str> = Vec::new();
    for (index, name) in file.checks.reached.iter().enumerate() {
        let path = format!("checks.reached[{index}]");
        let Some(&declared) = info.situations.iter().find(|s| **s == name.as_str()) else {
            let message = match info.situations {
                [] => format!("protocol `{}` declares no situations", info.name),
                declared => format!(
                    "`{name}` is not a situation protocol `{}` declares; expected one of: {}",
                    info.name,
                    declared.join("; ")
                ),
            };
            return Err(problem(path, message));
        };
        if required.contains(&declared) {
            return Err(problem(path, format!("`{name}` is listed twice")));
        }
        required.push(declared);
    }
    Ok(required)
}
