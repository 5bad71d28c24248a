//! The fault model: what can go wrong, whom it hits, and what was actually applied.
//!
//! A partition is either shared (`Partition`, ended with every other by `Heal`) or
//! its own cut (`Cut`, which heals alone: `HealCut`); see `cuts`.
//! A [`FaultAction`] names its victims by [`Target`]: a node index, `random` (drawn
//! from the fault stream among the servers it can apply to), or a role a node reports
//! (`leader`). Partition shapes (halves, isolate, majority/minority, bridge, ring) are
//! drawn over the servers; clients keep their links unless named explicitly, or unless
//! the shape is wrapped in [`PartitionShape::WithClients`], which puts the clients on
//! the shape's sides too. When the World applies a fault it resolves every target and
//! records an [`AppliedFault`] whose action names concrete nodes only, so the applied
//! timeline can be replayed or turned into an explicit scenario by the shrinker.

use crate::time::Nanos;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Who a fault hits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    Node(u32),
    Random,
    Role(String),
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Node(n) => write!(f, "n{n}"),
            Target::Random => write!(f, "random"),
            Target::Role(role) => write!(f, "{role}"),
        }
    }
}

/// How a partition divides the nodes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartitionShape {
    /// Explicit groups; links between different groups are cut both ways.
    Groups(Vec<Vec<u32>>),
    /// Links from every node of `from` to every node of `to` are cut, not the reverse.
    OneWay { from: Vec<u32>, to: Vec<u32> },
    /// Explicit directed links that are cut (the resolved form of a ring).
    Links(Vec<[u32; 2]>),
    /// The servers split into two random halves.
    Halves,
    /// One server cut off from every other server.
    Isolate(Target),
    /// A random majority and minority of servers; `minority` (if given) is in the
    /// minority, joining it if it is a client.
    MajorityMinority { minority: Option<Target> },
    /// Two halves that cannot talk to each other, and one node that talks to both.
    Bridge,
    /// Servers in a random ring, each talking only to its two neighbours.
    Ring,
    /// The inner shape drawn with the clients on its sides too (the random nemesis's
    /// form when `partition_clients` is on):
    /// - `Halves`, `MajorityMinority`, `Bridge`: the servers are split as without
    ///   clients (same draws), then each client joins one of the two groups at random
    ///   (a client named as the minority joins the minority without a draw);
    /// - `Ring`: the servers form the same ring, then each client attaches to a random
    ///   server of it and keeps its links to that server and its two neighbours only;
    /// - `Isolate`: a `random` target is drawn among servers and clients alike, and the
    ///   isolated node is cut off from every other node, clients included.
    ///
    /// Explicit shapes (`Groups`, `OneWay`, `Links`) are unchanged by it. It resolves
    /// to explicit `Groups` or `Links` that name the clients, so the applied fault
    /// replays as written.
    WithClients(Box<PartitionShape>),
}

impl PartitionShape {
    /// Every node index the shape names explicitly (not those it will draw at random).
    pub fn named_nodes(&self) -> Vec<u32> {
        match self {
            PartitionShape::Groups(groups) => groups.iter().flatten().copied().collect(),
            PartitionShape::OneWay { from, to } => from.iter().chain(to).copied().collect(),
            PartitionShape::Links(links) => links.iter().flatten().copied().collect(),
            PartitionShape::Isolate(Target::Node(n)) => vec![*n],
            PartitionShape::MajorityMinority {
                minority: Some(Target::Node(n)),
            } => vec![*n],
            PartitionShape::WithClients(inner) => inner.named_nodes(),
            _ => Vec::new(),
        }
    }
}

