//! Random-fault rules: the nemesis's rates, windows, biases and the role pauses aim
//! at, with the defaults unset fields take.

use super::{problem, Problem};
use crate::duration::Duration;
use crate::scenario::file::{FaultsSection, RandomSection};
use crate::scenario::spec::is_role_name;
use faultline_sim::nemesis::NemesisConfig;
use faultline_sim::{Nanos, MILLISECOND};

pub(super) fn probability(name: &str, value: Option<f64>) -> Result<f64, Problem> {
    match value {
        Some(p) if !(0.0..=1.0).contains(&p) => Err(problem(
            format!("faults.random.{name}"),
            "expected a probability from 0 to 1",
        )),
        other => Ok(other.unwrap_or(0.0)),
    }
}

/// The nemesis of `faults.random`, with the section-wide knobs it follows.
pub(super) fn nemesis_of_faults(
    faults: &FaultsSection,
    servers: usize,
    node_count: usize,
) -> Result<Option<NemesisConfig>, Problem> {
    let Some(random) = &faults.random else {
        return Ok(None);
    };
    let mut nemesis = nemesis_of(random)?;
    if random.clock_clients == Some(true) {
        nemesis.clock_node_count = u32::try_from(node_count).unwrap_or(u32::MAX);
    }
    let first_client = u32::try_from(servers).unwrap_or(u32::MAX);
    nemesis.client_nodes = first_client..u32::try_from(node_count).unwrap_or(u32::MAX);
    if nemesis.crash_max_concurrent as usize > servers {
        return Err(problem(
            "faults.random.crash_max_concurrent",
            format!("more than the {servers} servers there are"),
        ));
    }
    nemesis.independent_partitions = faults.independent_partitions;
    Ok(Some(nemesis))
}

pub(super) fn nemesis_of(random: &RandomSection) -> Result<NemesisConfig, Problem> {
    let every = |d: Option<Duration>, name: &str| -> Result<Option<Nanos>, Problem> {
        match d {
            Some(Duration(0)) => Err(problem(
                format!("faults.random.{name}"),
                "expected a positive duration",
            )),
            other => Ok(other.map(|d| d.0)),
        }
    };
    let bias = random.leader_bias.unwrap_or(0.3);
    if !(0.0..=1.0).contains(&bias) {
        return Err(problem(
            "faults.random.leader_bias",
            "expected a probability from 0 to 1",
        ));
    }
    let (pause_role, pause_role_bias) = pause_role_of(random)?;
    Ok(NemesisConfig {
        partition_every_ns: every(random.partition_every, "partition_every")?,
        partition_for_ns_max: random.partition_for.map_or(2_000 * MILLISECOND, |d| d.0),
        crash_every_ns: every(random.crash_every, "crash_every")?,
        crash_for_ns_max: random.crash_for.map_or(1_000 * MILLISECOND, |d| d.0),
        crash_max_concurrent: match random.crash_max_concurrent {
            Some(0) => {
                let message = "expected at least 1 (one server at a time)";
                return Err(problem("faults.random.crash_max_concurrent", message));
            }
            other => other.unwrap_or(1),
        },
        replace_every_ns: every(random.replace_every, "replace_every")?,
        crash_point_every_ns: every(random.crash_point_every, "crash_point_every")?,
        crash_points: &[],
        client_crash_every_ns: every(random.client_crash_every, "client_crash_every")?,
        client_nodes: 0..0,
        pause_every_ns: every(random.pause_every, "pause_every")?,
        pause_for_ns_max: random.pause_for.map_or(500 * MILLISECOND, |d| d.0),
        clock_every_ns: every(random.clock_every, "clock_every")?,
        clock_jump_ns_max: random.clock_jump_max.map_or(100 * MILLISECOND, |d| d.0),
        clock_drift_ppm_max: random.clock_drift_ppm_max.unwrap_or(1_000),
        clock_node_count: 0,
        clock_jumps_window: None,
        leader_bias: bias,
        new_leader_crash: probability("new_leader_crash", random.new_leader_crash)?,
        new_leader_crash_within_ns: random
            .new_leader_crash_within
            .map_or(100 * MILLISECOND, |d| d.0),
        pause_role,
        pause_role_bias,
        partition_clients: random.partition_clients.unwrap_or(false),
        independent_partitions: false,
    })
}

/// The role pauses aim at, and how often; the bias means nothing without the role.
pub(super) fn pause_role_of(random: &RandomSection) -> Result<(Option<String>, f64), Problem> {
    let Some(role) = &random.pause_role else {
        if random.pause_role_bias.is_some() {
            return Err(problem(
                "faults.random.pause_role_bias",
                "applies only with pause_role; add \"pause_role\": a role such as \"holder\"",
            ));
        }
        return Ok((None, 0.0));
    };
    if !is_role_name(role) {
        return Err(problem(
            "faults.random.pause_role",
            format!(
                "`{role}` is not a role name; expected lowercase letters and `_`, such as \
                \"holder\""
            ),
        ));
    }
    let bias = random.pause_role_bias.unwrap_or(0.5);
    if !(0.0..=1.0).contains(&bias) {
        return Err(problem(
            "faults.random.pause_role_bias",
            "expected a probability from 0 to 1",
        ));
    }
    Ok((Some(role.clone()), bias))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn random_section(text: &str) -> Result<NemesisConfig, Problem> {
        nemesis_of(&serde_json::from_str::<RandomSection>(text).unwrap())
    }

    #[test]
    fn a_pause_role_is_a_role_name_with_a_probability() {
        let config = random_section(r#"{"pause_every": "1s", "pause_role": "holder"}"#);
        let config = config.ok().expect("valid");
        assert_eq!(config.pause_role.as_deref(), Some("holder"));
        assert_eq!(config.pause_role_bias, 0.5);
        let err = random_section(r#"{"pause_role_bias": 0.5}"#).err().unwrap();
        assert_eq!(err.path, "faults.random.pause_role_bias");
        let err = random_section(r#"{"pause_role": "Holder!"}"#)
            .err()
            .unwrap();
        assert_eq!(err.path, "faults.random.pause_role");
        let err = random_section(r#"{"pause_role": "holder", "pause_role_bias": 2}"#);
        let err = err.err().unwrap();
        assert!(err.message.contains("probability"), "{}", err.message);
        let plain = random_section(r#"{"pause_every": "1s"}"#)
            .ok()
            .expect("valid");
        assert_eq!(plain.pause_role, None);
    }
}
