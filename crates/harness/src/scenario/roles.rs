//! Faults aimed at roles must name roles the protocol has. `"crash": "leadr"` or a
//! pause aimed at `coordinator` in a protocol whose nodes never claim it would
//! otherwise be skipped at every run, silently, and the run would pass having tested
//! nothing; so validation names the field and the roles there are.

use super::file::{ScenarioFile, ScheduleEntry};
use faultline_sim::{PartitionShape, Target};

/// The first role a fault of `file` aims at that `known` does not accept, with the
/// field path that names it.
pub fn first_unknown_role(
    file: &ScenarioFile,
    known: impl Fn(&str) -> bool,
) -> Option<(String, String)> {
    let scheduled = file.faults.schedule.iter().enumerate();
    let named = scheduled.flat_map(|(i, entry)| roles_named_by(entry, i));
    let random = file.faults.random.as_ref();
    let paused = random
        .and_then(|r| r.pause_role.clone())
        .map(|role| ("faults.random.pause_role".to_string(), role));
    let triggers = file.faults.triggers.iter().enumerate();
    let watched = triggers.map(|(i, t)| (format!("faults.triggers[{i}].on"), t.on.clone()));
    named
        .chain(paused)
        .chain(watched)
        .find(|(_, role)| !known(role))
}

/// `` `leadr` is not a role of raft; its nodes claim: leader ``.
pub fn unknown_role_message(role: &str, protocol: &str, roles: &[&str]) -> String {
    let alternatives = "a node index or \"random\"";
    if roles.is_empty() {
        return format!(
            "`{role}` is not a role of {protocol}, whose nodes claim none; expected {alternatives}"
        );
    }
    format!(
        "`{role}` is not a role of {protocol}; expected {alternatives}, or a role its nodes claim: \
            {}",
        roles.join(", ")
    )
}

/// Every (field path, role) one schedule entry aims at.
fn roles_named_by(entry: &ScheduleEntry, index: usize) -> Vec<(String, String)> {
    let targets = [
        ("crash", &entry.crash),
        ("replace", &entry.replace),
        ("restart", &entry.restart),
        ("pause", &entry.pause),
        ("resume", &entry.resume),
        ("node", &entry.node),
    ];
    let mut named: Vec<(String, String)> = targets
        .into_iter()
        .filter_map(|(field, spec)| Some((field, role_of(&spec.as_ref()?.0)?)))
        .map(|(field, role)| (format!("faults.schedule[{index}].{field}"), role))
        .collect();
    if let Some(partition) = &entry.partition {
        let path = format!("faults.schedule[{index}].partition");
        named.extend(roles_in_shape(&partition.0).map(|role| (path.clone(), role)));
    }
    named
}

fn role_of(target: &Target) -> Option<String> {
    match target {
        Target::Role(role) => Some(role.clone()),
        Target::Node(_) | Target::Random => None,
    }
}

fn roles_in_shape(shape: &PartitionShape) -> Box<dyn Iterator<Item = String> + '_> {
    match shape {
        PartitionShape::Isolate(target)
        | PartitionShape::MajorityMinority {
            minority: Some(target),
        } => Box::new(role_of(target).into_iter()),
        PartitionShape::WithClients(inner) => roles_in_shape(inner),
        _ => Box::new(std::iter::empty()),
    }
}
