//! The saga of one order as a pure state machine: which steps it runs, in what order,
//! and what it does next given the reply to the command it is waiting on.
//!
//! The steps, in Richardson's terms: `Reserve` and `Charge` are compensatable (undone
//! by `Release` and `Refund`); `Schedule` is the pivot (the last step that can be
//! refused: once a delivery slot is taken the saga can only go forward, so it needs no
//! compensation); `Ship` is retriable (never refused). A refused step cancels the saga:
//! the done steps before it are compensated in reverse order. A step whose reply is
//! late is neither done nor refused: the orchestrator asks again (same command id)
//! and does not move until it hears; that is the whole difference from
//! `saga.timeout_is_failure`.

use crate::saga::messages::{Action, Command, CommandId, Order, Outcome, Refusal, SagaEnd};
use serde::Serialize;

/// The forward steps, in order.
pub const STEPS: [Action; 4] = [
    Action::Reserve,
    Action::Charge,
    Action::Schedule,
    Action::Ship,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Waiting on forward step `STEPS[step]`.
    Forward {
        step: usize,
    },
    /// Refused for `refusal`; waiting on the compensation of `STEPS[step]`.
    Compensating {
        refusal: Refusal,
        step: usize,
    },
    Ended(SagaEnd),
}

/// A saga between transitions: what it has done and the command it waits on.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct SagaState {
    pub order: Order,
    pub amount: i64,
    pub phase: Phase,
    /// The command in flight (`None` once ended): resent, unchanged, until answered.
    pub pending: Option<Command>,
}

impl SagaState {
    /// A new saga, about to send its first step with command id `id`.
    pub fn begin(order: Order, amount: i64, id: CommandId) -> Self {
        let phase = Phase::Forward { step: 0 };
        SagaState {
            order,
            amount,
            phase,
            pending: Some(Self::command(order, amount, phase, id)),
        }
    }

    pub fn end(&self) -> Option<SagaEnd> {
        match self.phase {
            Phase::Ended(end) => Some(end),
            _ => None,
        }
    }

    pub fn is_ended(&self) -> bool {
        self.end().is_some()
    }

    /// The state after the pending command was answered with `outcome`; a next
    /// command, if any, gets id `next_id`.
    pub fn after(&self, outcome: Outcome, next_id: CommandId) -> SagaState {
        let phase = match (self.phase, outcome) {
            (Phase::Forward { step }, Outcome::Done) if step + 1 < STEPS.len() => {
                Phase::Forward { step: step + 1 }
            }
            (Phase::Forward { .. }, Outcome::Done) => Phase::Ended(SagaEnd::Completed),
            (Phase::Forward { step }, Outcome::Refused(refusal)) => {
                debug_assert!(
                    STEPS[step].can_be_refused() || refusal == Refusal::TimedOut,
                    "{:?} is never refused",
                    STEPS[step]
                );
                compensating_below(step, refusal)
            }
            (Phase::Compensating { refusal, step }, outcome) => {
                debug_assert_eq!(outcome, Outcome::Done, "compensations are never refused");
                compensating_below(step, refusal)
            }
            (Phase::Ended(_), _) => self.phase,
        };
        let pending = match phase {
            Phase::Ended(_) => None,
            _ => Some(Self::command(self.order, self.amount, phase, next_id)),
        };
        SagaState {
            order: self.order,
            amount: self.amount,
            phase,
            pending,
        }
    }

    /// The state if the pending step is treated as refused for `refusal`.
    pub fn refused(&self, refusal: Refusal, next_id: CommandId) -> SagaState {
        self.after(Outcome::Refused(refusal), next_id)
    }

    fn command(order: Order, amount: i64, phase: Phase, id: CommandId) -> Command {
        let action = match phase {
            Phase::Forward { step } => STEPS[step],
            Phase::Compensating { step, .. } => STEPS[step]
                .compensation()
                .expect("only steps with a compensation are compensated"),
            Phase::Ended(_) => unreachable!("an ended saga sends nothing"),
        };
        Command {
            id,
            action,
            order,
            amount,
        }
    }
}

/// Compensate the highest done step below `step` that has a compensation, or end
/// cancelled when none is left.
fn compensating_below(step: usize, refusal: Refusal) -> Phase {
    match (0..step).rev().find(|&s| STEPS[s].compensation().is_some()) {
        Some(step) => Phase::Compensating { refusal, step },
        None => Phase::Ended(SagaEnd::Cancelled(refusal)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::saga::messages::OrderId;

    fn order() -> Order {
        Order {
            id: OrderId {
                customer: 0,
                seq: 1,
            },
            item: 2,
            qty: 3,
        }
    }

    fn id(n: u64) -> CommandId {
        CommandId { boot: 1, n }
    }

    fn actions(mut state: SagaState, outcomes: &[Outcome]) -> (Vec<Action>, Option<SagaEnd>) {
        let mut sent = vec![state.pending.unwrap().action];
        for (n, outcome) in outcomes.iter().enumerate() {
            state = state.after(*outcome, id(n as u64 + 2));
            sent.extend(state.pending.map(|c| c.action));
        }
        (sent, state.end())
    }

    #[test]
    fn all_steps_done_completes() {
        let (sent, end) = actions(SagaState::begin(order(), 15, id(1)), &[Outcome::Done; 4]);
        assert_eq!(sent, STEPS);
        assert_eq!(end, Some(SagaEnd::Completed));
    }

    #[test]
    fn a_refused_step_compensates_the_done_ones_in_reverse() {
        let no_slot = Outcome::Refused(Refusal::NoDeliverySlot);
        let outcomes = [
            Outcome::Done,
            Outcome::Done,
            no_slot,
            Outcome::Done,
            Outcome::Done,
        ];
        let (sent, end) = actions(SagaState::begin(order(), 15, id(1)), &outcomes);
        use Action::*;
        assert_eq!(sent, [Reserve, Charge, Schedule, Refund, Release]);
        assert_eq!(end, Some(SagaEnd::Cancelled(Refusal::NoDeliverySlot)));
    }

    #[test]
    fn a_refused_first_step_cancels_at_once() {
        let out_of_stock = Outcome::Refused(Refusal::OutOfStock);
        let (sent, end) = actions(SagaState::begin(order(), 15, id(1)), &[out_of_stock]);
        assert_eq!(sent, [Action::Reserve]);
        assert_eq!(end, Some(SagaEnd::Cancelled(Refusal::OutOfStock)));
    }
}
