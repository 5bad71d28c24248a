//! Workload rules: random operations (clients, keys, read ratio) or an explicit
//! script the protocol's clients can run.

use super::{problem, Problem};
use crate::registry::ProtocolInfo;
use crate::scenario::file::{ScenarioFile, WorkloadSection};
use faultline_api::{ScriptedOp, Workload};

pub(super) fn workload_of(file: &ScenarioFile, info: &ProtocolInfo) -> Result<Workload, Problem> {
    let section = file.workload.clone().unwrap_or_default();
    if !section.script.is_empty() {
        return scripted_workload(&section, info);
    }
    let defaults = Workload::default();
    let clients = section.clients.map_or(defaults.clients, |c| c as usize);
    if clients == 0 || clients > 1_000 {
        return Err(problem("workload.clients", "expected 1 to 1000 clients"));
    }
    let keys = section.keys.map_or(defaults.keys, |k| k as usize);
    if keys == 0 {
        return Err(problem("workload.keys", "expected at least one key"));
    }
    let read_ratio = section.read_ratio.unwrap_or(defaults.read_ratio);
    if !(0.0..=1.0).contains(&read_ratio) {
        return Err(problem(
            "workload.read_ratio",
            "expected a fraction from 0 to 1",
        ));
    }
    Ok(Workload {
        clients,
        keys,
        ops: section.ops.map_or(defaults.ops, |o| o as usize),
        read_ratio,
        think_ns_mean: section.think.map(|d| d.0),
        script: Vec::new(),
    })
}

/// A workload of explicit operations: the random-workload fields do not apply, every
/// entry names a client in range, and the protocol's clients can run every entry.
pub(super) fn scripted_workload(
    section: &WorkloadSection,
    info: &ProtocolInfo,
) -> Result<Workload, Problem> {
    no_random_fields(section)?;
    let clients = script_clients(section)?;
    let script: Vec<ScriptedOp> = section
        .script
        .iter()
        .map(|e| ScriptedOp {
            client: e.client as usize,
            at_ns: e.at.0,
            f: e.f.clone(),
            key: e.key.clone(),
            value: e.value.clone(),
        })
        .collect();
    (info.check_script)(&script).map_err(|p| {
        let field = if p.field.is_empty() {
            String::new()
        } else {
            format!(".{}", p.field)
        };
        problem(format!("workload.script[{}]{field}", p.entry), p.message)
    })?;
    Ok(Workload {
        clients: clients as usize,
        script,
        ..Workload::default()
    })
}

/// A script lists every operation, so the random workload's knobs would mean nothing.
pub(super) fn no_random_fields(section: &WorkloadSection) -> Result<(), Problem> {
    let random_only = [
        ("keys", section.keys.is_some()),
        ("ops", section.ops.is_some()),
        ("read_ratio", section.read_ratio.is_some()),
        ("think", section.think.is_some()),
    ];
    match random_only.iter().find(|(_, set)| *set) {
        Some((name, _)) => Err(problem(
            format!("workload.{name}"),
            "applies only to random operations; remove it (workload.script lists every operation)",
        )),
        None => Ok(()),
    }
}

/// How many clients a script runs on: `clients` if given (every entry must name one
/// of them), else one more than the highest client named.
pub(super) fn script_clients(section: &WorkloadSection) -> Result<u32, Problem> {
    let entries = || section.script.iter().enumerate();
    let (highest, entry) = entries()
        .map(|(i, e)| (e.client, i))
        .max()
        .expect("a script has entries");
    if section.clients.is_none() && highest >= 1_000 {
        return Err(problem(
            format!("workload.script[{entry}].client"),
            format!("client {highest} is out of range; expected 0 to 999"),
        ));
    }
    let clients = section.clients.unwrap_or(highest + 1);
    if clients == 0 || clients > 1_000 {
        return Err(problem("workload.clients", "expected 1 to 1000 clients"));
    }
    match entries().find(|(_, e)| e.client >= clients) {
        Some((i, e)) => Err(problem(
            format!("workload.script[{i}].client"),
            format!(
                "client {} is out of range; workload.clients is {clients}",
                e.client
            ),
        )),
        None => Ok(clients),
    }
}
