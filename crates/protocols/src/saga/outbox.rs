//! The orchestrator's durable state: an outbox. Each saga transition is written to
//! disk, with the command it implies, and fsynced before that command is sent (or the
//! customer told the end), so whatever a service or customer has heard of, a restarted
//! orchestrator knows too, and resends under the same command id.
//!
//! With `saga.state_after_send` the order is reversed: the command goes out first and
//! the state is written after it, made durable only by a background flush every
//! [`FLUSH_NS`]. A crash before the flush forgets the transition: the restarted
//! orchestrator redoes from the older state, minting new ids for commands a service
//! already applied under the forgotten ones.

use crate::saga::messages::{Record, Timer};
use crate::saga::orchestrator::{Ctx, Orchestrator};
use crate::saga::state::SagaState;
use faultline_sim::{Nanos, MILLISECOND};

/// `saga.state_after_send`: how often written-but-unsynced saga states are fsynced.
pub const FLUSH_NS: Nanos = 20 * MILLISECOND;

impl Orchestrator {
    /// Moves a saga to `state`: durably, then its effect (send the pending command, or
    /// tell the customer how it ended).
    pub(super) fn transition(&mut self, ctx: &mut Ctx<'_>, state: SagaState) {
        if self.config.bugs.state_after_send {
            self.take_effect(ctx, &state);
            ctx.disk().append(Record::Saga(state.clone()));
            self.arm_flush(ctx);
        } else {
            ctx.disk().append(Record::Saga(state.clone()));
            ctx.fsync_or_halt(); // fail-stop: the effect never leaves
            self.take_effect(ctx, &state);
        }
        self.store(state);
    }

    /// Keeps `state` as its saga's latest, and the set of sagas still open with it.
    fn store(&mut self, state: SagaState) {
        let id = state.order.id;
        if state.is_ended() {
            self.open.remove(&id);
        } else {
            self.open.insert(id);
        }
        self.sagas.insert(id, state);
    }

    fn take_effect(&mut self, ctx: &mut Ctx<'_>, state: &SagaState) {
        match (state.pending, state.end()) {
            (Some(command), _) => self.send_command(ctx, command),
            (None, Some(end)) => self.finish(ctx, state.order.id, end),
            (None, None) => unreachable!("a saga that has not ended has a pending command"),
        }
    }

    fn arm_flush(&mut self, ctx: &mut Ctx<'_>) {
        if self.flush_timer.is_none() {
            self.flush_timer = Some(ctx.set_timer(FLUSH_NS, Timer::Flush));
        }
    }

    pub(super) fn flush(&mut self, ctx: &mut Ctx<'_>) {
        self.flush_timer = None;
        ctx.fsync_or_halt();
    }

    /// Reloads every saga (the last state written for each wins) and counts this boot.
    pub(super) fn recover(&mut self, ctx: &mut Ctx<'_>) {
        let mut boots = 0;
        let records = match ctx.disk().records() {
            Ok(records) => records,
            Err(corrupt) => return ctx.halt(corrupt), // refuse to start: stay down
        };
        for record in records {
            match record {
                Record::Boot => boots += 1,
                Record::Saga(state) => {
                    self.store(state.clone());
                }
                Record::Applied { .. } => {}
            }
        }
        self.boot = boots + 1;
        ctx.disk().append(Record::Boot);
        ctx.fsync_or_halt();
        debug_assert!(
            self.sagas
                .values()
                .all(|s| s.is_ended() != s.pending.is_some()),
            "a recovered saga has ended or has a command to resend"
        );
    }
}
