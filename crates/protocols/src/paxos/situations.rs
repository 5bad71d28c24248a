//! The situations a Multi-Paxos run should reach: interesting paths its servers
//! mark with `ctx.sometimes(..)`. A fuzz campaign names those no seed reached, a
//! hole in its scenario. Call sites use these constants, so a misspelt name does not
//! compile.

pub const RECOVERED_FROM_DISK: &str = "a restarted acceptor recovered its promise from disk";
pub const RECOVERED_SNAPSHOT: &str = "a restarted server recovered its store from a snapshot";
pub const WROTE_SNAPSHOT: &str = "a server wrote a durable snapshot of its store";
pub const COLLECTED_GARBAGE: &str = "a server garbage-collected the votes of executed slots";
pub const REFUSED_PREPARE: &str = "an acceptor refused a prepare below its promise";
pub const REFUSED_ACCEPT: &str = "an acceptor refused an accept below its promise";
pub const RETRIED_PHASE_ONE: &str = "a stalled phase 1 was retried with a higher ballot";
pub const REPROPOSED_ACCEPTED_VALUE: &str =
    "a new leader re-proposed a value accepted under an earlier ballot";
pub const FILLED_HOLE_WITH_NOOP: &str = "a new leader filled a hole with a no-op";
pub const LEADER_STEPPED_DOWN: &str = "a leader stepped down on a higher ballot";
pub const LEARNED_OUT_OF_ORDER: &str = "a learner learned a decision past a hole";
pub const FETCHED_MISSED_DECISIONS: &str = "a learner behind the leader fetched missed decisions";
pub const CAUGHT_UP_FROM_SNAPSHOT: &str =
    "a learner behind a restarted leader caught up from the leader's snapshot";
pub const SLOT_TAKEN_BY_OTHER_COMMAND: &str =
    "a slot a leader proposed in was decided with another command";
pub const RETRY_ANSWERED_FROM_SESSION: &str = "a retried command was answered from its session";

pub const SITUATIONS: &[&str] = &[
    RECOVERED_FROM_DISK,
    RECOVERED_SNAPSHOT,
    WROTE_SNAPSHOT,
    COLLECTED_GARBAGE,
    REFUSED_PREPARE,
    REFUSED_ACCEPT,
    RETRIED_PHASE_ONE,
    REPROPOSED_ACCEPTED_VALUE,
    FILLED_HOLE_WITH_NOOP,
    LEADER_STEPPED_DOWN,
    LEARNED_OUT_OF_ORDER,
    FETCHED_MISSED_DECISIONS,
    CAUGHT_UP_FROM_SNAPSHOT,
    SLOT_TAKEN_BY_OTHER_COMMAND,
    RETRY_ANSWERED_FROM_SESSION,
];
