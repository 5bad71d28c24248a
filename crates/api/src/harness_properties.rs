//! The properties the harness itself judges every run by, whatever the protocol:
//! the client history against its model, its transactions against the promised
//! consistency, liveness, availability (when a scenario asks) and convergence after
//! the faults heal, a run that panics or never settles, and (once per campaign) the
//! situations a scenario requires. A protocol's named bugs
//! may name these beside its own declared properties ([`crate::Protocol::properties`]).

use crate::property::Property;

/// The client history is linearizable with respect to the protocol's history model.
pub const LINEARIZABILITY: Property = Property::new(
    "linearizability",
    "the client history is linearizable with respect to the history model",
);

/// The transactional history has the consistency the protocol promises (judged for
/// protocols that declare one, [`crate::Protocol::isolation`]).
pub const ISOLATION: Property = Property::new(
    "isolation",
    "the clients' transactions show no anomaly the protocol's consistency model forbids",
);

/// Every client operation completes once the faults heal.
pub const STUCK: Property = Property::new(
    "stuck",
    "every client operation completes within the quiet period after the faults heal, \
     and not every one fails",
);

/// Availability mode (`checks.availability`): once the faults heal, every client
/// operation completes within the scenario's bound.
pub const UNAVAILABLE: Property = Property::new(
    "unavailable",
    "once the faults heal, every client operation completes within the availability bound",
);

/// Every live replica reaches the same applied state once the faults heal (judged
/// only for protocols that report replica digests).
pub const CONVERGED: Property = Property::new(
    "converged",
    "once the faults heal and the clients are done, every live replica reaches the same applied \
        state",
);

/// Clients invoke only operations their history model knows.
pub const KNOWN_OPERATIONS: Property = Property::new(
    "history_model",
    "clients invoke only operations their history model knows",
);

/// Protocol code does not panic.
pub const PANIC: Property = Property::new("panic", "protocol code does not panic");

/// A run settles within the harness's event budgets.
pub const RUNAWAY: Property = Property::new(
    "runaway",
    "a run stays within its event budgets (time advances, the queue stays bounded)",
);

/// A campaign reaches every situation its scenario requires (`checks.reached`):
/// judged once per campaign of at least 100 seeds, not per run. A situation the
/// scenario was written to exercise that no seed reaches any more is a code path
/// that stopped running, which no property of a single run can see.
pub const NEVER_REACHED: Property = Property::new(
    "never_reached",
    "a fuzz campaign of at least 100 seeds reaches every situation its scenario requires \
     (`checks.reached`)",
);

/// Every property the harness judges on a run, whatever the protocol (the ones a
/// named bug may cite; [`NEVER_REACHED`], judged per campaign, is not among them).
pub const HARNESS_PROPERTIES: &[Property] = &[
    LINEARIZABILITY,
    ISOLATION,
    STUCK,
    UNAVAILABLE,
    CONVERGED,
    KNOWN_OPERATIONS,
    PANIC,
    RUNAWAY,
];

/// Whether a violation of `name` is one a protocol declaring `declared` may raise
/// or a named bug may cite: one of its declared properties or a harness property.
/// A protocol that declares none (`&[]`) has not declared its properties, and
/// every name is accepted, so protocols written before declarations keep working.
pub fn names_known_property(declared: &[Property], name: &str) -> bool {
    declared.is_empty()
        || Property::find(declared, name).is_some()
        || Property::find(HARNESS_PROPERTIES, name).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWN: Property = Property::new("own", "a protocol's own");

    #[test]
    fn a_declaring_protocol_may_name_its_own_and_the_harness_properties_only() {
        assert!(names_known_property(&[OWN], "own"));
        assert!(names_known_property(&[OWN], "linearizability"));
        assert!(names_known_property(&[OWN], "history_model"));
        assert!(!names_known_property(&[OWN], "onw"));
    }

    #[test]
    fn a_protocol_that_declares_nothing_may_name_anything() {
        assert!(names_known_property(&[], "anything"));
    }
}
