//! Network rules: latency bounds and shape, loss and duplication probabilities, for
//! the network, each link with settings of its own and each phase; links name
//! nodes that exist, and phases start in order before the run ends.

use super::{problem, Problem};
use crate::scenario::file::{AcrossCut, LatencySection, LatencyShapeName, LinkSection};
use crate::scenario::file::{NetworkSection, PhaseSection};
use faultline_sim::network::{BehaviourChange, LinkOverride, NetworkPhase};
use faultline_sim::{LatencyShape, Nanos, NetworkConfig};

/// The network of a scenario with `node_count` nodes whose run ends at `end_ns`.
pub(super) fn network_of(
    section: &NetworkSection,
    node_count: usize,
    end_ns: Nanos,
) -> Result<NetworkConfig, Problem> {
    let mut network = NetworkConfig::default();
    if let Some((min, max, shape)) = latency_of("network", &section.latency)? {
        network.latency_ns_min = min;
        network.latency_ns_max = max;
        network.latency_shape = shape;
    }
    network.drop_probability = probability("network.drop", Some(section.drop))?.unwrap_or(0.0);
    network.duplicate_probability =
        probability("network.duplicate", Some(section.duplicate))?.unwrap_or(0.0);
    network.duplicate_delay_ns_max = section.duplicate_delay_max.map_or(0, |d| d.0);
    network.hold_across_cut = section.across_cut == AcrossCut::Hold;
    network.links = links_of("network.links", &section.links, node_count)?;
    network.phases = phases_of(&section.phases, node_count, end_ns)?;
    Ok(network)
}

/// Latency bounds and shape at `path` (`network`, `network.links[0]`), if given.
fn latency_of(
    path: &str,
    latency: &Option<LatencySection>,
) -> Result<Option<(Nanos, Nanos, LatencyShape)>, Problem> {
    let Some(latency) = latency else {
        return Ok(None);
    };
    if latency.min > latency.max {
        return Err(problem(format!("{path}.latency.min"), "min is above max"));
    }
    let shape = match latency.shape {
        LatencyShapeName::Uniform => LatencyShape::Uniform,
        LatencyShapeName::LongTail => LatencyShape::LongTail,
    };
    Ok(Some((latency.min.0, latency.max.0, shape)))
}

fn probability(path: &str, p: Option<f64>) -> Result<Option<f64>, Problem> {
    match p {
        Some(p) if !(0.0..=1.0).contains(&p) => {
            Err(problem(path, "expected a probability from 0 to 1"))
        }
        other => Ok(other),
    }
}

/// The settings a link entry or phase gives, at `path`.
fn change_of(
    path: &str,
    latency: &Option<LatencySection>,
    drop: Option<f64>,
    duplicate: Option<f64>,
) -> Result<BehaviourChange, Problem> {
    Ok(BehaviourChange {
        latency: latency_of(path, latency)?,
        drop_probability: probability(&format!("{path}.drop"), drop)?,
        duplicate_probability: probability(&format!("{path}.duplicate"), duplicate)?,
    })
}

fn links_of(
    path: &str,
    links: &[LinkSection],
    node_count: usize,
) -> Result<Vec<LinkOverride>, Problem> {
    let mut overrides = Vec::new();
    for (i, link) in links.iter().enumerate() {
        let path = format!("{path}[{i}]");
        for (side, nodes) in [("from", &link.from), ("to", &link.to)] {
            if nodes.is_empty() {
                return Err(problem(
                    format!("{path}.{side}"),
                    "expected at least one node",
                ));
            }
            if let Some(j) = nodes.iter().position(|&n| n as usize >= node_count) {
                let message = format!(
                    "no node {}; this scenario has nodes 0 to {} (servers, then clients)",
                    nodes[j],
                    node_count.saturating_sub(1)
                );
                return Err(problem(format!("{path}.{side}[{j}]"), message));
            }
        }
        let change = change_of(&path, &link.latency, link.drop, link.duplicate)?;
        let (from, to) = (link.from.clone(), link.to.clone());
        overrides.push(LinkOverride { from, to, change });
    }
    Ok(overrides)
}

fn phases_of(
    phases: &[PhaseSection],
    node_count: usize,
    end_ns: Nanos,
) -> Result<Vec<NetworkPhase>, Problem> {
    let mut out: Vec<NetworkPhase> = Vec::new();
    for (i, phase) in phases.iter().enumerate() {
        let path = format!("network.phases[{i}]");
        if out.last().is_some_and(|p| p.from_ns > phase.at.0) {
            let message = "phases are listed in time order; this one starts before the last";
            return Err(problem(format!("{path}.at"), message));
        }
        if phase.at.0 >= end_ns {
            let message = "starts after the run ends (duration plus quiet)";
            return Err(problem(format!("{path}.at"), message));
        }
        let change = change_of(&path, &phase.latency, phase.drop, phase.duplicate)?;
        let links = match &phase.links {
            Some(links) => Some(links_of(&format!("{path}.links"), links, node_count)?),
            None => None,
        };
        out.push(NetworkPhase {
            from_ns: phase.at.0,
            change,
            links,
        });
    }
    Ok(out)
}