impl fmt::Display for PartitionShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nodes = |v: &[u32]| {
            let names: Vec<String> = v.iter().map(|n| format!("n{n}")).collect();
            format!("{{{}}}", names.join(","))
        };
        match self {
            PartitionShape::Groups(groups) => {
                let groups: Vec<String> = groups.iter().map(|g| nodes(g)).collect();
                write!(f, "{}", groups.join(" | "))
            }
            PartitionShape::OneWay { from, to } => write!(f, "{} -/-> {}", nodes(from), nodes(to)),
            PartitionShape::Links(links) => {
                let cuts: Vec<String> =
                    links.iter().map(|[a, b]| format!("n{a}-/->n{b}")).collect();
                write!(f, "cut {}", cuts.join(" "))
            }
            PartitionShape::Halves => write!(f, "halves"),
            PartitionShape::Isolate(target) => write!(f, "isolate {target}"),
            PartitionShape::MajorityMinority { minority: None } => write!(f, "majority/minority"),
            PartitionShape::MajorityMinority { minority: Some(t) } => {
                write!(f, "majority/minority with {t} in the minority")
            }
            PartitionShape::Bridge => write!(f, "bridge"),
            PartitionShape::Ring => write!(f, "ring"),
            PartitionShape::WithClients(inner) => write!(f, "{inner}, clients included"),
        }
    }
}

/// One fault.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FaultAction {
    Partition(PartitionShape),
    /// Restore every link.
    Heal,
    /// A partition that heals on its own after `heal_after_ns` (if given), whatever
    /// other cuts do: it blocks its links until then even if another partition heals
    /// first. Its heal is the World's [`FaultAction::HealCut`] of the resolved shape.
    Cut {
        shape: PartitionShape,
        heal_after_ns: Option<Nanos>,
    },
    /// End the oldest live cut with this resolved shape, and only that one.
    HealCut(PartitionShape),
    /// Crash a node; it restarts by itself after `restart_after_ns` if given.
    Crash {
        target: Target,
        restart_after_ns: Option<Nanos>,
    },
    Restart(Target),
    /// Arm a crash of a node at a point its protocol names (`ctx.crash_point`): the
    /// next time the node passes `point`, its handler halts there and the node
    /// crashes, restarting after `restart_after_ns` if given. Applied (and recorded)
    /// when the crash happens; skipped if the point is not reached before the fault
    /// period ends.
    CrashAtPoint {
        target: Target,
        point: String,
        restart_after_ns: Option<Nanos>,
    },
    /// Replace a server's machine: it crashes (if up) and its disk is emptied, so it
    /// restarts with nothing (after `restart_after_ns` if given), as a new machine
    /// would. Protocols that keep state on disk declare they need it
    /// (`Assumptions::durable_disk`); the harness keeps random faults off it then.
    Replace {
        target: Target,
        restart_after_ns: Option<Nanos>,
    },
    /// Pause a node's process; it resumes by itself after `resume_after_ns` if given.
    Pause {
        target: Target,
        resume_after_ns: Option<Nanos>,
    },
    Resume(Target),
    /// Move a node's clock by `by_ns` (forwards or backwards).
    ClockJump {
        target: Target,
        by_ns: i64,
    },
    /// Make a node's clock run fast (positive) or slow (negative).
    ClockDrift {
        target: Target,
        drift_ppm: i64,
    },
    /// Heal the network, restart every crashed node and resume every paused one:
    /// the end of the fault period, before the quiet period.
    RecoverAll,
    /// A node stopped itself (fail-stop, `Context::halt`: an fsync failed, a record
    /// was corrupt, `why`): it crashed at the end of the handler, nothing after the
    /// halt taking effect, and restarts after `restart_after_ns` if given. The World
    /// records it; a scenario cannot schedule it (the disk knobs cause it).
    Halt {
        target: Target,
        why: String,
        restart_after_ns: Option<Nanos>,
    },
    /// Record `record` of a server's disk is found corrupt (`disk.corrupt_on_restart`,
    /// drawn when the server restarts): every read of the disk fails until the
    /// record is gone.
    Corrupt {
        target: Target,
        record: usize,
    },
}

impl FaultAction {
    /// When a fault that fires at `at_ns` is over: a crash once its node restarts,
    /// a pause once it resumes, a cut once it heals (never, if nothing undoes it:
    /// its start), and anything else when it fires. The final recovery counts as 0.
    pub fn over_at_ns(&self, at_ns: Nanos) -> Nanos {
        let window = match self {
            FaultAction::Crash {
                restart_after_ns, ..
            }
            | FaultAction::Replace {
                restart_after_ns, ..
            } => restart_after_ns.unwrap_or(0),
            FaultAction::Pause {
                resume_after_ns, ..
            } => resume_after_ns.unwrap_or(0),
            FaultAction::Cut { heal_after_ns, .. } => heal_after_ns.unwrap_or(0),
            FaultAction::RecoverAll => return 0,
            _ => 0,
        };
        at_ns.saturating_add(window)
    }

