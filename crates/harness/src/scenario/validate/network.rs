//! Network rules: latency bounds and shape, loss and duplication probabilities.

use super::{problem, Problem};
use crate::scenario::file::{AcrossCut, LatencyShapeName, NetworkSection};
use faultline_sim::{LatencyShape, NetworkConfig};

pub(super) fn network_of(section: &NetworkSection) -> Result<NetworkConfig, Problem> {
    let mut network = NetworkConfig::default();
    if let Some(latency) = &section.latency {
        if latency.min > latency.max {
            return Err(problem("network.latency.min", "min is above max"));
        }
        network.latency_ns_min = latency.min.0;
        network.latency_ns_max = latency.max.0;
        network.latency_shape = match latency.shape {
            LatencyShapeName::Uniform => LatencyShape::Uniform,
            LatencyShapeName::LongTail => LatencyShape::LongTail,
        };
    }
    for (name, p) in [("drop", section.drop), ("duplicate", section.duplicate)] {
        if !(0.0..=1.0).contains(&p) {
            return Err(problem(
                format!("network.{name}"),
                "expected a probability from 0 to 1",
            ));
        }
    }
    network.drop_probability = section.drop;
    network.duplicate_probability = section.duplicate;
    network.hold_across_cut = section.across_cut == AcrossCut::Hold;
    Ok(network)
}