    /// A short name for the fault kind, as used in scenarios and reports.
    pub fn kind_name(&self) -> &'static str {
        match self {
            FaultAction::Partition(_) => "partition",
            FaultAction::Heal => "heal",
            FaultAction::Cut { .. } => "partition",
            FaultAction::HealCut(_) => "heal",
            FaultAction::Crash { .. } => "crash",
            FaultAction::Restart(_) => "restart",
            FaultAction::CrashAtPoint { .. } => "crash",
            FaultAction::Replace { .. } => "replace",
            FaultAction::Pause { .. } => "pause",
            FaultAction::Resume(_) => "resume",
            FaultAction::ClockJump { .. } => "clock_jump",
            FaultAction::ClockDrift { .. } => "clock_drift",
            FaultAction::RecoverAll => "recover_all",
            FaultAction::Halt { .. } => "halt",
            FaultAction::Corrupt { .. } => "corrupt",
        }
    }
}

impl fmt::Display for FaultAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaultAction::Partition(shape) => write!(f, "partition {shape}"),
            FaultAction::Heal => write!(f, "heal"),
            FaultAction::Cut {
                shape,
                heal_after_ns: Some(d),
            } => write!(f, "cut {shape} for {}", crate::time::format_nanos(*d)),
            FaultAction::Cut { shape, .. } => write!(f, "cut {shape}"),
            FaultAction::HealCut(shape) => write!(f, "heal the cut {shape}"),
            FaultAction::Crash {
                target,
                restart_after_ns: Some(d),
            } => write!(f, "crash {target} for {}", crate::time::format_nanos(*d)),
            FaultAction::Crash { target, .. } => write!(f, "crash {target}"),
            FaultAction::Restart(t) => write!(f, "restart {t}"),
            FaultAction::CrashAtPoint {
                target,
                point,
                restart_after_ns,
            } => {
                write!(f, "crash {target} at point {point}")?;
                match restart_after_ns {
                    Some(d) => write!(f, " for {}", crate::time::format_nanos(*d)),
                    None => Ok(()),
                }
            }
            FaultAction::Replace {
                target,
                restart_after_ns: Some(d),
            } => write!(
                f,
                "replace {target} (empty disk) for {}",
                crate::time::format_nanos(*d)
            ),
            FaultAction::Replace { target, .. } => write!(f, "replace {target} (empty disk)"),
            FaultAction::Pause {
                target,
                resume_after_ns: Some(d),
            } => write!(f, "pause {target} for {}", crate::time::format_nanos(*d)),
            FaultAction::Pause { target, .. } => write!(f, "pause {target}"),
            FaultAction::Resume(t) => write!(f, "resume {t}"),
            FaultAction::ClockJump { target, by_ns } => {
                write!(f, "clock jump {target} by {by_ns}ns")
            }
            FaultAction::ClockDrift { target, drift_ppm } => {
                write!(f, "clock drift {target} {drift_ppm}ppm")
            }
            FaultAction::RecoverAll => write!(f, "recover all"),
            FaultAction::Halt {
                target,
                why,
                restart_after_ns,
            } => {
                write!(f, "halt {target} (fail-stop: {why})")?;
                match restart_after_ns {
                    Some(d) => write!(f, " for {}", crate::time::format_nanos(*d)),
                    None => Ok(()),
                }
            }
            FaultAction::Corrupt { target, record } => {
                write!(f, "corrupt record {record} of {target}'s disk")
            }
        }
    }
}

/// A fault as the World applied it: time, the action with every target resolved to
/// concrete nodes, and, if it could not apply (no leader to crash, say), why not.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppliedFault {
    pub at_ns: Nanos,
    pub action: FaultAction,
    pub skipped: Option<String>,
}
